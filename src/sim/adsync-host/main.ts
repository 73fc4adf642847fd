/**
 * The stand-in `pwsh` for the relay's tests and demo mode: speaks node-powershell's framing on
 * stdin/stdout/stderr and implements the ADSync cmdlets the relay runs against a simulated sync
 * server whose state lives in the file named by `ADSYNC_SIM_STATE`. Started by `bin/pwsh`.
 *
 * Arguments as pwsh takes them; only `-Command -` (read stdin, the node-powershell way) and
 * `-Command <text>` matter, the rest (`-NoLogo`, `-NoExit`, `-NoProfile`, …) are accepted.
 *
 * Fidelity notes (Windows PowerShell 5.1 on .NET Framework 4.x as the model, the PowerShell the
 * ADSync module is documented for):
 * - ConvertTo-Json (JavaScriptSerializer): TimeSpans are objects (Ticks, Days, …, TotalSeconds;
 *   Total* as doubles, whole ones written `30`), enums are always numbers (service Status
 *   4 = Running, 1 = Stopped; NextSyncCyclePolicyType 1 = Delta and Start-ADSyncSyncCycle's
 *   `{"Result":0}` = Success are best guesses at ADSync's enum values), DateTimes are
 *   `\/Date(ms)\/` (a DateTime of kind Unspecified shifted by the server's UTC offset); no input
 *   prints nothing; -EnumsAsStrings and -AsArray do not exist.
 * - Errors go to stderr in NormalView: `<Cmdlet> : <message>`, the position, CategoryInfo and
 *   FullyQualifiedErrorId. Warnings go to stdout as `WARNING: …`, progress records to stderr as
 *   CLIXML, unless $WarningPreference / $ProgressPreference silence them.
 * - Every line of stdin runs on its own, in order, as pwsh does with `-Command -`; a hung cmdlet
 *   blocks all later lines (including node-powershell's end markers) until the process is killed.
 */
import { createInterface } from 'node:readline';
import { sleep } from '../../shared/sleep';
import { PsSession } from './interpreter';
import { AdSyncSimState, defaultStatePath } from './state';

/** Version line for `-Version`: says what it is, so nobody mistakes it for PowerShell. */
const VERSION = 'Windows PowerShell 5.1.17763 (Anchor stand-in ADSync host)';

function commandArgument(argv: string[]): string | undefined {
  const index = argv.findIndex((a) => /^-(c|command)$/i.test(a));
  return index === -1 ? undefined : argv[index + 1];
}

function startSession(): PsSession {
  return new PsSession(
    {
      state: new AdSyncSimState(defaultStatePath()),
      // The stand-in is a Windows server: $env:ProgramFiles is set there.
      env: { ProgramFiles: 'C:\\Program Files', ...process.env },
      now: () => new Date(),
      sleep,
    },
    {
      out: (text) => void process.stdout.write(`${text}\n`),
      err: (text) => void process.stderr.write(`${text}\n`),
    },
  );
}

/** Runs stdin lines one after another, as pwsh does with `-Command -`; exits when stdin ends. */
async function runStdin(session: PsSession): Promise<void> {
  // A hung cmdlet awaits forever; this keeps the process alive (and killable) meanwhile.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) await session.runLine(line);
  clearInterval(keepAlive);
}

async function main(argv: string[]): Promise<void> {
  if (argv.some((a) => /^-(v|version)$/i.test(a))) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const session = startSession();
  const command = commandArgument(argv);
  if (command === undefined || command === '-') await runStdin(session);
  else for (const line of command.split(/\r?\n/)) await session.runLine(line);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
