import type { JobFailureReason, RelayOperation } from '../shared/relay-protocol/messages';
import {
  PAUSE_CMDLET,
  RESUME_CMDLET,
  pauseNotTakenMessage,
  schedulerAccessDeniedMessage,
  stillPausedInstruction,
  stillPausedMessage,
} from '../shared/relay-protocol/scheduler-checks';
import { sleep } from '../shared/sleep';
import { PwshUnavailableError, ScriptError, firstLine, parseJsonOutput } from './powershell-runner';
import type { ScriptRunner } from './powershell-runner';
import { SCRIPTS } from './scripts';
import { UNKNOWN_STATE, readCycleInProgress, readSyncServerState } from './sync-server-state';
import type { SyncServerState } from './sync-server-state';
import { plural } from '../shared/plural';

/** What running one allowlisted operation gave. */
export interface OperationOutcome {
  outcome: 'done' | 'failed' | 'refused';
  /** One line an admin can act on. */
  message: string;
  /** The sync server after the operation (unknown fields are null). */
  state: SyncServerState;
  /**
   * Whether the cmdlet that changes the server (Set-ADSyncScheduler, Start-ADSyncSyncCycle,
   * Restart-Service) was sent: false when the operation was refused or failed before it, so the
   * server is as it was.
   */
  changeSent: boolean;
  /** Why it failed, when the bot has its own words for it (e.g. the account may not pause). */
  reason?: JobFailureReason;
}

/** Options of {@link SyncServerOperations}. */
export interface OperationOptions {
  /** How long a delta keeps retrying while Entra Connect answers "AAD is busy". */
  deltaDeadlineMs: number;
  /** Wait between two delta attempts. */
  busyRetryMs: number;
  /** The name admins know this sync server by (the relay id), in messages. */
  server: string;
  /** How often one resume sends the cmdlet until Get-ADSyncScheduler reads back enabled. */
  resumeAttempts: number;
  /** Wait between two attempts of one resume. */
  resumeRetryMs: number;
  /**
   * How many reads in a row must show no sync cycle before the relay says none runs: between two
   * steps of a cycle (connector to connector) Get-ADSyncConnectorRunStatus may return nothing.
   */
  idleConfirmReads: number;
  /** Wait between two of those reads. */
  idleConfirmMs: number;
  /** How long `Restart-Service ADSync` may take (stopping the sync engine can take minutes). */
  restartTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Start-ADSyncSyncCycle's errors while a cycle runs; both are seen in the field:
 * "Connector: <tenant> - AAD is busy." and "Sync is already running. Cannot start a new run till
 * this one completes."
 */
const SYNC_BUSY = /AAD is busy|Sync is already running/i;

/** An ADSync cmdlet refused for the account's rights (UnauthorizedAccessException, "Access is denied"). */
const ACCESS_DENIED = /UnauthorizedAccess|Access is denied|access denied/i;

/** Set once an operation has sent the cmdlet that changes the server. */
interface Progress {
  changeSent: boolean;
}

/**
 * The allowlist: each operation is a fixed sequence of {@link SCRIPTS} plus the safety rules of
 * the sync server (no pause or delta in staging mode, no service restart during a cycle, delta
 * retried while busy until a deadline). Pause and resume are read back: a cmdlet that returned
 * without error is not taken as proof that the scheduler changed.
 */
export class SyncServerOperations {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly runner: ScriptRunner,
    private readonly options: OperationOptions,
  ) {
    this.sleep = options.sleep ?? sleep;
    this.now = options.now ?? Date.now;
  }

  /** Runs `operation`. Never throws: every failure becomes a `failed` outcome with the reason. */
  async run(operation: RelayOperation): Promise<OperationOutcome> {
    const progress: Progress = { changeSent: false };
    try {
      switch (operation) {
        case 'status':
          return await this.status();
        case 'pause':
          return await this.pause(progress);
        case 'resume':
          return await this.resume(progress);
        case 'delta':
          return await this.delta(progress);
        case 'restart-service':
          return await this.restartService(progress);
        default:
          return refused(`"${String(operation)}" is not an allowed operation`, UNKNOWN_STATE);
      }
    } catch (err) {
      return {
        outcome: 'failed',
        message: oneLine(err),
        state: await this.stateOrUnknown(),
        changeSent: progress.changeSent,
      };
    }
  }

