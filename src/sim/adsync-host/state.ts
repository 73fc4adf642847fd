import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { lockSync } from 'proper-lockfile';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BusyText } from './errors';

/** States of the ADSync Windows service the stand-in models (names of ServiceControllerStatus). */
export type SimServiceState = 'Running' | 'Stopped' | 'StartPending' | 'StopPending';

/** One cmdlet the stand-in ran, for tests and the demo to inspect. */
export interface AdSyncHistoryEntry {
  at: string;
  cmdlet: string;
  /** Bound parameters as given (booleans, strings). */
  parameters: Record<string, unknown>;
  outcome: 'ok' | 'error' | 'hang';
  /** The error text, when the outcome is `error`. */
  message?: string;
  /** Restart-Service only: a sync cycle was running when the service was restarted. */
  duringRun?: boolean;
  /** Start-ADSyncSyncCycle only: what the Graph simulator's sync engine answered. */
  graphSync?: { status: number; report?: unknown } | { error: string };
  /** Set-ADSyncScheduler only: it returned without error but changed nothing (a fault mode). */
  ignored?: boolean;
  /** A new PHS heartbeat was reported to the Graph simulator before this cmdlet ran. */
  heartbeatReport?: { at: string; status: number } | { at: string; error: string };
}

/** Ids of the PHS events the stand-in writes or lets tests inject (source "Directory Synchronization"). */
export type SyncEventId = 611 | 652 | 654 | 655;

/** One Application-log event a test injected. */
export interface SimSyncEvent {
  id: SyncEventId;
  /** ISO */
  at: string;
  message: string;
}

/** How many calls a fault mode still applies to: a count, or `always` until it is cleared. */
export type FaultCount = number | 'always';

/** Everything the stand-in ADSync host keeps between cmdlets and between shells. */
export interface AdSyncSimData {
  /** `SyncCycleEnabled` of the scheduler (false = paused). */
  syncCycleEnabled: boolean;
  stagingModeEnabled: boolean;
  maintenanceEnabled: boolean;
  serviceState: SimServiceState;
  /** The next N `Start-ADSyncSyncCycle` calls fail with "AAD is busy". */
  busyCycles: number;
  /** Which of the two texts a busy `Start-ADSyncSyncCycle` throws. */
  busyText: BusyText;
  /**
   * False on a server where `Import-Module ADSync` (by name) fails because the module folder is not
   * on PSModulePath; the import by full path works either way.
   */
  moduleOnPath: boolean;
  /**
   * The shell runs as an account without rights on the sync engine's scheduler:
   * `Set-ADSyncScheduler` fails with access denied (reads still work).
   */
  schedulerAccessDenied: boolean;
  /** How long `Restart-Service ADSync` takes; it writes "WARNING: Waiting for service…" meanwhile. */
  restartMs: number;
  /**
   * ISO time until which a running cycle is between two connector steps: Get-ADSyncConnectorRunStatus
   * returns nothing and SyncCycleInProgress reads False (the worst case), though the cycle goes on.
   */
  runStatusGapUntil: string | null;
  /** Name of a cmdlet that writes a warning and a progress record each time it runs. */
  noisyCmdlet: string | null;
  /**
   * The sync server's offset from UTC in minutes: 5.1's ConvertTo-Json shifts a DateTime of kind
   * Unspecified (as NextSyncCycleStartTimeInUTC is taken to be) by it.
   */
  utcOffsetMinutes: number;
  /**
   * The next N `Set-ADSyncScheduler -SyncCycleEnabled $false` return as if they worked but leave
   * the scheduler enabled (a pause that silently does not take).
   */
  pauseIgnored: FaultCount;
  /** The same for `-SyncCycleEnabled $true`: a resume that silently does not take. */
  resumeIgnored: FaultCount;
  /**
   * ISO time until which a sync cycle runs (shown by Get-ADSyncConnectorRunStatus and the
   * scheduler's SyncCycleInProgress); null when idle, {@link CYCLE_NEVER_ENDS} for one that never ends.
   */
  cycleRunningUntil: string | null;
  /** How long a cycle started by Start-ADSyncSyncCycle runs. */
  cycleDurationMs: number;
  /** Every cmdlet sleeps this long first. */
  slowMs: number;
  /** Name of a cmdlet that never answers (the shell stays stuck on it until killed). */
  hang: string | null;
  /** Cmdlets that fail, with the error message they write. */
  fail: Record<string, string>;
  /** ISO; when the scheduler would start its next cycle. */
  nextSyncCycleStartTimeInUTC: string;
  /** `<tenant>.onmicrosoft.com - AAD`, named in run status and in the "AAD is busy" error. */
  aadConnectorName: string;
  /** Names of the AD connectors Get-ADSyncConnector lists (one per forest; two make a full password sync refused). */
  adConnectors: string[];
  /** `PasswordHashSync` of Get-ADSyncAADCompanyFeature. */
  passwordHashSync: boolean;
  /** `Enabled` of Get-ADSyncAADPasswordSyncConfiguration for the AD connector. */
  passwordSyncEnabled: boolean;
  /** `Set-ADSyncAADPasswordSyncConfiguration -Enable $true` fails (a full password sync that leaves PHS off). */
  passwordSyncEnableFails: boolean;
  /** How often a 654 heartbeat is written while PHS runs (every 30 minutes when there is nothing to sync). */
  heartbeatIntervalMs: number;
  /** ISO: the first scheduled heartbeat; by default a day before the state was created. */
  heartbeatsSince: string;
  /** ISO: the next scheduled heartbeat; null = {@link heartbeatsSince}. */
  nextHeartbeatAt: string | null;
  /** ISO times of the 654 events written so far, oldest first. */
  heartbeatTimes: string[];
  /** ISO: no heartbeat after this time (null = not stopped); see {@link AdSyncSimState.silenceHeartbeat}. */
  heartbeatStoppedAt: string | null;
  /** Restart-Service (and a full password sync) clear {@link heartbeatStoppedAt}. */
  restartRestoresHeartbeat: boolean;
  /** The first heartbeat after a restart comes this long after it. */
  heartbeatAfterRestartMs: number;
  /** ISO of the newest heartbeat reported to the Graph simulator, so each is sent once. */
  lastReportedHeartbeatAt: string | null;
  /** 611/652/655 events injected by tests. */
  syncEvents: SimSyncEvent[];
  /** Restart-Service throws "cannot be started" and the service stays Stopped. */
  serviceStartFails: boolean;
  history: AdSyncHistoryEntry[];
}

