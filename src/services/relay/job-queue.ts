import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { updateItem } from '../state/conditional-update';
import type { JobResult, RelayJob, RelayOperation } from '../../shared/relay-protocol/messages';
import type { StateStore } from '../state/state-store';
import type { DirectoryParams } from '../../shared/relay-protocol/directory-jobs';

/**
 * A job's life: `queued` until a relay claims it by polling, `running` until the relay reports a
 * result (`done`, or `failed` for an error or a refusal), or `expired` when its time ran out first.
 */
export type RelayJobState = 'queued' | 'running' | 'done' | 'failed' | 'expired';

/** The states a job never leaves. */
export const FINAL_JOB_STATES: readonly RelayJobState[] = ['done', 'failed', 'expired'];

/** A job as stored: what was issued, where it is, and what came of it. */
export interface RelayJobRecord {
  job: RelayJob;
  state: RelayJobState;
  /** When a relay claimed it (null while queued, and for a job that expired in the queue). */
  claimedAt: string | null;
  /** When it reached a final state. */
  finishedAt: string | null;
  /** What the relay reported (null until then, and for an expired job). */
  result: JobResult | null;
}

/** Options of {@link RelayJobQueue.enqueue}. */
export interface EnqueueOptions {
  /** The link request the job belongs to (ids only, for the audit trail). */
  requestId?: string | null;
  /** A directory operation's parameters; signed with the job. */
  params?: DirectoryParams;
  /** How long the job may take from now, queued and running together. */
  timeoutMs: number;
}

/** Options of {@link RelayJobQueue.claimNext}. */
export interface ClaimOptions {
  /** The time the claim happens at (tests); now by default. */
  now?: Date;
  /** The operations the relay takes now: a busy relay takes directory reads only. All by default. */
  accepts?: (operation: RelayOperation) => boolean;
}

/** Why a job result was refused; the relay API maps each to an HTTP status. */
export class JobResultRefusedError extends Error {
  constructor(
    readonly reason: 'unknown-job' | 'other-relay' | 'not-running',
    message: string,
  ) {
    super(message);
    this.name = 'JobResultRefusedError';
  }
}

/** Store keys: one item per job, plus the list of jobs not yet final (the store cannot list keys). */
const JOB_KEY = (id: string) => `relay/jobs/${id}`;
const OPEN_KEY = 'relay/open-jobs';
/** The event a queued job raises; job ids (GUIDs) name the other events, so the two never meet. */
const QUEUED_EVENT = (relayId: string) => `queued:${relayId}`;

interface OpenJobs {
  jobs: { id: string; relayId: string }[];
}

/**
 * The relay job queue, on the {@link StateStore}. Every state change is a write conditional on
 * the eTag that was read; a writer that loses the race reads again and decides again, so a job
 * is claimed by exactly one poll and finished exactly once even across instances.
 */
export class RelayJobQueue {
  private readonly events = new EventEmitter();

  constructor(private readonly store: StateStore) {
    this.events.setMaxListeners(0);
  }

