/**
 * The stand-in `pwsh` for the relay's tests and demo mode: speaks node-powershell's framing on
 * stdin/stdout/stderr and implements the ADSync cmdlets the relay runs against a simulated sync
 * server whose state lives in the file named by `ADSYNC_SIM_STATE`. Started by `bin/pwsh`.
 *
 * Arguments as pwsh takes them; only `-Command -` (read stdin, the node-powershell way) and
 * `-Command <text>` matter, the rest (`-NoLogo`, `-NoExit`, `-NoProfile`, …) are accepted.
 *
 * Fidelity notes (PowerShell 7.4 on .NET 8 as the model):
 * - ConvertTo-Json: TimeSpans are objects (Ticks, Days, …, TotalSeconds; Total* as doubles written
 *   `30.0`), enums are numbers (service Status 4 = Running, 1 = Stopped; NextSyncCyclePolicyType
 *   1 = Delta, a best guess at ADSync's enum values) unless -EnumsAsStrings, DateTimes are ISO
 *   strings; no input prints nothing. Start-ADSyncSyncCycle gives `{"Result":"Success"}`.
 * - Errors go to stderr in ConciseView, `<Cmdlet>: <message>`, without ANSI colours; the
 *   not-recognized message keeps PowerShell's line break before "Check the spelling…".
 * - Every line of stdin runs on its own, in order, as pwsh does with `-Command -`; a hung cmdlet
 *   blocks all later lines (including node-powershell's end markers) until the process is killed.
 */
import { createInterface } from 'node:readline';
import { sleep } from '../../shared/sleep';
import { PsSession } from './interpreter';
import { AdSyncSimState, defaultStatePath } from './state';

/** Version line for `-Version`: says what it is, so nobody mistakes it for PowerShell. */
const VERSION = 'PowerShell 7.4.6 (Anchor stand-in ADSync host)';

function commandArgument(argv: string[]): string | undefined {
  const index = argv.findIndex((a) => /^-(c|command)$/i.test(a));
  return index === -1 ? undefined : argv[index + 1];
}

function startSession(): PsSession {
  return new PsSession(
    {
      state: new AdSyncSimState(defaultStatePath()),
      env: process.env,
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