  /** The current state, or {@link UNKNOWN_STATE} when it cannot be read. */
  async stateOrUnknown(): Promise<SyncServerState> {
    try {
      return await readSyncServerState(this.runner);
    } catch {
      return UNKNOWN_STATE;
    }
  }

  /**
   * The state, with "no cycle runs" confirmed by {@link OperationOptions.idleConfirmReads} reads in
   * a row: one empty run status may be a gap between two steps of a cycle that goes on.
   */
  private async confirmedState(): Promise<SyncServerState> {
    const state = await readSyncServerState(this.runner);
    for (let read = 2; read <= this.options.idleConfirmReads && state.cycleInProgress === false; read++) {
      await this.sleep(this.options.idleConfirmMs);
      if (await readCycleInProgress(this.runner)) return { ...state, cycleInProgress: true };
    }
    return state;
  }

  private async status(): Promise<OperationOutcome> {
    const state = await this.confirmedState();
    const message =
      `scheduler ${state.syncCycleEnabled ? 'enabled' : 'paused'}` +
      `, staging mode ${state.stagingModeEnabled ? 'on' : 'off'}` +
      `, ${state.cycleInProgress ? 'a sync cycle is running' : 'no sync cycle running'}` +
      `, ADSync service ${state.serviceState ?? 'unknown'}`;
    return { outcome: 'done', message, state, changeSent: false };
  }

  /** Pauses, then reads the scheduler back: a pause that did not take fails. */
  private async pause(progress: Progress): Promise<OperationOutcome> {
    const before = await readSyncServerState(this.runner);
    if (before.stagingModeEnabled !== false) return refusedInStaging('pause', before);
    progress.changeSent = true;
    try {
      await this.runner.run(SCRIPTS.pause);
    } catch (err) {
      if (!isAccessDenied(err)) throw err;
      return this.denied(err);
    }
    const state = await this.confirmedState();
    if (state.syncCycleEnabled === false) {
      // Pausing does not stop a cycle already running; the bot waits for it before it writes.
      const cycle = state.cycleInProgress ? '; a sync cycle started before the pause is still running' : '';
      return { outcome: 'done', message: `the scheduler was paused${cycle}`, state, changeSent: true };
    }
    const message =
      state.syncCycleEnabled === true
        ? pauseNotTakenMessage(this.options.server)
        : `could not read the scheduler back after ${PAUSE_CMDLET} on ${this.options.server}; the pause is not confirmed`;
    return { outcome: 'failed', message, state, changeSent: true };
  }

  /** Set-ADSyncScheduler was refused for the account's rights: the bot words that on its own. */
  private async denied(err: unknown): Promise<OperationOutcome> {
    return {
      outcome: 'failed',
      message: `${schedulerAccessDeniedMessage(this.options.server)} (${oneLine(err)})`,
      state: await this.stateOrUnknown(),
      changeSent: true,
      reason: 'scheduler-access-denied',
    };
  }

  /**
   * Resumes, reads the scheduler back, and tries again (within {@link OperationOptions.resumeAttempts})
   * until it shows enabled. Only a resume read back as enabled is `done`.
   */
  private async resume(progress: Progress): Promise<OperationOutcome> {
    const { resumeAttempts, resumeRetryMs, server } = this.options;
    let state: SyncServerState = UNKNOWN_STATE;
    let error: unknown;
    for (let attempt = 1; attempt <= resumeAttempts; attempt++) {
      if (attempt > 1) await this.sleep(resumeRetryMs);
      try {
        progress.changeSent = true;
        await this.runner.run(SCRIPTS.resume);
        state = await readSyncServerState(this.runner);
        error = undefined;
      } catch (err) {
        // Without PowerShell there is nothing to try again; anything else may be passing.
        if (err instanceof PwshUnavailableError) throw err;
        error = err;
        state = await this.stateOrUnknown();
      }
      if (state.syncCycleEnabled === true) {
        const retried = attempt > 1 ? ` (read back enabled after ${attempt} attempts)` : '';
        return { outcome: 'done', message: `the scheduler was resumed${retried}`, state, changeSent: true };
      }
    }
    const seen =
      state.syncCycleEnabled === false
        ? 'Get-ADSyncScheduler still shows SyncCycleEnabled False'
        : 'the scheduler could not be read back';
    const lastError = error ? ` (the last attempt failed: ${oneLine(error)})` : '';
    const denied = isAccessDenied(error) ? ` ${schedulerAccessDeniedMessage(server)}.` : '';
    return {
      outcome: 'failed',
      message:
        `${stillPausedMessage(server)}: ${seen} after ${plural(resumeAttempts, 'attempt')} of ${RESUME_CMDLET}` +
        `${lastError}.${denied} ${stillPausedInstruction(server)}`,
      state,
      changeSent: true,
      ...(denied ? { reason: 'scheduler-access-denied' as const } : {}),
    };
  }

