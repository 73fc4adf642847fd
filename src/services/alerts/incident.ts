/** What Anchor alerts the admins about; one open incident per kind at a time. */
export type IncidentKind = 'scheduler-paused';

/** Where a card about an incident was posted, so it can be updated in place. Opaque to services. */
export interface IncidentCard {
  /** The chat layer's conversation reference. */
  conversation: object;
  activityId: string;
}

/** What the admins are told: the problem in one line, what Anchor saw, and what to do. */
export interface IncidentText {
  title: string;
  /** The headline once it is over: "The sync scheduler runs again on aadc01". */
  resolvedTitle: string;
  detail: string;
  fix: string;
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
}
