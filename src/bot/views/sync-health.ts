import type { IncidentKind } from '../../services/alerts/incident';
import type { SyncHealthSnapshot } from '../../services/alerts/sync-health';
import { SHOWN_BYTES, STATUS_MARK, clip, formatAge, formatTime, plural } from './format';
import type { Mark } from './format';

/** One line of the status card's sync health section: `✓ Password hash sync: on`. */
export interface SyncHealthLine extends Mark {
  label: string;
  value: string;
}

/** The sync health section of the status card. */
export interface SyncHealthSection {
  /** "read by the monitor 3 min ago", or "not checked yet". */
  note: string;
  /** [] before the monitor's first round. */
  lines: SyncHealthLine[];
}

/** How many open incidents and unreadable facts the card names; `status` is a glance. */
const SHOWN_ITEMS = 4;

const pass = (label: string, value: string): SyncHealthLine => ({ ...STATUS_MARK.pass, label, value });
const warn = (label: string, value: string): SyncHealthLine => ({ ...STATUS_MARK.warn, label, value });
const fail = (label: string, value: string): SyncHealthLine => ({ ...STATUS_MARK.fail, label, value });

/**
 * The sync health section as the monitor last read it, at `now`. A fact it could not read is
 * "unknown" and amber, never green; a fact is red when the monitor holds an incident open about it
 * (the thresholds are the monitor's, not the card's).
 * @param withScheduler false when the card already shows the scheduler and staging mode as the
 *   relay last polled (fresher than the monitor's round, and one card should not show two next cycles).
 */
export function syncHealthSection(
  snapshot: SyncHealthSnapshot | undefined,
  now: Date,
  withScheduler = true,
): SyncHealthSection {
  if (!snapshot?.checkedAt) return { note: 'Not checked yet', lines: [] };
  const open = new Set<IncidentKind>(snapshot.openIncidents.map((i) => i.kind));
  const when = (instant: string | null) =>
    instant ? `${formatTime(instant)} (${formatAge(instant, now)})` : 'unknown';
  const timed = (label: string, instant: string | null, incident: IncidentKind) =>
    open.has(incident)
      ? fail(label, when(instant))
      : instant
        ? pass(label, when(instant))
        : warn(label, 'unknown');
  const { server, relay } = snapshot;
  const lines = [
    phsLine(snapshot.passwordHashSync),
    timed('Heartbeat (event log)', snapshot.lastHeartbeat.eventLog, 'phs-silent'),
    timed('Heartbeat (Entra ID)', snapshot.lastHeartbeat.entra, 'phs-silent'),
    timed('Directory sync', snapshot.lastDirectorySync, 'sync-silent'),
    ...(withScheduler ? [schedulerLine(server)] : []),
    serviceLine(server.serviceState, open.has('service-stopped')),
    relayLine(relay, now, open.has('relay-silent')),
    ...errorsLine(snapshot.recentErrors),
    incidentsLine(snapshot.openIncidents),
    ...snapshot.problems.slice(0, SHOWN_ITEMS).map((p) => warn('Could not read', clip(p, SHOWN_BYTES.line))),
    ...(snapshot.problems.length > SHOWN_ITEMS
      ? [warn('Could not read', `and ${plural(snapshot.problems.length - SHOWN_ITEMS, 'more fact')}`)]
      : []),
  ];
  return { note: `Read by the monitor ${formatAge(snapshot.checkedAt, now)}`, lines };
}

function phsLine(enabled: boolean | null): SyncHealthLine {
  const label = 'Password hash sync';
  if (enabled === true) return pass(label, 'on');
  if (enabled === false) return warn(label, 'off: password changes on-prem do not reach Entra ID');
  return warn(label, 'unknown');
}

function schedulerLine(server: SyncHealthSnapshot['server']): SyncHealthLine {
  const label = 'Scheduler';
  const staging =
    server.stagingModeEnabled === null
      ? 'staging mode unknown'
      : `staging mode ${server.stagingModeEnabled ? 'on' : 'off'}`;
  const next = server.nextSyncCycleStartTimeInUTC
    ? `, next cycle ${clip(formatTime(server.nextSyncCycleStartTimeInUTC), SHOWN_BYTES.address)}`
    : '';
  const running = server.cycleInProgress ? ', a cycle is running' : '';
  if (server.syncCycleEnabled === false || server.stagingModeEnabled === true)
    return fail(
      label,
      `${server.syncCycleEnabled === false ? 'paused' : 'enabled'}${next}${running}; ${staging}`,
    );
  if (server.syncCycleEnabled === null || server.stagingModeEnabled === null)
    return warn(
      label,
      `${server.syncCycleEnabled === null ? 'unknown' : 'enabled'}${next}${running}; ${staging}`,
    );
  return pass(label, `enabled${next}${running}; ${staging}`);
}

function serviceLine(state: string | null, stopped: boolean): SyncHealthLine {
  const label = 'ADSync service';
  if (state === null) return warn(label, 'unknown');
  const value = clip(state, SHOWN_BYTES.name);
  return !stopped && state.toLowerCase() === 'running' ? pass(label, value) : fail(label, value);
}

function relayLine(relay: SyncHealthSnapshot['relay'], now: Date, silent: boolean): SyncHealthLine {
  const label = 'Relay';
  const name = [relay.id, relay.version ? `v${relay.version}` : null].filter(Boolean).join(' ');
  // The age alone: the relay's line above gives the time it last polled.
  const seen = relay.lastSeen ? formatAge(relay.lastSeen, now) : 'unknown';
  const value = clip(`${name ? `${name}, ` : ''}last seen ${seen}`, SHOWN_BYTES.line);
  if (silent) return fail(label, value);
  return relay.lastSeen ? pass(label, value) : warn(label, value);
}

/** How many errors and the newest; their text is on the alert card, `status` is a glance. */
function errorsLine(errors: SyncHealthSnapshot['recentErrors']): SyncHealthLine[] {
  const newest = errors[0];
  if (!newest) return [];
  return [
    warn('Recent errors', `${errors.length}, the newest event ${newest.id} at ${formatTime(newest.at)}`),
  ];
}

function incidentsLine(incidents: SyncHealthSnapshot['openIncidents']): SyncHealthLine {
  const label = 'Open incidents';
  if (incidents.length === 0) return pass(label, 'none');
  const titles = incidents.slice(0, SHOWN_ITEMS).map((i) => i.title);
  const more = incidents.length > SHOWN_ITEMS ? `; and ${incidents.length - SHOWN_ITEMS} more` : '';
  return fail(label, clip(`${incidents.length}: ${titles.join('; ')}${more}`, SHOWN_BYTES.line));
}
