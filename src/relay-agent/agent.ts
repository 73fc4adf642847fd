import type { Logger } from 'pino';
import type {
  JobResult,
  PollRequest,
  RelayJob,
  RelayOperation,
  SchedulerState,
} from '../shared/relay-protocol/messages';
import type { AcceptedJob, PollAnswer, PollOptions, RefusedJob } from './bot-client';
import type { EventOutbox } from './event-outbox';
import type { OperationOutcome } from './operations';
import type { SerialQueue } from '../shared/serial-queue';
import { PollMode } from './poll-mode';
import type { PollModeName } from './poll-mode';
import { BotRefusedError, BotUnreachableError } from './signed-http';
import { UNKNOWN_STATE } from './sync-server-state';
import { DirectoryReads } from './directory-reads';
import type { DirectoryReadOutcome } from './directory-reads';
import { isDirectoryOperation } from '../shared/relay-protocol/directory-jobs';
import type { DirectoryOperation, DirectoryParams } from '../shared/relay-protocol/directory-jobs';
import type { SyncServerState } from './sync-server-state';

/** What the agent needs from the bot client (a fake in unit tests). */
export interface AgentBotClient {
  poll(request: PollRequest, options?: PollOptions): Promise<PollAnswer>;
  check(received: unknown, now?: number): AcceptedJob | RefusedJob;
  sendResult(result: JobResult): Promise<void>;
  sendEvent(event: Parameters<EventOutbox['add']>[0]): Promise<void>;
}

/** What the agent needs from the sync server. */
export interface AgentOperations {
  run(operation: RelayOperation): Promise<OperationOutcome>;
  stateOrUnknown(): Promise<SyncServerState>;
}

/** What the agent needs for directory jobs (issue 19). */
export interface AgentDirectory {
  describe(): string | null;
  run(operation: DirectoryOperation, params: DirectoryParams | undefined): Promise<DirectoryReadOutcome>;
}

/** What the agent needs from the pause lease. */
export interface AgentLease {
  readonly expiresAt: string | null;
  take(jobId: string | null): Promise<unknown>;
  release(): Promise<void>;
  /** A resume did not take: keep the lease and keep trying by itself. */
  owe(jobId: string | null): Promise<void>;
}

/** Options and collaborators of {@link RelayAgent}. */
export interface RelayAgentOptions {
  relayId: string;
  version: string;
  pollIntervalMs: number;
  /**
   * RELAY_LONG_POLL_SECONDS: how long the bot may hold each poll until a job comes; 0 polls every
   * `pollIntervalMs` instead. With an older bot that does not hold polls, the relay keeps that pace.
   */
  longPollSeconds?: number;
  /** Long polls cut in a row (by a proxy) before the relay polls short for `cutFallbackMs`. */
  cutsBeforeFallback?: number;
  cutFallbackMs?: number;
  /** Longest wait between two polls while the bot is unreachable. */
  maxBackoffMs?: number;
  /** How often the sync server's state is read for the heartbeat (also after every job). */
  statusRefreshMs?: number;
  client: AgentBotClient;
  runner: { start(): Promise<void>; readonly ready: boolean; readonly problem: string | null };
  operations: AgentOperations;
  /** AD reads for the bot; without it every directory job fails saying the relay has no LDAP settings. */
  directory?: AgentDirectory;
  /** Directory reads run at once, beside a sync-server job; at most this many (default 4). */
  maxParallelReads?: number;
  lease: AgentLease;
  outbox: EventOutbox;
  serial: SerialQueue;
  logger: Logger;
  /** 0 ≤ random() < 1, for the backoff jitter. */
  random?: () => number;
}

/** How many finished jobs are remembered, so a job delivered twice is not run twice. */
const REMEMBERED_JOBS = 50;

/**
 * A long poll that fails after at least this long in flight was cut on its way (a proxy closing a
 * silent request); one that fails sooner met a bot that is down, and backs off as any error does.
 */
const MIN_CUT_MS = 1000;

/**
 * The relay's loop: poll the bot with the heartbeat every poll interval, run one sync-server job at
 * a time (and up to four directory reads beside it), report each result, and back off
 * (exponentially, with jitter) while the bot is unreachable.
 */
