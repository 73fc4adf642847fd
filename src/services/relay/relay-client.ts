import { AdminFacingError } from '../../shared/admin-facing-error';
import { FINAL_JOB_STATES } from './job-queue';
import type { RelayJobQueue, RelayJobRecord } from './job-queue';
import type { RelayHeartbeat, RelayPresence } from './presence';
import type {
  JobResult,
  RelayOperation,
  SchedulerState,
  SyncHealthFacts,
} from '../../shared/relay-protocol/messages';
import { formatTime } from '../../shared/time-text';
import { isDirectoryOperation } from '../../shared/relay-protocol/directory-jobs';
import type { DirectoryParams } from '../../shared/relay-protocol/directory-jobs';

/**
 * Why a relay operation did not succeed:
 * - `offline`: the relay has not polled within the presence window, or says it cannot run
 *   PowerShell; nothing was queued.
 * - `expired`: the job ran out of time in the queue; the relay never started it.
 * - `timeout`: the relay started the job but reported no result in time; whether the operation
 *   took effect is unknown.
 * - `failed`: the relay ran it and PowerShell failed (the message is the relay's).
 * - `refused`: the relay refused to run it (e.g. pause or delta in staging mode).
 * - `aborted`: the caller's signal fired; a job still queued was withdrawn.
 */
export const RELAY_ERROR_KINDS = ['offline', 'expired', 'timeout', 'failed', 'refused', 'aborted'] as const;

/** One of {@link RELAY_ERROR_KINDS}. */
export type RelayErrorKind = (typeof RELAY_ERROR_KINDS)[number];

