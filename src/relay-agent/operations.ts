import type { RelayOperation } from '../shared/relay-protocol/messages';
import { sleep } from '../shared/sleep';
import { ScriptError, firstLine, parseJsonOutput } from './powershell-runner';
import type { ScriptRunner } from './powershell-runner';
import { SCRIPTS } from './scripts';
import { UNKNOWN_STATE, readSyncServerState } from './sync-server-state';
import type { SyncServerState } from './sync-server-state';

/** What running one allowlisted operation gave. */
export interface OperationOutcome {
  outcome: 'done' | 'failed' | 'refused';
  /** One line an admin can act on. */
  message: string;
  /** The sync server after the operation (unknown fields are null). */
  state: SyncServerState;
}

/** Options of {@link SyncServerOperations}. */
export interface OperationOptions {
  /** How long a delta keeps retrying while Entra Connect answers "AAD is busy". */
  deltaDeadlineMs: number;
  /** Wait between two delta attempts. */
  busyRetryMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Start-ADSyncSyncCycle's error while a cycle runs: "…Connector: <tenant> - AAD is busy." */
const AAD_BUSY = /AAD is busy/i;

/**
 * The allowlist: each operation is a fixed sequence of {@link SCRIPTS} plus the safety rules of
 * the sync server (no pause or delta in staging mode, no service restart during a cycle, delta
 * retried while busy until a deadline).
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
    try {
      switch (operation) {
        case 'status':
          return await this.status();
        case 'pause':
          return await this.pause();
        case 'resume':
          return await this.simple(SCRIPTS.resume, 'the scheduler was resumed');
        case 'delta':
          return await this.delta();
        case 'restart-service':
          return await this.restartService();
        default:
          return refused(`"${String(operation)}" is not an allowed operation`, UNKNOWN_STATE);
      }
    } catch (err) {
      return { outcome: 'failed', message: oneLine(err), state: await this.stateOrUnknown() };
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

  private async status(): Promise<OperationOutcome> {
    const state = await readSyncServerState(this.runner);
    const message =
      `scheduler ${state.syncCycleEnabled ? 'enabled' : 'paused'}` +
      `, staging mode ${state.stagingModeEnabled ? 'on' : 'off'}` +
      `, ${state.cycleInProgress ? 'a sync cycle is running' : 'no sync cycle running'}` +
      `, ADSync service ${state.serviceState ?? 'unknown'}`;
    return { outcome: 'done', message, state };
  }

  private async pause(): Promise<OperationOutcome> {
    const before = await readSyncServerState(this.runner);
    if (before.stagingModeEnabled !== false) return refusedInStaging('pause', before);
    return this.simple(SCRIPTS.pause, 'the scheduler was paused');
  }

  private async simple(script: string, message: string): Promise<OperationOutcome> {
    await this.runner.run(script);
    return { outcome: 'done', message, state: await readSyncServerState(this.runner) };
  }

  private async delta(): Promise<OperationOutcome> {
    const before = await readSyncServerState(this.runner);
    if (before.stagingModeEnabled !== false) return refusedInStaging('delta', before);
    const deadline = this.now() + this.options.deltaDeadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = parseJsonOutput(SCRIPTS.delta, await this.runner.run(SCRIPTS.delta));
        const text = (result as { Result?: unknown } | null)?.Result;
        const state = await readSyncServerState(this.runner);
        if (text === 'Success') {
          const retried = attempt > 1 ? ` after ${attempt - 1} busy answer(s)` : '';
          return { outcome: 'done', message: `a delta sync cycle was started${retried}`, state };
        }
        return {
          outcome: 'failed',
          message: `Start-ADSyncSyncCycle answered ${JSON.stringify(result)}`,
          state,
        };
      } catch (err) {
        if (!(err instanceof ScriptError) || !AAD_BUSY.test(err.message)) throw err;
        if (this.now() + this.options.busyRetryMs > deadline) {
          return {
            outcome: 'failed',
            message:
              `a sync cycle was still running after ${attempt} attempt(s) within ` +
              `${Math.round(this.options.deltaDeadlineMs / 1000)} s (AAD is busy); try again later`,
            state: await readSyncServerState(this.runner),
          };
        }
        await this.sleep(this.options.busyRetryMs);
      }
    }
  }

  private async restartService(): Promise<OperationOutcome> {
    const before = await readSyncServerState(this.runner);
    if (before.cycleInProgress !== false) {
      return refused(
        before.cycleInProgress
          ? 'a sync cycle is running; the ADSync service is restarted only when no cycle runs'
          : 'cannot tell whether a sync cycle runs; the ADSync service was not restarted',
        before,
      );
    }
    return this.simple(SCRIPTS.restartService, 'the ADSync service was restarted');
  }
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
  return { outcome: 'refused', message, state };
}

function oneLine(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err)).slice(0, 500);
}