  private async delta(progress: Progress): Promise<OperationOutcome> {
    const before = await readSyncServerState(this.runner);
    if (before.stagingModeEnabled !== false) return refusedInStaging('delta', before);
    const deadline = this.now() + this.options.deltaDeadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        progress.changeSent = true;
        const result = parseJsonOutput(SCRIPTS.delta, await this.runner.run(SCRIPTS.delta));
        const state = await readSyncServerState(this.runner);
        if (startedCycle(result)) {
          const retried = attempt > 1 ? ` after ${plural(attempt - 1, 'busy answer')}` : '';
          return {
            outcome: 'done',
            message: `a delta sync cycle was started${retried}`,
            state,
            changeSent: true,
          };
        }
        return {
          outcome: 'failed',
          message: `Start-ADSyncSyncCycle answered ${JSON.stringify(result)}`,
          state,
          changeSent: true,
        };
      } catch (err) {
        if (!(err instanceof ScriptError) || !SYNC_BUSY.test(err.message)) throw err;
        if (this.now() + this.options.busyRetryMs > deadline) {
          return {
            outcome: 'failed',
            message:
              `a sync cycle was still running after ${plural(attempt, 'attempt')} within ` +
              `${Math.round(this.options.deltaDeadlineMs / 1000)} s (${SYNC_BUSY.exec(err.message)?.[0] ?? 'busy'}); ` +
              'try again later',
            state: await readSyncServerState(this.runner),
            changeSent: true,
          };
        }
        await this.sleep(this.options.busyRetryMs);
      }
    }
  }

  private async restartService(progress: Progress): Promise<OperationOutcome> {
    const before = await this.confirmedState();
    if (before.cycleInProgress !== false) {
      return refused(
        before.cycleInProgress
          ? 'a sync cycle is running; the ADSync service is restarted only when no cycle runs'
          : 'cannot tell whether a sync cycle runs; the ADSync service was not restarted',
        before,
      );
    }
    progress.changeSent = true;
    await this.runner.run(SCRIPTS.restartService, { timeoutMs: this.options.restartTimeoutMs });
    const state = await readSyncServerState(this.runner);
    return { outcome: 'done', message: 'the ADSync service was restarted', state, changeSent: true };
  }
}

/**
 * Whether Start-ADSyncSyncCycle's `Result` says it started a cycle. It is an enum: 5.1 prints its
 * number (`{"Result":0}`), PowerShell 7 or -EnumsAsStrings its name. Neither the type's numbers
 * nor its names are documented; 0 = Success is the usual convention and what the field shows.
 */
function startedCycle(result: unknown): boolean {
  const value = (result as { Result?: unknown } | null)?.Result;
  return value !== undefined && value !== null && ['Success', '0'].includes(String(value));
}

function isAccessDenied(err: unknown): boolean {
  return err instanceof ScriptError && ACCESS_DENIED.test(err.message);
}

function refusedInStaging(operation: 'pause' | 'delta', state: SyncServerState): OperationOutcome {
  return refused(
    state.stagingModeEnabled
      ? `the sync server is in staging mode; ${operation} is refused (run it on the active server)`
      : `cannot tell whether the sync server is in staging mode; ${operation} is refused`,
    state,
  );
}

function refused(message: string, state: SyncServerState): OperationOutcome {
  return { outcome: 'refused', message, state, changeSent: false };
}

function oneLine(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err)).slice(0, 500);
}
