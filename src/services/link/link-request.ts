import type { PreflightReport } from './preflight/report';
import type { TwinJournalEntry } from './twin/twin-journal';
import type { TwinPlan } from './twin/twin-plan';
import type { TwinStepName } from './twin/twin-steps';

/**
 * A link request's life: `pending` until an admin other than the requester decides. `approved`
 * requests start `running` (exactly once) and end `linked` or `failed`. A pending request can
 * also end `rejected`, `cancelled` (by its requester) or `expired`.
 */
export type LinkRequestState =
  'pending' | 'approved' | 'running' | 'linked' | 'failed' | 'rejected' | 'cancelled' | 'expired';

/** The states a request never leaves. */
export const FINAL_REQUEST_STATES: readonly LinkRequestState[] = [
  'linked',
  'failed',
  'rejected',
  'cancelled',
  'expired',
];

/**
 * True when two Entra object ids name the same person. Ids arrive in whatever case the platform
 * or the configuration used, so every identity comparison goes through here.
 */
export function sameObjectId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** True when `person` filed `request`: they may cancel it and may never decide on it. */
export function isRequester(
  request: Pick<LinkRequest, 'requester'>,
  person: Pick<Person, 'aadObjectId'>,
): boolean {
  return sameObjectId(request.requester.aadObjectId, person.aadObjectId);
}

/** Who the audit names when Anchor itself changed a request (an expiry, the steps of a run). */
export const ANCHOR_ACTOR = { aadObjectId: null, name: 'Anchor' } as const;

/** Someone acting in the chat, as the platform (not a card) reported them. */
export interface Person {
  /** Entra object id (`from.aadObjectId`): what identity checks compare. */
  aadObjectId: string;
  name: string;
  /** The chat platform's own id of the user (Teams `29:…`), for user-specific card views. */
  chatUserId?: string;
}

/**
 * The steps of running an approved link, in order. `wait-for-cycle` is recorded only when a sync
 * cycle was still running (or could not be ruled out) after the pause: pausing does not stop it.
 */
export const LINK_STEPS = [
  'pause',
  'wait-for-cycle',
  'preflight',
  'set-immutable-id',
  'resume',
  'delta',
  'verify',
] as const;

/** One of {@link LINK_STEPS}, or `rollback` (clearing a value written by a run that failed). */
export type LinkStepName = (typeof LINK_STEPS)[number] | 'rollback';

/** One step of a run, as the progress card shows it. */
export interface LinkStep {
  name: LinkStepName;
  state: 'running' | 'done' | 'failed' | 'skipped';
  startedAt: string;
  finishedAt: string | null;
  /** One line: what happened (the relay's or Graph's own message on failure). */
  detail: string | null;
}

/** Why a step of a run stopped, when it is Anchor's own finding rather than a service's error. */
export const LINK_STEP_PROBLEMS = [
  /** No relay is configured, so the scheduler cannot be paused. */
  'no-relay',
  /** The scheduler still read back enabled after the pause. */
  'pause-not-taken',
  /** Set-ADSyncScheduler was refused for the relay account's rights (access denied). */
  'scheduler-access-denied',
  /** A sync cycle started before the pause was still running when the wait for it ran out. */
  'cycle-still-running',
  /** The scheduler was found running again while the run waited for a sync cycle to end. */
  'pause-lost',
  /** The re-check found a failing check, a new unacknowledged warning or another value. */
  'preflight-changed',
  /** The cloud user already has an ImmutableId: something changed since the preflight. */
  'already-set',
  /** The scheduler did not read back enabled after the resume (or could not be read back). */
  'scheduler-still-paused',
  /** Entra ID did not report the user as synced with the value in time. */
  'verify-timeout',
  /** The instance running the link stopped mid-run; another instance ended it. */
  'instance-stopped',
] as const;

/** One of {@link LINK_STEP_PROBLEMS}. */
export type LinkStepProblem = (typeof LINK_STEP_PROBLEMS)[number];

/** Why a run failed: the step, the service's own message and what the admin should do. */
export interface LinkFailure {
  /** The link run's step, or for a synced-twin fix the fix's step (its link run's steps are in `run.steps`). */
  step: LinkStepName | TwinStepName;
  message: string;
  advice: string;
  /** Anchor's own finding, when the failure is one (absent for a service's error). */
  problem?: LinkStepProblem;
  /**
   * The sync scheduler as the run left it, when the run (may have) paused it: `enabled` (a resume
   * read back enabled), `paused` (it read back paused: the relay keeps trying to resume it) or
   * `unknown` (no read-back). Absent when the pause never reached the sync server.
   */
  scheduler?: 'enabled' | 'paused' | 'unknown';
}

/** A run of an approved request, and the instance that owns it while it runs. */
export interface RunRecord {
  startedAt: string;
  finishedAt: string | null;
  steps: LinkStep[];
  failure: LinkFailure | null;
  /** The Anchor instance running it; another instance takes over only once its lease ran out. */
  owner: string | null;
  /** The owner renews this while it runs; a run whose lease ran out was orphaned by a dead instance. */
  leaseUntil: string | null;
}

/** Where a card about this request was posted, so it can be updated in place. Opaque to services. */
export interface CardLocation {
  /** The chat layer's conversation reference. */
  conversation: object;
  activityId: string;
  /** Who sees this copy: the requester's own chat, or approvers (a channel or their chats). */
  audience: 'requester' | 'approvers';
}

/** A request to link one AD user to one cloud user, with everything needed to decide and run it. */
export interface LinkRequest {
  id: string;
  state: LinkRequestState;
  /** Ties every log line and audit entry of this request together. */
  correlationId: string;
  createdAt: string;
  /** A pending request not decided by then expires. */
  expiresAt: string;
  requester: Person;
  reason: string;
  /** The preflight the requester saw and submitted. */
  preflight: PreflightReport;
  /** Ids of the ⚠ checks the requester acknowledged. */
  acknowledged: string[];
  decision: { by: Person; at: string; verdict: 'approved' | 'rejected'; note: string | null } | null;
  /** When (and by whom) a pending request was cancelled. */
  cancelled: { by: Person; at: string } | null;
  run: RunRecord | null;
  /** The cloud user's onPremisesImmutableId before the run and after it. */
  immutableIdBefore: string | null;
  immutableIdAfter: string | null;
  cards: CardLocation[];
  /**
   * Present when the request is a synced-twin fix ("delete the duplicate, keep the original"): the
   * approved plan and the journal of its six steps. `preflight` is then the plan's preflight of the
   * original (whose no-synced-twin check is what the fix repairs). Absent for a plain link.
   */
  twinFix?: TwinFixRecord;
}

/** The synced-twin fix a request carries: the plan as approved and every step as it went. */
export interface TwinFixRecord {
  plan: TwinPlan;
  /** Every change of a step, in order; the card shows the latest per step. */
  journal: TwinJournalEntry[];
  /** The twin deleted for good by step 3 (for history and the audit); null until then. */
  deletedTwin: { id: string; userPrincipalName: string } | null;
}

/** True when the request is a synced-twin fix rather than a plain link. */
export function isTwinFix(request: Pick<LinkRequest, 'twinFix'>): request is { twinFix: TwinFixRecord } {
  return request.twinFix !== undefined;
}