/** Env variable naming the state file. */
export const STATE_ENV = 'ADSYNC_SIM_STATE';

/** `cycleRunningUntil` of a sync cycle that never ends. */
export const CYCLE_NEVER_ENDS = '9999-12-31T23:59:59.999Z';

/** Entra Connect's default sync cycle interval. */
export const SYNC_INTERVAL_MS = 30 * 60_000;

/** How often PHS writes its 654 heartbeat when there is nothing to sync. */
export const HEARTBEAT_INTERVAL_MS = 30 * 60_000;

/** How many heartbeat times the state keeps. */
const HEARTBEATS_KEPT = 200;

/** A fresh, idle, healthy sync server: scheduler enabled, not staging, service running, PHS on. */
export function defaultAdSyncSimData(now: Date = new Date()): AdSyncSimData {
  return {
    syncCycleEnabled: true,
    stagingModeEnabled: false,
    maintenanceEnabled: true,
    serviceState: 'Running',
    busyCycles: 0,
    busyText: 'connector-busy',
    moduleOnPath: true,
    schedulerAccessDenied: false,
    restartMs: 0,
    runStatusGapUntil: null,
    noisyCmdlet: null,
    utcOffsetMinutes: 0,
    pauseIgnored: 0,
    resumeIgnored: 0,
    cycleRunningUntil: null,
    cycleDurationMs: 2000,
    slowMs: 0,
    hang: null,
    fail: {},
    nextSyncCycleStartTimeInUTC: new Date(now.getTime() + SYNC_INTERVAL_MS).toISOString(),
    aadConnectorName: 'contoso.onmicrosoft.com - AAD',
    adConnectors: ['contoso.com'],
    passwordHashSync: true,
    passwordSyncEnabled: true,
    passwordSyncEnableFails: false,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    heartbeatsSince: new Date(now.getTime() - 86_400_000).toISOString(),
    nextHeartbeatAt: null,
    heartbeatTimes: [],
    heartbeatStoppedAt: null,
    restartRestoresHeartbeat: true,
    heartbeatAfterRestartMs: 10_000,
    lastReportedHeartbeatAt: null,
    syncEvents: [],
    serviceStartFails: false,
    history: [],
  };
}

/** How long an update waits for another process's update of the state file. */
const LOCK_WAIT_MS = 5_000;

