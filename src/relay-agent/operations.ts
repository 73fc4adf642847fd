import type {
  JobFailureReason,
  RelayOperation,
  SyncEvent,
  SyncHealthFacts,
  SyncHealthProblem,
} from '../shared/relay-protocol/messages';
import {
  PAUSE_CMDLET,
  RESUME_CMDLET,
  pauseNotTakenMessage,
  schedulerAccessDeniedMessage,
  stillPausedInstruction,
  stillPausedMessage,
} from '../shared/relay-protocol/scheduler-checks';
import { sleep } from '../shared/sleep';
import type { DirectoryAnswer } from '../shared/relay-protocol/directory-jobs';
import { PwshUnavailableError, ScriptError, firstLine, parseJsonOutput } from './powershell-runner';
import type { ScriptRunner } from './powershell-runner';
import { CONNECTOR_FILTERS, SCRIPTS } from './scripts';
import {
  UNKNOWN_STATE,
  readCycleInProgress,
  readServiceState,
  readSyncServerState,
} from './sync-server-state';
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
  /** Only from `sync-health`: the facts it read (each one that could not be read is a problem). */
  syncHealth?: SyncHealthFacts;
  /** Only from a directory read (`directory-reads.ts`): what it read, or the directory's error. */
  directory?: DirectoryAnswer;
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
  /** Wait between two reads of the service after Restart-Service, until it runs (default 2 s). */
  restartPollMs?: number;
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
        case 'sync-health':
          return await this.syncHealth();
        case 'full-password-sync':
          return await this.fullPasswordSync(progress);
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

  /**
   * The current state, or what can be read of it (with ADSync stopped only the service), or
   * {@link UNKNOWN_STATE}.
   */
  async stateOrUnknown(): Promise<SyncServerState> {
    return this.stateWithService();
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

  /**
   * Restarts the service, then reads Get-Service until it runs: Restart-Service returning is not
   * taken as proof. Refused while a cycle runs (a restart aborts it); a stopped service runs no
   * cycle, and the ADSync cmdlets that would tell fail then, so it is (re)started without asking.
   */
  private async restartService(progress: Progress): Promise<OperationOutcome> {
    const started = this.now();
    const service = await readServiceState(this.runner);
    if (service !== 'Stopped') {
      const before = await this.confirmedState();
      if (before.cycleInProgress !== false) {
        return refused(
          before.cycleInProgress
            ? 'a sync cycle is running; the ADSync service is restarted only when no cycle runs'
            : 'cannot tell whether a sync cycle runs; the ADSync service was not restarted',
          before,
        );
      }
    }
    const { restartTimeoutMs } = this.options;
    progress.changeSent = true;
    try {
      await this.runner.run(SCRIPTS.restartService, { timeoutMs: restartTimeoutMs });
    } catch (err) {
      if (!(err instanceof ScriptError)) throw err;
      return {
        outcome: 'failed',
        message: `Restart-Service failed: ${oneLine(err)}`,
        state: await this.stateWithService(),
        changeSent: true,
      };
    }
    const pollMs = this.options.restartPollMs ?? 2000;
    let seen = await readServiceState(this.runner);
    while (seen !== 'Running' && this.now() + pollMs <= started + restartTimeoutMs) {
      await this.sleep(pollMs);
      seen = await readServiceState(this.runner);
    }
    const state = await this.stateWithService(seen);
    if (seen !== 'Running') {
      return {
        outcome: 'failed',
        message:
          `the ADSync service is ${seen ?? 'in an unknown state'} after Restart-Service ` +
          `(read back for ${Math.round(restartTimeoutMs / 1000)} s)`,
        state,
        changeSent: true,
      };
    }
    return { outcome: 'done', message: 'the ADSync service was restarted and runs', state, changeSent: true };
  }

  /**
   * The state, or what can be read of it: with the service stopped the ADSync cmdlets fail, but
   * Get-Service still says so.
   */
  private async stateWithService(service?: string | null): Promise<SyncServerState> {
    try {
      return await readSyncServerState(this.runner);
    } catch {
      if (service !== undefined) return { ...UNKNOWN_STATE, serviceState: service };
      try {
        return { ...UNKNOWN_STATE, serviceState: await readServiceState(this.runner) };
      } catch {
        return UNKNOWN_STATE;
      }
    }
  }

  /**
   * Reads the sync health, each fact on its own: one that cannot be read becomes a problem and the
   * others are still reported. Only a service that cannot be read fails the operation.
   */
  private async syncHealth(): Promise<OperationOutcome> {
    const service = await readServiceState(this.runner);
    const problems: SyncHealthProblem[] = [];
    const attempt = async <T>(fact: SyncHealthProblem['fact'], read: () => Promise<T>): Promise<T | null> => {
      try {
        return await read();
      } catch (err) {
        if (err instanceof PwshUnavailableError) throw err;
        problems.push({ fact, message: oneLine(err) });
        return null;
      }
    };
    const state = (await attempt('scheduler', () => readSyncServerState(this.runner))) ?? {
      ...UNKNOWN_STATE,
      serviceState: service,
    };
    const passwordHashSync = await attempt('password-hash-sync', async () => {
      const feature = asRecord(
        parseJsonOutput(SCRIPTS.companyFeature, await this.runner.run(SCRIPTS.companyFeature)),
      );
      if (typeof feature.PasswordHashSync !== 'boolean') {
        throw new Error('Get-ADSyncAADCompanyFeature gave no PasswordHashSync');
      }
      return feature.PasswordHashSync;
    });
    const heartbeats = await attempt('heartbeat', () => this.readEvents(SCRIPTS.lastHeartbeat));
    const dayAgo = this.now() - 24 * 3_600_000;
    const errors = await attempt('errors', () => this.readEvents(SCRIPTS.recentErrors));
    const facts: SyncHealthFacts = {
      passwordHashSync,
      lastHeartbeatAt: heartbeats?.[0]?.at ?? null,
      recentErrors: (errors ?? []).filter((e) => Date.parse(e.at) >= dayAgo).slice(0, 10),
      problems,
    };
    const phs = passwordHashSync === null ? 'unknown' : passwordHashSync ? 'on' : 'off';
    const unread = problems.length ? `; could not read: ${problems.map((p) => p.fact).join(', ')}` : '';
    const message =
      `password hash sync ${phs}, last heartbeat ${facts.lastHeartbeatAt ?? (heartbeats ? 'none in the log' : 'unknown')}` +
      `, ${plural(facts.recentErrors.length, 'error')} in 24 h, ADSync service ${state.serviceState ?? 'unknown'}${unread}`;
    return { outcome: 'done', message, state, changeSent: false, syncHealth: facts };
  }

  /** Events newest first; none when Get-WinEvent says no event matches (and only then). */
  private async readEvents(script: string): Promise<SyncEvent[]> {
    let raw: string;
    try {
      raw = await this.runner.run(script);
    } catch (err) {
      if (err instanceof ScriptError && NO_EVENTS.test(firstLine(err.message))) return [];
      throw err;
    }
    return parseEvents(script, raw);
  }

  /**
   * Microsoft's "trigger a full sync of all passwords": password hash sync turned off and on for
   * the AD connector, then read back enabled. Refused in staging mode (PHS does not run there),
   * during a cycle, and unless the server has exactly one AD and one Entra connector.
   */
  private async fullPasswordSync(progress: Progress): Promise<OperationOutcome> {
    const before = await this.confirmedState();
    if (before.stagingModeEnabled !== false) return refusedInStaging('a full password sync', before);
    if (before.cycleInProgress !== false) {
      return refused(
        before.cycleInProgress
          ? 'a sync cycle is running; a full password sync is started only when no cycle runs'
          : 'cannot tell whether a sync cycle runs; a full password sync was not started',
        before,
      );
    }
    const connectors = asArray(
      parseJsonOutput(SCRIPTS.connectors, await this.runner.run(SCRIPTS.connectors)),
    );
    const ad = connectors.filter((c) => c.ConnectorTypeName === CONNECTOR_FILTERS.adType).map(nameOf);
    const entra = connectors.filter((c) => c.Subtype === CONNECTOR_FILTERS.entraSubtype).map(nameOf);
    if (ad.length !== 1 || entra.length !== 1) {
      return refused(
        `the sync server has ${plural(ad.length, 'AD connector')}${listed(ad)} and ` +
          `${plural(entra.length, 'Entra ID connector')}${listed(entra)}; Anchor runs a full password sync ` +
          'only with exactly one of each: run it by hand on the server',
        before,
      );
    }
    const pair = `"${ad[0]}" → "${entra[0]}"`;
    progress.changeSent = true;
    // Whatever turning it off did (an error may come after the change, a timeout tells nothing),
    // PHS is turned on and read back before the relay answers.
    let offError: unknown;
    try {
      await this.runner.run(SCRIPTS.passwordSyncOff);
    } catch (err) {
      if (err instanceof PwshUnavailableError) throw err;
      offError = err;
    }
    let enableError: unknown;
    for (let attempt = 1; attempt <= Math.max(1, this.options.resumeAttempts); attempt++) {
      if (attempt > 1) await this.sleep(this.options.resumeRetryMs);
      try {
        await this.runner.run(SCRIPTS.passwordSyncOn);
        enableError = undefined;
        break;
      } catch (err) {
        if (err instanceof PwshUnavailableError) break;
        enableError = err;
      }
    }
    let enabled: unknown = null;
    try {
      const config = parseJsonOutput(
        SCRIPTS.passwordSyncConfig,
        await this.runner.run(SCRIPTS.passwordSyncConfig),
      );
      enabled = asRecord(config).Enabled;
    } catch (err) {
      enableError ??= err;
    }
    const state = await this.stateOrUnknown();
    if (enabled === true && offError !== undefined) {
      return {
        outcome: 'failed',
        message:
          `turning password hash sync off for ${pair} failed (${oneLine(offError)}), so no full password ` +
          'sync was triggered; it reads back enabled',
        state,
        changeSent: true,
      };
    }
    if (enabled === true) {
      return {
        outcome: 'done',
        message: `a full password sync was triggered (password hash sync turned off and on for ${pair}, read back enabled)`,
        state,
        changeSent: true,
      };
    }
    const seen = enabled === false ? 'reads back Enabled False' : 'could not be read back';
    const why = [offError, enableError]
      .filter((e) => e !== undefined)
      .map((e) => ` (${oneLine(e)})`)
      .join('');
    return {
      outcome: 'failed',
      message:
        `password hash sync was turned off for ${pair} and ${seen} after turning it on${why}: ` +
        `PASSWORDS DO NOT SYNC until an admin runs Set-ADSyncAADPasswordSyncConfiguration -SourceConnector ` +
        `"${ad[0]}" -TargetConnector "${entra[0]}" -Enable $true on ${this.options.server}`,
      state,
      changeSent: true,
      reason: 'password-sync-left-disabled',
    };
  }
}

