import type { SchedulerState } from '../shared/relay-protocol/messages';
import { parseJsonOutput } from './powershell-runner';
import type { ScriptRunner } from './powershell-runner';
import { SCRIPTS, SERVICE_STATUS } from './scripts';

/** The sync server's state as read by the three status scripts (the lease is added by the agent). */
export type SyncServerState = Omit<SchedulerState, 'pauseLeaseExpiresAt'>;

/** A state where nothing is known, e.g. while PowerShell is unavailable. */
export const UNKNOWN_STATE: SyncServerState = {
  syncCycleEnabled: null,
  stagingModeEnabled: null,
  cycleInProgress: null,
  serviceState: null,
  nextSyncCycleStartTimeInUTC: null,
};

/**
 * Runs the three status scripts: Get-ADSyncScheduler, Get-ADSyncConnectorRunStatus and the ADSync
 * service. Throws the runner's errors.
 */
export async function readSyncServerState(runner: ScriptRunner): Promise<SyncServerState> {
  const scheduler = asRecord(parseJsonOutput(SCRIPTS.scheduler, await runner.run(SCRIPTS.scheduler)));
  const runStatus = parseJsonOutput(SCRIPTS.runStatus, await runner.run(SCRIPTS.runStatus));
  const service = asRecord(parseJsonOutput(SCRIPTS.service, await runner.run(SCRIPTS.service)));
  return {
    syncCycleEnabled: bool(scheduler.SyncCycleEnabled),
    stagingModeEnabled: bool(scheduler.StagingModeEnabled),
    cycleInProgress: runInProgress(runStatus) || scheduler.SyncCycleInProgress === true,
    serviceState: serviceState(service.Status),
    nextSyncCycleStartTimeInUTC: dateText(scheduler.NextSyncCycleStartTimeInUTC),
  };
}

/**
 * Get-ADSyncConnectorRunStatus prints nothing when idle, one object or an array while running.
 * `RunState` is an enum with undocumented numbers, so any object counts as a running cycle: the
 * bot waits for no cycle to run before it writes, and a wrong "idle" would let one export early.
 */
function runInProgress(value: unknown): boolean {
  if (value === null) return false;
  return !Array.isArray(value) || value.length > 0;
}

function serviceState(status: unknown): string | null {
  if (typeof status === 'number') return SERVICE_STATUS[status] ?? String(status);
  if (typeof status === 'string') return status;
  return null;
}

/** PowerShell 7 prints a DateTime as ISO text; Windows PowerShell 5.1 as `\/Date(ms)\/`. */
function dateText(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const legacy = /^\/Date\((-?\d+)[^)]*\)\/$/.exec(value);
  if (legacy) return new Date(Number(legacy[1])).toISOString();
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
