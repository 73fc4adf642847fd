/**
 * What the bot and the on-prem relay say to each other over `/api/relay/*`. The relay only ever
 * calls out (it opens no port); every request it sends and every job the bot hands it is signed
 * (see request-signing.ts).
 *
 * - `POST /api/relay/poll` (relay → bot, signed by the relay): a {@link PollRequest}, which is
 *   also the heartbeat. The bot answers {@link PollResponse}: at most one job, signed by the bot.
 *   A poll with `wait` is a long poll: the bot holds it until a job is queued or `wait` seconds
 *   pass (an older bot ignores `wait` and answers at once).
 * - `POST /api/relay/jobs/{jobId}/result` (signed by the relay): a {@link JobResult}.
 * - `POST /api/relay/events` (signed by the relay): a {@link RelayEvent}, e.g. the pause lease
 *   expired and the relay resumed the scheduler by itself.
 */
import type { Signature } from './request-signing';
import type { DirectoryAnswer, DirectoryParams } from './directory-jobs';
import { DIRECTORY_OPERATIONS } from './directory-jobs';

/**
 * The only things a relay will ever do: each sync-server operation maps to a fixed PowerShell
 * script in the relay; each directory operation ({@link DIRECTORY_OPERATIONS}) to one read-only
 * method of the relay's LDAP directory, with typed parameters.
 */
export const RELAY_OPERATIONS = [
  'status',
  'pause',
  'resume',
  'delta',
  'restart-service',
  'sync-health',
  'full-password-sync',
  ...DIRECTORY_OPERATIONS,
] as const;

/** One of {@link RELAY_OPERATIONS}. */
export type RelayOperation = (typeof RELAY_OPERATIONS)[number];

/** What a relay id (and a key id) may look like, on the bot and on the relay alike. */
export const RELAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The key id the bot signs jobs with unless BOT_KEY_ID says otherwise. */
export const DEFAULT_BOT_KEY_ID = 'anchor-bot';

/** Paths of the relay API on the bot. */
export const RELAY_PATHS = {
  poll: '/api/relay/poll',
  /** A job's own path: what the bot's job signature covers, and the root of its result. */
  job: (jobId: string) => `/api/relay/jobs/${encodeURIComponent(jobId)}`,
  result: (jobId: string) => `${RELAY_PATHS.job(jobId)}/result`,
  events: '/api/relay/events',
} as const;

/**
 * The largest job result the bot reads (a directory answer with its users or OUs). A relay whose
 * answer would be larger reports a `size-limit` directory error instead.
 */
export const MAX_RESULT_BYTES = 2 * 1024 * 1024;

/** The sync server as the relay last saw it. */
export interface SchedulerState {
  /** `SyncCycleEnabled` of Get-ADSyncScheduler; null when unknown (e.g. pwsh missing). */
  syncCycleEnabled: boolean | null;
  stagingModeEnabled: boolean | null;
  /** True while a sync cycle runs (Get-ADSyncConnectorRunStatus returned a run). */
  cycleInProgress: boolean | null;
  /** `Running`, `Stopped`, … of the ADSync service. */
  serviceState: string | null;
  nextSyncCycleStartTimeInUTC: string | null;
  /**
   * When the relay paused the scheduler and the lease runs out, while it is paused by Anchor. In
   * the past while the relay owes a resume that has not taken yet (it keeps trying by itself).
   */
  pauseLeaseExpiresAt: string | null;
}

/**
 * The longest a relay may ask the bot to hold a poll. Kept under the idle limits of common proxies
 * and load balancers (60 s and up), and under the bot's presence window (60 s), so a held poll never
 * makes the relay look gone.
 */
export const MAX_POLL_WAIT_SECONDS = 50;

/** The relay's poll, and heartbeat. */
export interface PollRequest {
  relayId: string;
  version: string;
  /** False when the relay cannot run PowerShell at all (the reason is in `problem`). */
  ready: boolean;
  problem: string | null;
  scheduler: SchedulerState;
  /**
   * Seconds the bot may hold this poll open waiting for a job (1 … {@link MAX_POLL_WAIT_SECONDS});
   * absent or 0: answer at once (a short poll, and every poll of an older relay).
   */
  wait?: number;
  /**
   * Where this relay reads AD (its LDAP URL and base DN, never the account or password); null when
   * it has no LDAP settings, absent from an older relay. Directory jobs go only to a relay that has one.
   */
  directory?: string | null;
  /**
   * True while the relay runs a sync-server job: hand it directory reads only (it runs one
   * sync-server job at a time). Absent from an older relay, which polls only between jobs.
   */
  busy?: boolean;
}

