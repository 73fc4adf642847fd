/**
 * What Anchor alerts the admins about; one open incident per kind at a time:
 * - `scheduler-paused`: the Entra Connect scheduler stays paused with no link run holding it;
 * - `phs-silent`: no password hash sync heartbeat (event 654, or Entra ID's last password sync)
 *   for longer than PHS_SILENCE_MINUTES;
 * - `sync-silent`: Entra ID's last directory sync is older than SYNC_SILENCE_MINUTES;
 * - `relay-silent`: the relay has not polled for longer than RELAY_SILENCE_MINUTES;
 * - `service-stopped`: the ADSync service is not running;
 * - `staging-mode`: the sync server the relay runs on is in staging mode (it exports nothing);
 * - `health-unreadable`: a fact the monitor needs could not be read (never taken as healthy).
 */
export type IncidentKind =
  | 'scheduler-paused'
  | 'phs-silent'
  | 'sync-silent'
  | 'relay-silent'
  | 'service-stopped'
  | 'staging-mode'
  | 'health-unreadable';

/** Every {@link IncidentKind}, in the order `status` lists open incidents. */
export const INCIDENT_KINDS: readonly IncidentKind[] = [
  'relay-silent',
  'service-stopped',
  'phs-silent',
  'sync-silent',
  'scheduler-paused',
  'staging-mode',
  'health-unreadable',
];

/** The incidents a restart of the ADSync service may fix: their cards offer "Restart ADSync". */
export const RESTARTABLE_KINDS: readonly IncidentKind[] = ['phs-silent', 'service-stopped'];

/** Where a card about an incident was posted, so it can be updated in place. Opaque to services. */
export interface IncidentCard {
  /** The chat layer's conversation reference. */
  conversation: object;
  activityId: string;
}

/** One piece of evidence on the card: `Last heartbeat (event log on aadc01)` → `10:02 UTC (2 h 10 min ago)`. */
export interface IncidentFact {
  title: string;
  value: string;
}

/** What the admins are told: the problem in one line, what Anchor saw, and what to do. */
export interface IncidentText {
  title: string;
  /** The headline once it is over: "The sync scheduler runs again on aadc01". */
  resolvedTitle: string;
  detail: string;
  fix: string;
  /** The evidence, as read when the incident was raised (or last refreshed). */
  facts?: IncidentFact[];
}

/** Who pressed a button on an alert card. */
export interface RemedyActor {
  aadObjectId: string;
  name: string;
}

/**
 * Where the one-click fix of an incident stands:
 * - `restarting`: the relay was asked to restart the ADSync service;
 * - `restart-refused`: the relay refused (a sync cycle ran); the card offers "Try again";
 * - `restart-failed`: the restart failed or the service did not come back Running;
 * - `watching`: restarted (service read back Running); waiting for the next heartbeat until `watchUntil`;
 * - `no-heartbeat`: no heartbeat by `watchUntil`; the card offers a full password sync;
 * - `full-sync-requested`: an admin asked for a full password sync; a second admin must approve;
 * - `full-sync-running`: approved; the relay runs it (once per incident);
 * - `full-sync-failed`: it failed; the incident stays open with the reason;
 * - `full-sync-done`: it ran and read back; waiting for the heartbeat until `watchUntil`.
 */
export type RemedyState =
  | 'restarting'
  | 'restart-refused'
  | 'restart-failed'
  | 'watching'
  | 'no-heartbeat'
  | 'full-sync-requested'
  | 'full-sync-running'
  | 'full-sync-failed'
  | 'full-sync-done';

/** A full password sync asked for on an incident, and its second admin's decision. */
export interface FullSyncRequest {
  requestedBy: RemedyActor;
  requestedAt: string;
  /** The second admin who approved or rejected; null while pending. */
  decidedBy: RemedyActor | null;
  decidedAt: string | null;
  decision: 'approved' | 'rejected' | null;
  /** When the relay ran it; it runs at most once per incident. */
  ranAt: string | null;
}

/** The one-click fix of an incident (Restart ADSync, then perhaps a full password sync). */
export interface IncidentRemedy {
  state: RemedyState;
  /** What happened last, in one line the card shows: "Restarted by Adele Vance at 10:40 UTC; …". */
  message: string;
  restartedBy: RemedyActor | null;
  restartedAt: string | null;
  /** Until when Anchor watches for the next heartbeat after a restart or a full sync. */
  watchUntil: string | null;
  fullSync: FullSyncRequest | null;
}

/**
 * A problem every admin is told about until it is over: raised once (across instances), reminded
 * while it lasts, and marked resolved on the same cards when Anchor sees it is over.
 */
export interface Incident extends IncidentText {
  id: string;
  kind: IncidentKind;
  state: 'open' | 'resolved';
  openedAt: string;
  /** When the admins were last told (the first card or a reminder). */
  notifiedAt: string;
  resolvedAt: string | null;
  /** What Anchor saw that ended it. */
  resolution: string | null;
  cards: IncidentCard[];
  /** The fix under way or done; absent (or null) when nobody pressed a button. */
  remedy?: IncidentRemedy | null;
}
