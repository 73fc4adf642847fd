import { accessSync, constants, statSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { InvocationError, PowerShell, ProcessError } from 'node-powershell';
import { QUIET, SCRIPTS } from './scripts';

/** Options of one {@link ScriptRunner.run}. */
export interface RunOptions {
  /** This script's own timeout, instead of the runner's (a service restart takes longer). */
  timeoutMs?: number;
}

/** Runs one fixed PowerShell script and returns what it printed to stdout. */
export interface ScriptRunner {
  /** Starts a shell if none runs; never throws (a failure is kept in {@link problem}). */
  start(): Promise<void>;
  /**
   * Runs `script` in the shell.
   * @throws PwshUnavailableError, ScriptTimeoutError or ScriptError.
   */
  run(script: string, options?: RunOptions): Promise<string>;
  /** True when a shell with the ADSync module is up. */
  readonly ready: boolean;
  /** Why the runner is not ready, in one line for the heartbeat; null when ready. */
  readonly problem: string | null;
  dispose(): Promise<void>;
}

/** PowerShell cannot be started at all (executable missing, or the ADSync module will not load). */
export class PwshUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PwshUnavailableError';
  }
}

/** A script did not answer within the operation timeout; its shell was disposed. */
export class ScriptTimeoutError extends Error {
  constructor(
    readonly script: string,
    readonly timeoutMs: number,
  ) {
    super(`PowerShell did not answer "${withoutQuiet(script)}" within ${timeoutMs} ms; the shell was killed`);
    this.name = 'ScriptTimeoutError';
  }
}