  /** Queues `operation` for `relayId`. */
  async enqueue(
    relayId: string,
    operation: RelayOperation,
    options: EnqueueOptions,
    now: Date = new Date(),
  ): Promise<RelayJobRecord> {
    const job: RelayJob = {
      id: randomUUID(),
      relayId,
      operation,
      requestId: options.requestId ?? null,
      ...(options.params ? { params: options.params } : {}),
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + options.timeoutMs).toISOString(),
    };
    const record: RelayJobRecord = { job, state: 'queued', claimedAt: null, finishedAt: null, result: null };
    await this.store.write(JOB_KEY(job.id), record, null);
    await updateItem<OpenJobs>(this.store, OPEN_KEY, (open) => ({
      jobs: [...(open?.jobs ?? []), { id: job.id, relayId }],
    }));
    // After both writes: a poll held on this instance is woken and finds the job on its first read.
    this.events.emit(QUEUED_EVENT(relayId), record);
    return record;
  }

  /**
   * Calls `listener` whenever this instance queues a job for `relayId` (jobs other instances queue
   * are only seen by reading the store). Returns a function that unsubscribes.
   */
  onQueued(relayId: string, listener: () => void): () => void {
    this.events.on(QUEUED_EVENT(relayId), listener);
    return () => this.events.off(QUEUED_EVENT(relayId), listener);
  }

  /**
   * Puts a job claimed at `claimedAt` back in the queue (running → queued), for a poll whose
   * connection was gone before the job could be sent: the relay never saw it, so the next poll
   * gets it instead of the job waiting out its time as running. Returns it when it was put back.
   */
  async unclaim(jobId: string, claimedAt: string): Promise<RelayJobRecord | undefined> {
    return this.transition(jobId, (r) =>
      r.state === 'running' && r.claimedAt === claimedAt && !r.result
        ? { ...r, state: 'queued', claimedAt: null }
        : undefined,
    );
  }

  /** The job, or undefined when there is none with this id. */
  async get(jobId: string): Promise<RelayJobRecord | undefined> {
    return (await this.store.read<RelayJobRecord>(JOB_KEY(jobId)))?.value;
  }

  /**
   * Hands the oldest queued job of `relayId` to that relay (queued → running), or null when there
   * is none. Two polls at once never get the same job. Queued jobs past their time are expired
   * on the way instead of being handed out.
   */
  async claimNext(relayId: string, options: ClaimOptions = {}): Promise<RelayJobRecord | null> {
    const now = options.now ?? new Date();
    const accepts = options.accepts ?? (() => true);
    for (const open of await this.openJobs(relayId)) {
      // One conditional write decides both: past its time → expired, otherwise queued → running.
      const next = await this.transition(open.id, (r) => {
        if (FINAL_JOB_STATES.includes(r.state)) return undefined;
        if (Date.parse(r.job.expiresAt) <= now.getTime()) {
          return { ...r, state: 'expired', finishedAt: now.toISOString() };
        }
        if (r.state !== 'queued' || !accepts(r.job.operation)) return undefined;
        return { ...r, state: 'running', claimedAt: now.toISOString() };
      });
      if (next?.state === 'running') return next;
    }
    return null;
  }

  /**
   * Records the result `relayId` reported for a running job of its own (running → done, or failed
   * for a failure or a refusal).
   * @throws JobResultRefusedError for an unknown job, another relay's job or a job not running.
   */
  async complete(
    jobId: string,
    result: JobResult,
    relayId: string = result.relayId,
    now: Date = new Date(),
  ): Promise<RelayJobRecord> {
    let refusal: JobResultRefusedError | undefined;
    const done = await this.transition(jobId, (r) => {
      refusal = refusalOf(r, jobId, result, relayId);
      if (refusal) return undefined;
      const state = result.outcome === 'done' ? 'done' : 'failed';
      return { ...r, state, result, finishedAt: now.toISOString() };
    });
    if (!done) {
      throw refusal ?? new JobResultRefusedError('unknown-job', `there is no job ${jobId}`);
    }
    return done;
  }

  /** Expires every job, queued or running, whose time ran out by `now`; returns those expired. */
  async expire(now: Date = new Date()): Promise<RelayJobRecord[]> {
    const expired: RelayJobRecord[] = [];
    for (const open of await this.openJobs()) {
      const record = await this.expireIfDue(open.id, now);
      if (record) expired.push(record);
    }
    return expired;
  }

  /** Expires one job if it is not final and its time ran out by `now`; returns it when it did. */
  async expireIfDue(jobId: string, now: Date = new Date()): Promise<RelayJobRecord | undefined> {
    return this.transition(jobId, (r) =>
      !FINAL_JOB_STATES.includes(r.state) && Date.parse(r.job.expiresAt) <= now.getTime()
        ? { ...r, state: 'expired', finishedAt: now.toISOString() }
        : undefined,
    );
  }

  /**
   * Withdraws a job that is still queued (→ expired), so no relay will start it. A running job is
   * left alone: it finishes or expires. Returns the job when it was withdrawn.
   */
  async withdraw(jobId: string, now: Date = new Date()): Promise<RelayJobRecord | undefined> {
    return this.transition(jobId, (r) =>
      r.state === 'queued' ? { ...r, state: 'expired', finishedAt: now.toISOString() } : undefined,
    );
  }

  /**
   * Calls `listener` when a job reaches a final state through this instance. Other instances'
   * changes are only seen by reading the store. Returns a function that unsubscribes.
   */
  onFinal(jobId: string, listener: (record: RelayJobRecord) => void): () => void {
    this.events.on(jobId, listener);
    return () => this.events.off(jobId, listener);
  }

  /** Applies `decide` to the stored job with eTag-conditional writes; undefined when nothing changed. */
  private async transition(
    jobId: string,
    decide: (record: RelayJobRecord) => RelayJobRecord | undefined,
  ): Promise<RelayJobRecord | undefined> {
    const next = await updateItem<RelayJobRecord>(this.store, JOB_KEY(jobId), (r) =>
      r ? decide(r) : undefined,
    );
    if (next && FINAL_JOB_STATES.includes(next.state)) {
      await this.forget(jobId);
      this.events.emit(jobId, next);
    }
    return next;
  }

  /** Open jobs, oldest first, dropping from the list any that are final or gone. */
  private async openJobs(relayId?: string): Promise<OpenJobs['jobs']> {
    const open = (await this.store.read<OpenJobs>(OPEN_KEY))?.value.jobs ?? [];
    const stale: string[] = [];
    const live: OpenJobs['jobs'] = [];
    for (const entry of open) {
      if (relayId && entry.relayId !== relayId) continue;
      const record = await this.get(entry.id);
      if (!record || FINAL_JOB_STATES.includes(record.state)) stale.push(entry.id);
      else live.push(entry);
    }
    for (const id of stale) await this.forget(id);
    return live;
  }

  private async forget(jobId: string): Promise<void> {
    await updateItem<OpenJobs>(this.store, OPEN_KEY, (open) =>
      open?.jobs.some((j) => j.id === jobId) ? { jobs: open.jobs.filter((j) => j.id !== jobId) } : undefined,
    );
  }
}

function refusalOf(
  record: RelayJobRecord,
  jobId: string,
  result: JobResult,
  relayId: string,
): JobResultRefusedError | undefined {
  if (record.job.relayId !== relayId || result.relayId !== relayId) {
    return new JobResultRefusedError('other-relay', `job ${jobId} belongs to relay "${record.job.relayId}"`);
  }
  if (record.state !== 'running') {
    return new JobResultRefusedError('not-running', `job ${jobId} is ${record.state}, not running`);
  }
  return undefined;
}