/**
 * proper-lockfile's synchronous lock, tried again every few milliseconds until `waitMs` passed
 * (its lockSync cannot retry by itself). The host's cmdlets are synchronous, hence the sync wait.
 */
function lockWithin(file: string, waitMs: number): () => void {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return lockSync(file, { realpath: false, stale: LOCK_WAIT_MS });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3);
    }
  }
}

/** The state file named by `ADSYNC_SIM_STATE`, or one in the temp folder. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return env[STATE_ENV] || join(tmpdir(), 'adsync-sim-state.json');
}

/**
 * The stand-in ADSync host's state file: the host reads it before and writes it after every
 * cmdlet, so all shells and the test that set them up see one sync server. Tests and the demo use
 * this class to set modes (busy, slow, hung, failing, staging, a pause or resume that silently does
 * not take, a cycle running for a while or for ever; for sync health a silent PHS heartbeat, injected
 * 611/652/655 events, a stopped service or one that will not start) and read the history.
 */
export class AdSyncSimState {
  /** @param path the JSON file; created with defaults on first read when missing. */
  constructor(readonly path: string = defaultStatePath()) {}

  /** The current state (defaults for fields the file lacks). */
  read(): AdSyncSimData {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const fresh = defaultAdSyncSimData();
      this.write(fresh);
      return fresh;
    }
    return { ...defaultAdSyncSimData(), ...(JSON.parse(text) as Partial<AdSyncSimData>) };
  }

  /** Replaces the state; written to a temp file and renamed, so readers never see half a file. */
  write(data: AdSyncSimData): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(temp, this.path);
  }

  /**
   * Reads, applies `change` (which may mutate or return a new state), writes; returns the result.
   * Every shell and the test that sets modes update the one file, so the read-change-write holds a
   * lock other processes respect: otherwise a shell recording a status read could write back the
   * state it read just before a test set a mode, and the mode would be lost.
   */
  update(change: (data: AdSyncSimData) => AdSyncSimData | void): AdSyncSimData {
    mkdirSync(dirname(this.path), { recursive: true });
    const release = lockWithin(this.path, LOCK_WAIT_MS);
    try {
      const data = this.read();
      const next = change(data) ?? data;
      this.write(next);
      return next;
    } finally {
      release();
    }
  }

  /** Sets some fields (modes), keeping the rest. */
  set(fields: Partial<AdSyncSimData>): AdSyncSimData {
    return this.update((data) => ({ ...data, ...fields }));
  }

  /** Back to a fresh server, history cleared. */
  reset(fields: Partial<AdSyncSimData> = {}): AdSyncSimData {
    const data = { ...defaultAdSyncSimData(), ...fields };
    this.write(data);
    return data;
  }

  /** The next `count` deltas answer "AAD is busy" (or the other busy text). */
  setBusy(count: number, text: BusyText = 'connector-busy'): AdSyncSimData {
    return this.set({ busyCycles: count, busyText: text });
  }

  /** For the next `ms`, a running cycle is between two steps: run status empty, not in progress. */
  setRunStatusGap(ms: number, now: Date = new Date()): AdSyncSimData {
    return this.set({ runStatusGapUntil: new Date(now.getTime() + ms).toISOString() });
  }

  /** Marks a sync cycle as running for `ms` from now (0 ends it, `Infinity` never ends it). */
  setCycleRunning(ms: number, now: Date = new Date()): AdSyncSimData {
    const until =
      ms === Infinity ? CYCLE_NEVER_ENDS : ms > 0 ? new Date(now.getTime() + ms).toISOString() : null;
    return this.set({ cycleRunningUntil: until });
  }

  /**
   * The next `count` pauses (`Set-ADSyncScheduler -SyncCycleEnabled $false`) return without error
   * and change nothing; `always` until cleared with 0.
   */
  ignorePause(count: FaultCount): AdSyncSimData {
    return this.set({ pauseIgnored: count });
  }

  /** The same for resumes (`-SyncCycleEnabled $true`): the scheduler stays paused. */
  ignoreResume(count: FaultCount): AdSyncSimData {
    return this.set({ resumeIgnored: count });
  }

  /**
   * Whether a `Set-ADSyncScheduler -SyncCycleEnabled <enabled>` call is one a fault mode swallows;
   * counts it off. Call inside {@link update}.
   */
  static takeIgnored(data: AdSyncSimData, enabled: boolean): boolean {
    const key = enabled ? 'resumeIgnored' : 'pauseIgnored';
    const left = data[key];
    if (left === 'always') return true;
    if (left <= 0) return false;
    data[key] = left - 1;
    return true;
  }

  /** Makes `cmdlet` fail with `message`, or succeed again when `message` is null. */
  setFailing(cmdlet: string, message: string | null): AdSyncSimData {
    return this.update((data) => {
      const fail = { ...data.fail };
      if (message === null) delete fail[cmdlet];
      else fail[cmdlet] = message;
      return { ...data, fail };
    });
  }

  /**
   * Stops the PHS heartbeats as of `sinceMsAgo` before now: heartbeats after that are taken out of
   * the log, none is written until a restart (see {@link AdSyncSimData.restartRestoresHeartbeat}).
   */
  silenceHeartbeat(sinceMsAgo: number, now: Date = new Date()): AdSyncSimData {
    return this.update((data) => {
      const stop = now.getTime() - sinceMsAgo;
      AdSyncSimState.advanceHeartbeats(data, new Date(stop));
      data.heartbeatStoppedAt = new Date(stop).toISOString();
      data.heartbeatTimes = data.heartbeatTimes.filter((t) => Date.parse(t) <= stop);
    });
  }

  /** Writes a 611, 652 or 655 (or a 654) into the Application log, at `at` (default now). */
  addSyncEvent(
    event: { id: SyncEventId; at?: string; message: string },
    now: Date = new Date(),
  ): AdSyncSimData {
    return this.update((data) => {
      data.syncEvents = [
        ...data.syncEvents,
        { id: event.id, at: event.at ?? now.toISOString(), message: event.message },
      ];
    });
  }

  /**
   * Writes the heartbeats due by `now`: on schedule, while the service runs, PHS is on and the server
   * is not staging, and not after {@link AdSyncSimData.heartbeatStoppedAt}. Those due while it was
   * not so are skipped for good. Returns whether a heartbeat was written. Call inside {@link update}.
   */
  static advanceHeartbeats(data: AdSyncSimData, now: Date): boolean {
    const interval = Math.max(1000, data.heartbeatIntervalMs);
    let next = Date.parse(data.nextHeartbeatAt ?? data.heartbeatsSince);
    if (Number.isNaN(next) || next > now.getTime()) return false;
    const stop = data.heartbeatStoppedAt === null ? Infinity : Date.parse(data.heartbeatStoppedAt);
    const healthy = data.serviceState === 'Running' && data.passwordHashSync && !data.stagingModeEnabled;
    let written = false;
    const times = [...data.heartbeatTimes];
    for (; next <= now.getTime(); next += interval) {
      if (healthy && next <= stop) {
        times.push(new Date(next).toISOString());
        written = true;
      }
    }
    data.heartbeatTimes = times.slice(-HEARTBEATS_KEPT);
    data.nextHeartbeatAt = new Date(next).toISOString();
    return written;
  }

  /**
   * After a restart or a full password sync: heartbeats come back (the first one
   * {@link AdSyncSimData.heartbeatAfterRestartMs} later) unless the mode says they stay silent.
   * Call inside {@link update}.
   */
  static restoreHeartbeat(data: AdSyncSimData, now: Date): void {
    AdSyncSimState.advanceHeartbeats(data, now);
    if (!data.restartRestoresHeartbeat) {
      data.heartbeatStoppedAt ??= now.toISOString();
      return;
    }
    data.heartbeatStoppedAt = null;
    data.nextHeartbeatAt = new Date(now.getTime() + data.heartbeatAfterRestartMs).toISOString();
  }

  /** Cmdlets run so far, oldest first. */
  history(): AdSyncHistoryEntry[] {
    return this.read().history;
  }

  /** True while a sync cycle runs at `now` (also between two of its steps). */
  static cycleInProgress(data: AdSyncSimData, now: Date = new Date()): boolean {
    return data.cycleRunningUntil !== null && Date.parse(data.cycleRunningUntil) > now.getTime();
  }

  /** True while a sync cycle runs and shows it: not in a gap between two steps. */
  static cycleVisible(data: AdSyncSimData, now: Date = new Date()): boolean {
    const inGap = data.runStatusGapUntil !== null && Date.parse(data.runStatusGapUntil) > now.getTime();
    return AdSyncSimState.cycleInProgress(data, now) && !inGap;
  }
}