/** A script wrote to the error stream (a cmdlet failed); `message` holds that text. */
export class ScriptError extends Error {
  constructor(
    readonly script: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** The first script of every fresh shell. */
export const IMPORT_MODULE_SCRIPT = SCRIPTS.importModule;

/**
 * The second: a real read. An import that "worked" proves little (PowerShell 7 loads this .NET
 * Framework module in-process and fails only at a later call); a shell is ready once it can read
 * the scheduler.
 */
export const PROBE_SCRIPT = SCRIPTS.scheduler;

/** Options of {@link PowerShellRunner}. */
export interface PowerShellRunnerOptions {
  /** `pwsh` (looked up on PATH) or a full path. */
  executable: string;
  timeoutMs: number;
  /** Environment of the shell; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  onShellEvent?: (event: 'started' | 'disposed' | 'exited', detail: string) => void;
}

/**
 * node-powershell keeps these private, but its constructor starts the child process and makes an
 * exit promise that rejects when the spawn fails; nothing awaits it unless you invoke or
 * dispose, so an unused shell whose executable is missing crashes Node with an unhandled
 * rejection. We reach in once, here, to observe the process and to handle that promise.
 */
interface ShellInternals {
  process: ChildProcess;
  exitPromise: Promise<void>;
}

/**
 * A node-powershell shell run as `<executable> -NoLogo -NoProfile -NonInteractive -NoExit -Command -`
 * (Windows PowerShell 5.1 on a server), with the ADSync module imported and the scheduler read once
 * per fresh shell. An invocation that outlives the timeout
 * kills the shell and starts a fresh one (a hung cmdlet would otherwise block every later job).
 */
export class PowerShellRunner implements ScriptRunner {
  private shell: PowerShell | null = null;
  private starting: Promise<void> | null = null;
  private lastProblem: string | null = 'PowerShell has not been started yet';

  constructor(private readonly options: PowerShellRunnerOptions) {}

  get ready(): boolean {
    return this.shell !== null && this.lastProblem === null;
  }

  get problem(): string | null {
    return this.lastProblem;
  }

  start(): Promise<void> {
    if (this.shell) return Promise.resolve();
    this.starting ??= this.startShell()
      .catch((err: unknown) => {
        this.lastProblem = err instanceof Error ? err.message : String(err);
      })
      .finally(() => (this.starting = null));
    return this.starting;
  }

  async run(script: string, options: RunOptions = {}): Promise<string> {
    await this.start();
    const shell = this.shell;
    if (!shell) throw new PwshUnavailableError(this.lastProblem ?? 'PowerShell is not available');
    try {
      return await this.invoke(shell, script, options.timeoutMs ?? this.options.timeoutMs);
    } catch (err) {
      // A fresh shell now, so the next job does not pay for the start (or learns pwsh is gone).
      if (err instanceof ScriptTimeoutError) await this.start();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    const shell = this.shell;
    this.shell = null;
    if (shell) await this.kill(shell, 'disposed');
  }

  private async startShell(): Promise<void> {
    const executable = resolveExecutable(this.options.executable, this.options.env ?? process.env);
    const shell = new PowerShell({
      executable,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true },
      spawnOptions: { env: this.options.env ?? process.env, windowsHide: true },
    });
    const internals = shell as unknown as ShellInternals;
    internals.exitPromise.catch(() => undefined);
    // A dead pwsh makes a second write to stdin emit 'error'; node-powershell listens only once.
    shell.streams.stdin.on('error', () => undefined);
    await spawned(internals.process, executable);
    internals.process.once('exit', (code, signal) => {
      if (this.shell === shell) {
        this.shell = null;
        this.lastProblem = `PowerShell exited (code ${String(code)}, signal ${String(signal)})`;
      }
      this.options.onShellEvent?.('exited', `code ${String(code)}, signal ${String(signal)}`);
    });
    await this.prepare(shell, executable);
    this.shell = shell;
    this.lastProblem = null;
    this.options.onShellEvent?.('started', `${executable} (pid ${String(internals.process.pid)})`);
  }

  /**
   * Imports the module and reads the scheduler once; a failure kills the shell and says which step,
   * unless the read failed because the ADSync service is stopped.
   */
  private async prepare(shell: PowerShell, executable: string): Promise<void> {
    for (const [step, script] of [
      ['import', IMPORT_MODULE_SCRIPT],
      ['probe', PROBE_SCRIPT],
    ] as const) {
      try {
        const output = await this.invoke(shell, script, this.options.timeoutMs);
        if (step === 'probe') parseJsonOutput(script, output);
      } catch (err) {
        const shellDied = err instanceof ScriptError && err.cause instanceof ProcessError;
        // With ADSync stopped every ADSync cmdlet fails though the shell is sound: it is kept, so
        // the bot still reads the health and can queue the restart that fixes it.
        if (step === 'probe' && !shellDied && !(err instanceof ScriptTimeoutError)) {
          if (await this.serviceStopped(shell)) return;
        }
        await this.kill(shell, 'disposed');
        if (err instanceof ScriptError && err.cause instanceof ProcessError) {
          const code = err.cause.exitCode ?? err.cause.signalCode ?? 'unknown';
          throw new PwshUnavailableError(`"${executable}" exited at start-up (exit code ${String(code)})`);
        }
        const why = err instanceof Error ? firstLine(err.message) : String(err);
        throw new PwshUnavailableError(
          step === 'import'
            ? `importing the ADSync module failed: ${why}`
            : `the ADSync module loaded but Get-ADSyncScheduler failed, so the relay cannot read the ` +
                `scheduler (is the ADSync service running, and is the relay's account in ADSyncOperators?): ${why}`,
        );
      }
    }
  }

  /** Whether Get-Service reads the ADSync service as Stopped (false when it cannot tell). */
  private async serviceStopped(shell: PowerShell): Promise<boolean> {
    try {
      const service = parseJsonOutput(
        SCRIPTS.service,
        await this.invoke(shell, SCRIPTS.service, this.options.timeoutMs),
      );
      const status = (service as { Status?: unknown } | null)?.Status;
      return status === 1 || status === 'Stopped';
    } catch {
      return false;
    }
  }

  private async invoke(shell: PowerShell, script: string, timeoutMs: number): Promise<string> {
    const invocation = shell.invoke(script);
    // If the timeout wins, the invocation still settles later (when the shell is killed).
    invocation.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([invocation, timeout]);
      if (result === 'timeout') {
        if (this.shell === shell) this.shell = null;
        await this.kill(shell, 'disposed');
        throw new ScriptTimeoutError(script, timeoutMs);
      }
      return result.raw;
    } catch (err) {
      if (err instanceof ScriptTimeoutError) throw err;
      if (err instanceof InvocationError) throw new ScriptError(script, err.message.trim());
      // The process died under us (ProcessError): make sure the next run starts a fresh shell.
      if (this.shell === shell) this.shell = null;
      const failure = new ScriptError(script, err instanceof Error ? firstLine(err.message) : String(err));
      failure.cause = err;
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  private async kill(shell: PowerShell, event: 'disposed'): Promise<void> {
    // SIGKILL: a shell stuck in a cmdlet may not honour SIGTERM promptly.
    await shell.dispose('SIGKILL').catch(() => undefined);
    this.options.onShellEvent?.(event, 'shell killed');
  }
}

/** Waits until the child process runs, or fails with a clear error when it cannot be started. */
function spawned(child: ChildProcess, executable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      child.removeListener('spawn', onSpawn);
      reject(
        new PwshUnavailableError(`PowerShell could not be started from "${executable}": ${err.message}`),
      );
    };
    const onSpawn = () => {
      child.removeListener('error', onError);
      resolve();
    };
    child.once('error', onError);
    child.once('spawn', onSpawn);
  });
}

/**
 * The executable's full path, or a {@link PwshUnavailableError} that says which setting to fix.
 * Checked before spawning so a missing pwsh is a sentence, not an ENOENT from deep inside.
 */
export function resolveExecutable(executable: string, env: NodeJS.ProcessEnv): string {
  const onPath = !path.isAbsolute(executable) && !executable.includes('/') && !executable.includes('\\');
  const candidates = onPath
    ? (env.PATH ?? env.Path ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .flatMap((dir) => withExtensions(path.join(dir, executable), env))
    : [path.resolve(executable)];
  const found = candidates.find(isExecutableFile);
  if (found) return found;
  throw new PwshUnavailableError(
    `PowerShell executable "${executable}" was not found${onPath ? ' on PATH' : ''}` +
      '; set RELAY_PWSH to the full path of Windows PowerShell ' +
      '(%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe)',
  );
}

function withExtensions(file: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32') return [file];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean);
  return [file, ...exts.map((e) => file + e.toLowerCase())];
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A script as an admin would type it: without the stream preferences every script starts with. */
export function withoutQuiet(script: string): string {
  return script.startsWith(QUIET) ? script.slice(QUIET.length) : script;
}

/** The first line of `text` once trimmed: the gist of a PowerShell error, which runs on for lines. */
export function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? '';
}

/**
 * Parses what `ConvertTo-Json -Compress` printed: null when the pipeline gave nothing (e.g.
 * Get-ADSyncConnectorRunStatus when idle).
 * @throws ScriptError when the text is not JSON.
 */
export function parseJsonOutput(script: string, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScriptError(
      script,
      `PowerShell printed something that is not JSON: ${firstLine(text).slice(0, 200)}`,
    );
  }
}