export class RelayAgent {
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private failures = 0;
  private state: SyncServerState = UNKNOWN_STATE;
  private stateReadAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  /** The sync server's state was read at least once (not the start-up "unknown"). */
  private stateKnown = false;
  /** The last poll would have been long but went short because the sync server was not read yet. */
  private shortForState = false;
  private pendingResults: JobResult[] = [];
  /** Directory reads in flight: they do not wait for PowerShell, nor it for them. */
  private readonly reads = new Set<Promise<void>>();
  /**
   * Sync-server jobs in hand. One may run for minutes (a delta while Entra is busy, a service
   * restart): meanwhile the relay keeps polling, saying it is busy, so the bot hands it directory
   * reads only and its heartbeat goes on.
   */
  private readonly syncJobs = new Set<Promise<void>>();
  /** Ids of the jobs running now, so a job delivered again meanwhile is not started twice. */
  private readonly inHand = new Set<string>();
  /** The held poll was ended on purpose (a sync-server job finished): not a cut; poll again at once. */
  private repoll = false;
  private readonly finished = new Map<string, JobResult>();
  private readonly random: () => number;
  private readonly pollMode: PollMode;
  /** Aborts the poll in flight when the relay stops (a held poll may otherwise last its whole wait). */
  private polling: AbortController | null = null;

  constructor(private readonly options: RelayAgentOptions) {
    this.random = options.random ?? Math.random;
    this.pollMode = new PollMode({
      longPollSeconds: options.longPollSeconds ?? 0,
      cutsBeforeFallback: options.cutsBeforeFallback,
      fallbackMs: options.cutFallbackMs,
      logger: options.logger,
    });
  }

  /** How the relay polls now: long, short by setting, or short after repeated cuts. */
  get mode(): PollModeName {
    return this.pollMode.mode();
  }

  /** Starts polling. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the job in hand (if any) was reported or queued. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.polling?.abort();
    await this.loop;
    await Promise.all([...this.reads, ...this.syncJobs]);
    await this.refreshing;
  }

  /** Makes the next heartbeat read the sync server's state afresh (e.g. after the lease resumed). */
  refreshSoon(): void {
    this.stateReadAt = -Infinity;
  }

  /** The heartbeat sent with every poll. */
  heartbeat(): PollRequest {
    const { runner } = this.options;
    return {
      relayId: this.options.relayId,
      version: this.options.version,
      ready: runner.ready,
      problem: runner.problem,
      scheduler: this.schedulerState(this.state),
      directory: this.options.directory?.describe() ?? null,
      ...(this.syncJobs.size > 0 ? { busy: true } : {}),
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const delay = await this.cycle();
      if (!this.stopping) await this.sleep(delay);
    }
  }

  /** One poll; returns how long to wait before the next. */
  private async cycle(): Promise<number> {
    try {
      this.refreshState();
      await this.flush();
      const answer = await this.pollOnce();
      if (answer === 'cut') return 0;
      this.reachable();
      if (answer.job === null || answer.job === undefined) {
        // A poll the bot held ran its wait: poll again at once. An older bot answers at once, and a
        // bot shutting down lets held polls go: keep the poll interval's pace then.
        if (answer.held) return 0;
        // A poll kept short for want of a first reading: poll long as soon as there is one.
        if (this.shortForState) return this.stateKnown ? 0 : Math.min(this.options.pollIntervalMs, 1000);
        return this.options.pollIntervalMs;
      }
      await this.handle(answer.job);
      return 0; // another job may be waiting
    } catch (err) {
      if (this.stopping) return 0;
      return this.unreachable(err);
    }
  }

  /**
   * Polls, long or short as {@link PollMode} says. A long poll cut on its way is reported as
   * `'cut'` (an empty poll: no error, no backoff).
   * @throws what the poll threw otherwise.
   */
  private async pollOnce(): Promise<PollAnswer | 'cut'> {
    // Until the sync server was read once, the heartbeat says "unknown": poll short, so the bot
    // gets the first reading within a poll interval instead of after a held poll's whole wait.
    const wanted = this.pollMode.waitSeconds();
    this.shortForState = wanted > 0 && !this.stateKnown;
    const waitSeconds = this.shortForState ? 0 : wanted;
    const started = Date.now();
    this.repoll = false;
    this.polling = new AbortController();
    try {
      const answer = await this.options.client.poll(this.heartbeat(), {
        waitSeconds,
        signal: this.polling.signal,
      });
      if (waitSeconds > 0) this.pollMode.answered(Date.now() - started);
      return answer;
    } catch (err) {
      if (this.repoll && !this.stopping) return { job: null, held: true };
      const heldMs = Date.now() - started;
      if (waitSeconds > 0 && !this.stopping && err instanceof BotUnreachableError && heldMs >= MIN_CUT_MS) {
        this.pollMode.cut(heldMs, err.message);
        return 'cut';
      }
      throw err;
    } finally {
      this.polling = null;
    }
  }

