// Every `Action.Execute` verb of Anchor's cards lives here: a view puts the constant on its card and
// a card action registers for the same constant, so a button and its handler cannot drift apart.

/** The `Action.Execute` verbs of the link flow's cards. */
export const LINK_VERBS = {
  /** Candidates card → preflight of the picked pair (also "Check again"). */
  check: 'link.check',
  /** Preflight card → file the request for approval. */
  request: 'link.request',
  /** Preflight card with a synced twin → the plan of the guided twin fix. */
  planTwinFix: 'link.twin-plan',
  approve: 'link.approve',
  reject: 'link.reject',
  cancel: 'link.cancel',
  /** The request card's refresh: the view for whoever is looking. */
  view: 'link.view',
} as const;

/** The `Action.Execute` verbs of the status card. */
export const STATUS_VERBS = {
  /** The Refresh button: probe every dependency again. */
  refresh: 'status.refresh',
} as const;

/** The `Action.Execute` verbs of an alert card: the one-click fix of a sync health incident. */
export const ALERT_VERBS = {
  /** "Restart ADSync" (also "Try again" after the relay refused during a sync cycle). */
  restart: 'alert.restart',
  /** "Run a full password sync…": asks for it; a second admin decides. */
  requestFullSync: 'alert.full-sync.request',
  approveFullSync: 'alert.full-sync.approve',
  rejectFullSync: 'alert.full-sync.reject',
} as const;

/** One of the verbs above. */
export type CardVerb =
  | (typeof LINK_VERBS)[keyof typeof LINK_VERBS]
  | (typeof STATUS_VERBS)[keyof typeof STATUS_VERBS]
  | (typeof ALERT_VERBS)[keyof typeof ALERT_VERBS];

/** Every verb, for checks that walk them all. */
export const CARD_VERBS: readonly CardVerb[] = [
  ...Object.values(LINK_VERBS),
  ...Object.values(STATUS_VERBS),
  ...Object.values(ALERT_VERBS),
];
