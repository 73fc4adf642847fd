import { formatSpan, formatTime, formatTimeAgo } from '../../shared/time-text';
import type { Knowable } from '../entra/cloud-user';
import type { IncidentFact } from './incident';
import type { RelaySyncHealth } from './sync-health-monitor';

/** The two sources of the password hash sync heartbeat, as one round read them. */
export interface HeartbeatSources {
  /** The sync server's name (the relay id), for the wording. */
  server: string;
  /** True when a relay is configured: its event log must then be read before "fresh" is said. */
  relayExpected: boolean;
  /** The relay's sync-health facts; null when they could not be read. */
  relay: RelaySyncHealth | null;
  /** `onPremisesLastPasswordSyncDateTime` of Graph beta; `value: null` when Graph does not return it. */
  passwordSync: Knowable<string | null>;
}

/**
 * What the heartbeat looks like:
 * - `silent`: a readable source shows no heartbeat within the threshold (the event log has no
 *   event 654 at all, or its last is older; or Entra ID's last password sync is older);
 * - `fresh`: every source that should be readable was, and none is silent;
 * - `unknown`: nothing silent, but a source could not be read, so nothing is resolved either;
 * - `not-applicable`: password hash sync is off, or the server is in staging mode.
 */
export interface HeartbeatJudgement {
  verdict: 'silent' | 'fresh' | 'unknown' | 'not-applicable';
  /** One or two sentences naming the evidence. */
  reason: string;
  /** The evidence for the card. */
  facts: IncidentFact[];
  /** The newest event 654 the relay read, if any. */
  lastHeartbeat: string | null;
}

/** How many recent errors the card lists. */
const SHOWN_ERRORS = 3;

/** Judges the heartbeat from both sources against `silenceMs` at `now`. */
export function judgeHeartbeat(sources: HeartbeatSources, silenceMs: number, now: Date): HeartbeatJudgement {
  const { server, relay, passwordSync } = sources;
  const lastHeartbeat = relay?.facts.lastHeartbeatAt ?? null;
  const facts = factsOf(sources, now);
  const base = { facts, lastHeartbeat };
  if (relay?.facts.passwordHashSync === false) {
    return { ...base, verdict: 'not-applicable', reason: `Password hash sync is turned off on ${server}.` };
  }
  if (relay?.scheduler.stagingModeEnabled === true) {
    return {
      ...base,
      verdict: 'not-applicable',
      reason: `${server} is in staging mode, where password hash sync does not run.`,
    };
  }
  const logReadable = relay !== null && !relay.facts.problems.some((p) => p.fact === 'heartbeat');
  const entraTime = passwordSync.known ? passwordSync.value : null;
  const tooOld = (at: string) => now.getTime() - Date.parse(at) > silenceMs;
  const silent: string[] = [];
  if (logReadable && (lastHeartbeat === null || tooOld(lastHeartbeat))) {
    silent.push(
      lastHeartbeat
        ? `the last heartbeat (event 654) on ${server} was at ${formatTimeAgo(lastHeartbeat, now)}`
        : `the Application log on ${server} holds no heartbeat (event 654) at all`,
    );
  }
  if (entraTime && tooOld(entraTime)) {
    silent.push(`Entra ID's last password sync was at ${formatTimeAgo(entraTime, now)}`);
  }
  if (silent.length > 0) {
    return {
      ...base,
      verdict: 'silent',
      reason: `No password hash sync heartbeat for more than ${formatSpan(silenceMs)}: ${silent.join('; ')}.`,
    };
  }
  const allRead = (logReadable || !sources.relayExpected) && passwordSync.known;
  const latest = [lastHeartbeat, entraTime]
    .filter((t): t is string => !!t)
    .sort()
    .at(-1);
  if (allRead && latest) {
    return { ...base, verdict: 'fresh', reason: `Heartbeat back at ${formatTime(latest)}.` };
  }
  return { ...base, verdict: 'unknown', reason: 'The heartbeat could not be read from every source.' };
}

function factsOf(
  { server, relay, relayExpected, passwordSync }: HeartbeatSources,
  now: Date,
): IncidentFact[] {
  const heartbeatProblem = relay?.facts.problems.find((p) => p.fact === 'heartbeat');
  const logValue = !relay
    ? relayExpected
      ? 'could not be read (the relay did not answer)'
      : 'no relay configured'
    : heartbeatProblem
      ? `could not be read: ${heartbeatProblem.message}`
      : relay.facts.lastHeartbeatAt
        ? formatTimeAgo(relay.facts.lastHeartbeatAt, now)
        : 'none in the log';
  const entraValue = !passwordSync.known
    ? `could not be read: ${passwordSync.reason}`
    : passwordSync.value
      ? formatTimeAgo(passwordSync.value, now)
      : 'unknown (Graph does not return it)';
  const facts: IncidentFact[] = [
    { title: `Last heartbeat, event log on ${server}`, value: logValue },
    { title: 'Last password sync, Entra ID', value: entraValue },
  ];
  for (const error of relay?.facts.recentErrors.slice(0, SHOWN_ERRORS) ?? []) {
    facts.push({ title: `Event ${error.id}, ${formatTime(error.at)}`, value: shortened(error.message) });
  }
  return facts;
}

/** An event's text in at most 300 characters: the card shows three of them. */
function shortened(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