  /**
   * Reads the sync server's state for the heartbeat, in the background: a slow or hung cmdlet
   * (up to three operation timeouts) must not hold up the poll that says the relay is alive.
   */
  private refreshState(): void {
    const every = this.options.statusRefreshMs ?? 30_000;
    if (this.refreshing || Date.now() - this.stateReadAt < every) return;
    this.stateReadAt = Date.now();
    this.refreshing = this.options.serial
      .run(async () => {
        if (!this.options.runner.ready) await this.options.runner.start();
        return this.options.runner.ready ? this.options.operations.stateOrUnknown() : UNKNOWN_STATE;
      })
      .then(
        (state) => {
          this.state = state;
          this.stateKnown = true;
        },
        (err: unknown) => this.options.logger.warn({ err }, 'reading the sync server state failed'),
      )
      .finally(() => (this.refreshing = null));
  }

  /** Sends results and events that could not be sent before. */
  private async flush(): Promise<void> {
    while (this.pendingResults.length > 0) {
      await this.deliver(this.pendingResults[0]);
      this.pendingResults.shift();
    }
    await this.options.outbox.drain((event) => this.deliver(event));
  }

  private async handle(received: unknown): Promise<void> {
    const checked = this.options.client.check(received);
    if (!checked.accepted) return this.refuse(checked);
    const { job } = checked;
    const earlier = this.finished.get(job.id);
    if (earlier) {
      this.options.logger.warn({ jobId: job.id }, 'the job was delivered again; its result is sent again');
      return this.report(earlier);
    }
    if (this.inHand.has(job.id)) {
      this.options.logger.warn({ jobId: job.id }, 'the job was delivered again while it runs; ignored');
      return;
    }
    if (!isDirectoryOperation(job.operation)) return this.startSyncJob(job);
    // A directory read answers a waiting admin: it starts now, beside a delta that may run minutes,
    // and the relay polls again at once for the next one, up to the bound.
    const read = this.runJob(job)
      .catch((err: unknown) =>
        this.options.logger.warn({ err, jobId: job.id }, 'a directory result was not sent yet'),
      )
      .finally(() => this.reads.delete(read));
    this.reads.add(read);
    if (this.reads.size >= (this.options.maxParallelReads ?? 4)) await Promise.race(this.reads);
  }

  /**
   * Starts a sync-server job without waiting for it: the serial queue runs these one at a time,
   * and the bot hands out no other while the relay says it is busy.
   */
  private startSyncJob(job: RelayJob): void {
    const run = this.runJob(job)
      .catch((err: unknown) =>
        this.options.logger.warn({ err, jobId: job.id }, 'a sync-server result was not sent yet'),
      )
      .finally(() => {
        this.syncJobs.delete(run);
        // The poll in flight said "busy" and may be held for its whole wait: end it, so the next
        // sync-server job of a link is handed out at once.
        if (this.syncJobs.size === 0 && this.polling) {
          this.repoll = true;
          this.polling.abort();
        }
      });
    this.syncJobs.add(run);
  }

  /** Runs one job and reports its result. */
  private async runJob(job: RelayJob): Promise<void> {
    this.inHand.add(job.id);
    try {
      await this.runAndReport(job);
    } finally {
      this.inHand.delete(job.id);
    }
  }