/**
 * A job as the bot issues it: the operation name, ids and, for a directory operation only, its
 * typed parameters; never script or filter text.
 */
export interface RelayJob {
  id: string;
  relayId: string;
  operation: RelayOperation;
  /** Only on a directory operation: what to read, checked by the relay against its schema. */
  params?: DirectoryParams;
  /** Ids only: the link request this job belongs to, for the audit trail. */
  requestId: string | null;
  issuedAt: string;
  /** A job not finished by then is expired by the bot and must not be started by the relay. */
  expiresAt: string;
}

/**
 * A job with the bot's signature. The signature covers, as a request would: method `JOB`, path
 * `/api/relay/jobs/{id}`, the body `JSON.stringify(job)`, the timestamp and the nonce.
 */
export interface SignedJob extends Signature {
  job: RelayJob;
}

/** The bot's answer to a poll. */
export interface PollResponse {
  job: SignedJob | null;
  /**
   * True when the bot held this poll as asked (a job came, or `wait` ran out): the relay may poll
   * again at once. Absent from an older bot, from a short poll, and from a poll the bot let go of
   * early (it is shutting down): the relay then waits its poll interval, as before long polling.
   */
  held?: boolean;
}

/**
 * A failure or refusal the bot words on its own: `scheduler-access-denied` when Set-ADSyncScheduler
 * was refused for the relay account's rights; `password-sync-left-disabled` when a full password
 * sync turned password hash sync off and could not turn it back on (an admin must, at once). On a
 * refused job: `job-expired` (picked up after its deadline), `operation-not-allowed` (an operation
 * this relay does not know: it is older than the bot), `invalid-params` (parameters outside the
 * operation's schema).
 */
export type JobFailureReason = (typeof JOB_FAILURE_REASONS)[number];

/** Every {@link JobFailureReason}. */
export const JOB_FAILURE_REASONS = [
  'scheduler-access-denied',
  'password-sync-left-disabled',
  'job-expired',
  'operation-not-allowed',
  'invalid-params',
] as const;

/** One Application-log event of source "Directory Synchronization". */
export interface SyncEvent {
  id: number;
  /** ISO UTC */
  at: string;
  /** clipped to 500 chars */
  message: string;
}

/** A fact the relay could not read, with PowerShell's reason; the bot never takes it as healthy. */
export interface SyncHealthProblem {
  fact: 'password-hash-sync' | 'heartbeat' | 'errors' | 'scheduler';
  message: string;
}

/** What the read-only `sync-health` operation found (service, staging and cycle are in JobResult.scheduler). */
export interface SyncHealthFacts {
  /** Get-ADSyncAADCompanyFeature's PasswordHashSync; null when unreadable (see problems). */
  passwordHashSync: boolean | null;
  /** Newest event 654 (the PHS heartbeat), ISO UTC; null when the log has none, or it could not be read (then problems says so). */
  lastHeartbeatAt: string | null;
  /** Events 611, 652, 655 of the last 24 hours, newest first, at most 10. */
  recentErrors: SyncEvent[];
  problems: SyncHealthProblem[];
}

/** What running a job gave. */
export interface JobResult {
  jobId: string;
  relayId: string;
  outcome: 'done' | 'failed' | 'refused';
  /** One line an admin can act on (the PowerShell error, the refusal reason). */
  message: string;
  /** Set on a failure the bot has its own words for; absent otherwise (and from older relays). */
  reason?: JobFailureReason;
  /**
   * The scheduler as read back after the job. The bot compares it with what it asked for: a pause
   * or resume reported `done` is not trusted alone.
   */
  scheduler: SchedulerState;
  /** Only on `sync-health`: what the relay read about password hash sync and its event log. */
  syncHealth?: SyncHealthFacts;
  /** Only on a directory operation: what was read, or the directory's error (outcome `failed`). */
  directory?: DirectoryAnswer;
  startedAt: string;
  finishedAt: string;
}

/**
 * Something the relay did on its own, to be reported and audited: `lease-resumed` once it resumed
 * (and read back enabled) a scheduler whose lease ran out or whose resume had not taken.
 */
export interface RelayEvent {
  relayId: string;
  kind: 'lease-resumed' | 'refused-job';
  at: string;
  message: string;
}
