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
 * Runs the status scripts: Get-ADSyncScheduler, its next start as UTC text,
 * Get-ADSyncConnectorRunStatus and the ADSync service. Throws the runner's errors.
 */
export async function readSyncServerState(runner: ScriptRunner): Promise<SyncServerState> {
  const scheduler = await readScheduler(runner);
  const runStatus = parseJsonOutput(SCRIPTS.runStatus, await runner.run(SCRIPTS.runStatus));
  const nextCycle = (await runner.run(SCRIPTS.nextCycleTime)).trim();
  const service = asRecord(parseJsonOutput(SCRIPTS.service, await runner.run(SCRIPTS.service)));
  return {
    syncCycleEnabled: bool(scheduler.SyncCycleEnabled),
    stagingModeEnabled: bool(scheduler.StagingModeEnabled),
    cycleInProgress: runInProgress(runStatus) || scheduler.SyncCycleInProgress === true,
    serviceState: serviceState(service.Status),
    nextSyncCycleStartTimeInUTC: isoText(nextCycle),
  };
}

/**
 * Whether a sync cycle runs, from the scheduler's SyncCycleInProgress and the run status only (the
 * two reads an idle confirmation repeats). Throws the runner's errors.
 */
export async function readCycleInProgress(runner: ScriptRunner): Promise<boolean> {
  const scheduler = await readScheduler(runner);
  const runStatus = parseJsonOutput(SCRIPTS.runStatus, await runner.run(SCRIPTS.runStatus));
  return runInProgress(runStatus) || scheduler.SyncCycleInProgress === true;
}

/**
 * The ADSync service's state alone (Get-Service needs no ADSync cmdlet, so it reads while the
 * service is stopped). Throws the runner's errors.
 */
export async function readServiceState(runner: ScriptRunner): Promise<string | null> {
  return serviceState(asRecord(parseJsonOutput(SCRIPTS.service, await runner.run(SCRIPTS.service))).Status);
}

async function readScheduler(runner: ScriptRunner): Promise<Record<string, unknown>> {
  return asRecord(parseJsonOutput(SCRIPTS.scheduler, await runner.run(SCRIPTS.scheduler)));
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

/**
 * The next start as the script formats it (`o`, kind Utc: `2026-11-25T10:10:00.0000000Z`). Only
 * text that names UTC is taken: a time without a zone (or `\/Date(ms)\/`, shifted by 5.1's
 * serializer) would be off by the server's UTC offset, so it reads as unknown.
 */
function isoText(text: string): string | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text)) return null;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