  private async runAndReport(job: RelayJob): Promise<void> {
    this.options.logger.info(
      { jobId: job.id, operation: job.operation, requestId: job.requestId },
      'job started',
    );
    const startedAt = new Date().toISOString();
    const outcome = isDirectoryOperation(job.operation)
      ? await this.readDirectory(job.operation, job.params)
      : await this.options.serial.run(() => this.execute(job));
    const result: JobResult = {
      jobId: job.id,
      relayId: this.options.relayId,
      outcome: outcome.outcome,
      message: outcome.message,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      scheduler: this.schedulerState(outcome.state),
      ...(outcome.syncHealth ? { syncHealth: outcome.syncHealth } : {}),
      ...(outcome.directory ? { directory: outcome.directory } : {}),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    this.remember(result);
    const level = outcome.outcome === 'done' ? 'info' : 'warn';
    this.options.logger[level](
      { jobId: job.id, operation: job.operation, outcome: outcome.outcome },
      `job ${outcome.outcome}: ${outcome.message}`,
    );
    await this.report(result);
  }

  /** A directory job, with the sync server's state as last read (a read does not touch it). */
  private async readDirectory(
    operation: DirectoryOperation,
    params: DirectoryParams | undefined,
  ): Promise<OperationOutcome> {
    const read = this.options.directory
      ? await this.options.directory.run(operation, params)
      : await new DirectoryReads(null, this.options.relayId).run(operation, params);
    return { ...read, state: this.state, changeSent: false };
  }

  /** Runs the operation and keeps the lease in step with the scheduler as read back. */
  private async execute(job: RelayJob): Promise<OperationOutcome> {
    const outcome = await this.options.operations.run(job.operation);
    const { lease } = this.options;
    const enabled = outcome.state.syncCycleEnabled;
    if (job.operation === 'pause') {
      // A pause that took, or may have taken (sent, then unreadable), is owed a resume; one read
      // back as enabled, refused, or never sent is not: the relay holds no lease for it.
      const mayBePaused = outcome.outcome === 'done' || (outcome.changeSent && enabled !== true);
      if (mayBePaused) await lease.take(job.id);
    }
    if (job.operation === 'resume') {
      // Only a resume read back as enabled ends the lease; otherwise the relay keeps trying.
      if (outcome.outcome === 'done' && enabled === true) await lease.release();
      else await lease.owe(job.id);
    }
    if (outcome.state.syncCycleEnabled !== null) {
      this.state = outcome.state;
      this.stateReadAt = Date.now();
    }
    return outcome;
  }

  private async refuse(refused: RefusedJob): Promise<void> {
    const { logger, outbox, relayId } = this.options;
    logger.warn(
      { jobId: refused.jobId, operation: refused.operation, reason: refused.reason },
      'job refused',
    );
    const what = `job ${refused.jobId ?? '(no id)'}${refused.operation ? ` (${refused.operation})` : ''}`;
    await outbox.add({
      relayId,
      kind: 'refused-job',
      at: new Date().toISOString(),
      message: `${what} refused: ${refused.reason}`.slice(0, 500),
    });
    if (!refused.reportAsResult || !refused.jobId) return;
    const now = new Date().toISOString();
    await this.report({
      jobId: refused.jobId,
      relayId,
      outcome: 'refused',
      message: refused.reason,
      reason: refused.failure,
      scheduler: this.schedulerState(this.state),
      startedAt: now,
      finishedAt: now,
    });
  }

  /** Sends a result now, or keeps it for the next poll when the bot cannot be reached. */
  private async report(result: JobResult): Promise<void> {
    try {
      await this.deliver(result);
    } catch (err) {
      this.pendingResults.push(result);
      throw err;
    }
  }

  /**
   * Sends a result or an event. A 4xx other than 401 means the bot will never take it (an expired
   * or unknown job): it is logged and dropped instead of blocking everything behind it.
   */
  private async deliver(item: JobResult | Parameters<EventOutbox['add']>[0]): Promise<void> {
    try {
      if ('jobId' in item) await this.options.client.sendResult(item);
      else await this.options.client.sendEvent(item);
    } catch (err) {
      if (err instanceof BotRefusedError && err.status !== 401) {
        this.options.logger.warn({ status: err.status, item }, 'the bot refused a report; it is dropped');
        return;
      }
      throw err;
    }
  }

  private remember(result: JobResult): void {
    this.finished.set(result.jobId, result);
    if (this.finished.size > REMEMBERED_JOBS) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }

  private reachable(): void {
    if (this.failures > 0) {
      this.options.logger.info({ failures: this.failures }, 'the bot is reachable again');
    }
    this.failures = 0;
  }

  /** Exponential backoff with jitter: half the cap plus a random part of the other half. */
  private unreachable(err: unknown): number {
    this.failures++;
    const cap = Math.min(
      this.options.maxBackoffMs ?? 60_000,
      this.options.pollIntervalMs * 2 ** Math.min(this.failures, 20),
    );
    const delay = Math.round(cap / 2 + (this.random() * cap) / 2);
    const message = err instanceof Error ? err.message : String(err);
    const hint =
      err instanceof BotRefusedError && err.status === 401
        ? 'the bot refused the relay signature: check that RELAY_KEYS on the bot holds this relay public key'
        : undefined;
    this.options.logger.warn({ failures: this.failures, retryInMs: delay, hint }, `poll failed: ${message}`);
    return delay;
  }

  private schedulerState(state: SyncServerState): SchedulerState {
    return { ...state, pauseLeaseExpiresAt: this.options.lease.expiresAt };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