/** A relay operation that did not succeed, with the job and result when there are any. */
export class RelayError extends AdminFacingError {
  constructor(
    readonly kind: RelayErrorKind,
    message: string,
    readonly jobId: string | null = null,
    readonly result: JobResult | null = null,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

/** How long each operation may take, queued and running, unless the caller says otherwise. */
export const DEFAULT_JOB_TIMEOUT_MS: Record<RelayOperation, number> = {
  status: 60_000,
  pause: 90_000,
  // Room for the relay's own read-back retries (RELAY_RESUME_ATTEMPTS × RELAY_RESUME_RETRY_MS, 3 × 5 s).
  resume: 90_000,
  // Longer than the relay's own delta deadline (RELAY_DELTA_DEADLINE_MS, 5 min) for "AAD is busy" retries.
  delta: 360_000,
  'restart-service': 180_000,
  // Five reads (service, scheduler, PHS feature, two event-log queries), each within the relay's script timeout.
  'sync-health': 60_000,
  // Longer than the relay's idle confirmation plus off, on (with retries) and the read-back.
  'full-password-sync': 300_000,
  // The relay's LDAP timeouts (connect 5 s, each page 10 s) decide first; a paged search of a large
  // domain takes a few pages.
  'directory-search': 30_000,
  'directory-find': 30_000,
  'directory-list-ous': 30_000,
  'directory-ping': 15_000,
};

/** How often a directory read's result is looked for in the store (see RelayClient.resultPollMs). */
const DIRECTORY_RESULT_POLL_MS = 100;

/** What {@link RelayClient.syncHealth} found. */
export interface SyncHealthReading {
  relayId: string;
  /** Service, staging mode and cycle as read with the facts. */
  scheduler: SchedulerState;
  facts: SyncHealthFacts;
}

/** Options of one {@link RelayClient.run}. */
export interface RunOptions {
  /** The link request the job belongs to. */
  requestId?: string | null;
  /** A directory operation's parameters (typed values, checked again by the relay). */
  params?: DirectoryParams;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Settings of {@link RelayClient}. */
export interface RelayClientOptions {
  queue: RelayJobQueue;
  presence: RelayPresence;
  /** The relay that runs the jobs. */
  relayId: string;
  /** How often the store is read for a result another instance recorded. */
  pollIntervalMs?: number;
}

/** What the link workflow calls to have the on-prem relay run an operation and await its result. */
export class RelayClient {
  constructor(private readonly options: RelayClientOptions) {}

  /** The relay these jobs go to. */
  get relayId(): string {
    return this.options.relayId;
  }

  /**
   * Queues `operation` for the relay and resolves with its result once the relay reports success.
   * @throws RelayError of the kind that says what happened (see {@link RelayErrorKind}).
   */
  async run(operation: RelayOperation, options: RunOptions = {}): Promise<JobResult> {
    if (options.signal?.aborted)
      throw new RelayError('aborted', `${operation} was cancelled before it was queued`);
    await this.assertOnline(operation);
    const record = await this.options.queue.enqueue(this.relayId, operation, {
      requestId: options.requestId ?? null,
      params: options.params,
      timeoutMs: options.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS[operation],
    });
    return outcomeOf(await this.waitForFinal(record, options.signal));
  }

  /** Asks the relay for the scheduler state now. */
  async status(options: RunOptions = {}): Promise<SchedulerState> {
    return (await this.run('status', options)).scheduler;
  }

  /**
   * Has the relay read the sync health (PHS on, last heartbeat, recent errors, service). Facts it
   * could not read are in `facts.problems`, never filled in as healthy.
   * @throws RelayError as {@link run} does; `failed` also when the result carries no facts (a relay
   *   too old to know the operation).
   */
  async syncHealth(options: RunOptions = {}): Promise<SyncHealthReading> {
    const result = await this.run('sync-health', options);
    if (!result.syncHealth) {
      throw new RelayError(
        'failed',
        `relay "${result.relayId}" answered sync-health without its facts (is the relay up to date?)`,
        result.jobId,
        result,
      );
    }
    return { relayId: result.relayId, scheduler: result.scheduler, facts: result.syncHealth };
  }

  /**
   * Has the relay trigger a full sync of all passwords (password hash sync off and on, read back
   * enabled). Re-sends every password hash: the caller gets a second admin's approval first.
   * @throws RelayError as {@link run} does: `refused` in staging mode, during a cycle, or without
   *   exactly one AD and one Entra connector; `failed` with `result.reason`
   *   `password-sync-left-disabled` when PHS could not be turned back on.
   */
  fullPasswordSync(options: RunOptions = {}): Promise<JobResult> {
    return this.run('full-password-sync', options);
  }

  /** The relay's last poll, or null if it never polled. */
  lastHeartbeat(): Promise<RelayHeartbeat | null> {
    return this.options.presence.lastHeartbeat(this.relayId);
  }

  private async assertOnline(operation: RelayOperation): Promise<void> {
    const heartbeat = await this.lastHeartbeat();
    if (!heartbeat) throw new RelayError('offline', `relay "${this.relayId}" has never polled`);
    if (!this.options.presence.isFresh(heartbeat)) {
      throw new RelayError(
        'offline',
        `relay "${this.relayId}" has not polled since ${formatTime(heartbeat.at)}`,
      );
    }
    // A relay without PowerShell still reads AD: only sync-server jobs need it.
    if (heartbeat.poll && !heartbeat.poll.ready && !isDirectoryOperation(operation)) {
      throw new RelayError(
        'offline',
        `relay "${this.relayId}" cannot run PowerShell: ${heartbeat.poll.problem ?? 'no reason given'}`,
      );
    }
  }

  /**
   * How often the store is read for a result another instance recorded: an admin waits on a
   * directory read (the relay may post its result to any instance), so it is read ten times as often.
   */
  private resultPollMs(operation: RelayOperation): number {
    const every = this.options.pollIntervalMs ?? 1000;
    return isDirectoryOperation(operation) ? Math.min(every, DIRECTORY_RESULT_POLL_MS) : every;
  }

  /**
   * Resolves with the job once it is final: at once when this instance records it, otherwise by
   * reading the store every poll interval. At its deadline the job is expired here, so a relay that
   * stopped polling cannot keep the caller waiting.
   */
  private waitForFinal(record: RelayJobRecord, signal?: AbortSignal): Promise<RelayJobRecord> {
    const { queue } = this.options;
    const jobId = record.job.id;
    return new Promise((resolve, reject) => {
      let finished = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (outcome: () => void) => {
        if (finished) return;
        finished = true;
        unsubscribe();
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const settleIfFinal = (r: RelayJobRecord | undefined) => {
        if (r && FINAL_JOB_STATES.includes(r.state)) finish(() => resolve(r));
      };
      const check = () => queue.get(jobId).then(settleIfFinal, () => undefined);
      const unsubscribe = queue.onFinal(jobId, settleIfFinal);
      const poll = () => {
        timers.push(
          setTimeout(() => {
            if (!finished) void check().finally(poll);
          }, this.resultPollMs(record.job.operation)),
        );
      };
      poll();
      const onDeadline = () =>
        queue
          .expireIfDue(jobId)
          .then(check)
          .catch(() => undefined)
          .finally(() =>
            finish(() => reject(new RelayError('timeout', `no result for job ${jobId} in time`, jobId))),
          );
      timers.push(setTimeout(onDeadline, Math.max(0, Date.parse(record.job.expiresAt) - Date.now())));
      const onAbort = () => {
        finish(() => reject(new RelayError('aborted', `${record.job.operation} was cancelled`, jobId)));
        // Withdrawn after settling, so the withdrawal's own notification cannot win the race.
        void queue.withdraw(jobId).catch(() => undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The result of a successful job; a RelayError for any other final state. */
function outcomeOf(record: RelayJobRecord): JobResult {
  const { job, result } = record;
  if (record.state === 'done' && result) return result;
  if (record.state === 'expired') {
    return record.claimedAt
      ? fail('timeout', `relay "${job.relayId}" started ${job.operation} but reported no result in time`)
      : fail('expired', `relay "${job.relayId}" did not pick up ${job.operation} in time`);
  }
  const kind = result?.outcome === 'refused' ? 'refused' : 'failed';
  return fail(
    kind,
    `${job.operation} ${kind === 'refused' ? 'was refused' : 'failed'}: ${result?.message ?? ''}`,
  );

  function fail(kind: RelayErrorKind, message: string): never {
    throw new RelayError(kind, message, job.id, result);
  }
}