/** Get-WinEvent's no-match error (with -ErrorAction Stop), as 5.1 words it: no event, not a failure. */
const NO_EVENTS =
  /^(Get-WinEvent\s*:\s*)?No events were found that match the specified selection criteria\.$/;

/**
 * Events as `Select-Object Id,TimeCreated,Message | ConvertTo-Json` prints them: one object or an
 * array, TimeCreated as 5.1's `\/Date(ms)\/` (or, wrapped with ETS properties, `{value: …}`) or
 * ISO text with a zone. An event whose time cannot be read fails the read: a guessed time could
 * make an old heartbeat look fresh.
 */
export function parseEvents(script: string, raw: string): SyncEvent[] {
  const events = asArray(parseJsonOutput(script, raw)).map((item): SyncEvent => {
    const at = eventTime(item.TimeCreated);
    if (typeof item.Id !== 'number' || at === null) {
      throw new ScriptError(script, `Get-WinEvent gave an event without a readable Id and TimeCreated`);
    }
    const message = typeof item.Message === 'string' ? item.Message.trim() : '(no message text)';
    return { id: item.Id, at, message: message.slice(0, 500) };
  });
  return events.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

function eventTime(value: unknown): string | null {
  if (value && typeof value === 'object' && 'value' in value)
    return eventTime((value as { value: unknown }).value);
  if (typeof value !== 'string') return null;
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(value);
  if (ms) return new Date(Number(ms[1])).toISOString();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

function asArray(value: unknown): Record<string, unknown>[] {
  if (value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(asRecord);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function nameOf(connector: Record<string, unknown>): string {
  return typeof connector.Name === 'string' ? connector.Name : '(unnamed)';
}

function listed(names: string[]): string {
  return names.length ? ` (${names.map((n) => `"${n}"`).join(', ')})` : '';
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

function refusedInStaging(operation: string, state: SyncServerState): OperationOutcome {
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

/** The first line of an error's message, at most 500 characters: what a result or log carries. */
export function oneLine(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err)).slice(0, 500);
}
