import type { DependencyState, HealthMonitor, HealthReport } from '../../services/health/health-monitor';
import type { SyncHealthReader, SyncHealthSnapshot } from '../../services/alerts/sync-health';
import type { RelayHealth } from '../../services/relay/presence';
import { STATUS_VERBS } from '../verbs';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';
import { syncHealthSection } from './sync-health';
import type { SyncHealthLine } from './sync-health';

/** A dependency's state drawn as a check's mark: ok ✓, unknown ⚠, down ✗. */
const STATE_MARK: Record<DependencyState, Mark> = {
  ok: STATUS_MARK.pass,
  unknown: STATUS_MARK.warn,
  down: STATUS_MARK.fail,
};

/** One dependency's line on the status card. */
export interface StatusDependencyLine extends Mark {
  name: string;
  state: DependencyState;
  /** The probe's detail, with when the dependency was last seen if that is tracked. */
  detail: string;
}

/** One fact about the sync server (scheduler, staging mode, pause lease), marked by how good it is. */
export interface StatusSyncServerLine extends Mark {
  label: string;
  value: string;
}

/** The data the `status` card template binds. */
export interface StatusCardData extends Mark {
  /** The headline: `ok` only when every dependency is up and no sync health incident is open. */
  status: HealthReport['status'] | 'sync alert open';
  mode: string;
  /** When the card was made, as every card writes a time. */
  checkedAt: string;
  /** The Refresh button's verb. */
  verb: typeof STATUS_VERBS.refresh;
  dependencies: StatusDependencyLine[];
  /** What the relay last reported about the sync server; [] when it has reported nothing. */
  syncServer: StatusSyncServerLine[];
  /** Why the sync server section is empty; '' when it is not. */
  syncServerNote: string;
  /** Password hash sync, heartbeats, directory sync, service, relay, incidents, as the monitor last read them. */
  syncHealth: SyncHealthLine[];
  /** When the monitor read them, or "Not checked yet". */
  syncHealthNote: string;
}

/**
 * Asks every dependency now, reads the monitor's last sync health, and returns the data the
 * `status` card template expects.
 */
export async function statusCardData(
  health: HealthMonitor,
  syncHealth?: SyncHealthReader,
): Promise<StatusCardData> {
  const [report, snapshot] = await Promise.all([health.report(), syncHealth?.snapshot()]);
  return statusCardDataOf(report, new Date(), snapshot);
}

/** The `status` card's data for a health report made at `now`, with the monitor's last snapshot. */
export function statusCardDataOf(
  report: HealthReport,
  now: Date,
  snapshot?: SyncHealthSnapshot,
): StatusCardData {
  const dependencies = Object.entries(report.dependencies).map(([name, dep]) => ({
    ...STATE_MARK[dep.state],
    name,
    state: dep.state,
    detail: `${clip(dep.detail, SHOWN_BYTES.text)}${dep.lastSeen ? ` (last seen ${formatTime(dep.lastSeen)})` : ''}`,
  }));
  const relay: RelayHealth | undefined = report.dependencies.relay;
  const syncServer = relay ? syncServerLines(relay, now) : [];
  const health = syncHealthSection(snapshot, now, syncServer.length === 0);
  // Reachable is not healthy: an open incident (a silent heartbeat) must not sit under an "ok".
  const incidents = snapshot?.openIncidents.length ?? 0;
  const status = report.status === 'ok' && incidents > 0 ? 'sync alert open' : report.status;
  return {
    ...(status === 'ok' ? STATUS_MARK.pass : STATUS_MARK.warn),
    status,
    mode: report.mode,
    checkedAt: formatTime(now),
    verb: STATUS_VERBS.refresh,
    dependencies,
    syncServer,
    syncServerNote: syncServer.length ? '' : 'The relay has not reported the sync server yet.',
    syncHealth: health.lines,
    syncHealthNote: health.note,
  };
}

/** Scheduler, staging mode and pause lease as the relay last polled; [] before its first report. */
function syncServerLines(relay: RelayHealth, now: Date): StatusSyncServerLine[] {
  // A relay that never sent a poll body leaves these undefined; null means it could not tell.
  if (relay.syncCycleEnabled === undefined) return [];
  return [
    schedulerLine(relay),
    stagingLine(relay.staging ?? null),
    leaseLine(relay.pauseLeaseExpiresAt ?? null, now),
  ];
}

function schedulerLine(relay: RelayHealth): StatusSyncServerLine {
  const label = 'Sync scheduler';
  const running = relay.cycleInProgress ? '; a sync cycle is running' : '';
  if (relay.syncCycleEnabled === false)
    return { ...STATUS_MARK.fail, label, value: `paused: nothing is exported to Entra ID${running}` };
  if (relay.syncCycleEnabled !== true)
    return { ...STATUS_MARK.warn, label, value: 'the relay could not read it' };
  const next = relay.nextSyncCycleStartTimeInUTC
    ? `, next cycle ${clip(formatTime(relay.nextSyncCycleStartTimeInUTC), SHOWN_BYTES.address)}`
    : '';
  return { ...STATUS_MARK.pass, label, value: `enabled${next}${running}` };
}

function stagingLine(staging: boolean | null): StatusSyncServerLine {
  const label = 'Staging mode';
  if (staging === false) return { ...STATUS_MARK.pass, label, value: 'off' };
  if (staging === true)
    return { ...STATUS_MARK.fail, label, value: 'on: this server exports nothing, Anchor cannot link' };
  return { ...STATUS_MARK.warn, label, value: 'the relay could not read it' };
}

function leaseLine(expiresAt: string | null, now: Date): StatusSyncServerLine {
  const label = 'Pause lease';
  if (!expiresAt) return { ...STATUS_MARK.pass, label, value: 'none: Anchor has not paused the scheduler' };
  if (Date.parse(expiresAt) > now.getTime())
    return {
      ...STATUS_MARK.warn,
      label,
      value: `Anchor paused the scheduler until ${formatTime(expiresAt)} at the latest`,
    };
  return {
    ...STATUS_MARK.fail,
    label,
    value: `ran out at ${formatTime(expiresAt)}; the relay keeps trying to resume the scheduler`,
  };
}
