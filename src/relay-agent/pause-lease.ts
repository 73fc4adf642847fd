import type { Logger } from 'pino';
import type { RelayEvent } from '../shared/relay-protocol/messages';
import type { LeaseRecord, RelayStateStore } from './state-file';
import { formatTime } from '../shared/time-text';

/** Options of {@link PauseLease}. */
export interface PauseLeaseOptions {
  relayId: string;
  leaseMs: number;
  state: RelayStateStore;
  /**
   * Resumes the scheduler and reads it back; throws unless it reads back enabled. It runs in the
   * relay's one-at-a-time queue and must first ask `stillOwed()`: a pause that came in while it
   * waited there belongs to a new lease, and is not to be undone (it then returns without resuming).
   */
  resume: (stillOwed: () => boolean) => Promise<void>;
  logger: Logger;
  /** Wait before trying again while a resume the relay owes has not taken (PowerShell down, cmdlet error, read back paused). */
  retryMs?: number;
  now?: () => number;
}

/**
 * The promise that a scheduler paused by Anchor is resumed. Each pause takes a lease, stored in
 * the state file; only a resume read back as enabled releases it. If the lease runs out first, or
 * a resume Anchor asked for did not take, the relay resumes the scheduler by itself, tries again
 * every `retryMs` until it reads back enabled, and queues a `lease-resumed` event in the state
 * file's outbox. The lease survives a relay restart: an expired or owed one is honoured at
 * start-up, a live one re-arms its timer.
 */
export class PauseLease {
  private timer: NodeJS.Timeout | null = null;
  private current: LeaseRecord | null = null;
  private stopped = false;
  private attempts = 0;
  private expiring: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly retryMs: number;

  constructor(private readonly options: PauseLeaseOptions) {
    this.now = options.now ?? Date.now;
    this.retryMs = options.retryMs ?? 30_000;
  }

  /** When the lease runs out (ISO; in the past while a resume is owed), or null when Anchor holds no pause. */
  get expiresAt(): string | null {
    return this.current?.expiresAt ?? null;
  }

  /** Reads the stored lease and arms its timer (at once if it already ran out). */
  async load(): Promise<void> {
    this.current = (await this.options.state.read()).lease;
    if (this.current) {
      this.options.logger.warn(
        { expiresAt: this.current.expiresAt, jobId: this.current.jobId },
        'a pause lease was found at start-up; it will be honoured',
      );
      this.arm();
    }
  }

  /** Takes (or renews) the lease after a pause that took, or may have taken. */
  async take(jobId: string | null): Promise<LeaseRecord> {
    const now = this.now();
    const lease = {
      pausedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.leaseMs).toISOString(),
      jobId,
    };
    await this.options.state.update((d) => void (d.lease = lease));
    this.current = lease;
    this.attempts = 0;
    this.arm();
    return lease;
  }

  /** Releases the lease after a resume read back as enabled. */
  async release(): Promise<void> {
    this.disarm();
    this.current = null;
    await this.options.state.update((d) => void (d.lease = null));
  }

  /**
   * A resume Anchor asked for did not take (or could not be confirmed): the relay keeps its lease
   * (or takes one, when it held none), marks it run out, and tries again by itself every
   * `retryMs` until a resume reads back enabled.
   */
  async owe(jobId: string | null): Promise<void> {
    const now = new Date(this.now()).toISOString();
    const held = this.current;
    const lease: LeaseRecord = held
      ? {
          ...held,
          expiresAt: held.expiresAt < now ? held.expiresAt : now,
          resumeOwedSince: held.resumeOwedSince ?? now,
        }
      : // Anchor's pause is unknown here (the lease was released, or never taken): paused as of now.
        { pausedAt: now, expiresAt: now, jobId, resumeOwedSince: now };
    await this.options.state.update((d) => void (d.lease = lease));
    this.current = lease;
    this.options.logger.error(
      { jobId, retryMs: this.retryMs },
      `the scheduler did not resume; the relay keeps trying by itself every ${this.retryMs} ms`,
    );
    // The resume that failed just tried; the next attempt waits one interval.
    this.arm(this.retryMs);
  }

  /** Stops the timer on shutdown; the stored lease stays, to be honoured at the next start. */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** Resolves once a resume the lease started by itself has finished (and its event is stored). */
  idle(): Promise<void> {
    return this.expiring;
  }

  private arm(delayMs?: number): void {
    this.disarm();
    if (this.stopped || !this.current) return;
    const wait = delayMs ?? Math.max(0, Date.parse(this.current.expiresAt) - this.now());
    this.timer = setTimeout(() => this.onTimer(), wait);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private onTimer(): void {
    this.expiring = this.expire();
  }

  private async expire(): Promise<void> {
    this.timer = null;
    const lease = this.current;
    if (!lease || this.stopped) return;
    const { logger } = this.options;
    const stillOwed = () => !this.stopped && this.current === lease;
    this.attempts++;
    try {
      await this.options.resume(stillOwed);
    } catch (err) {
      logger.error(
        { err, retryMs: this.retryMs, attempts: this.attempts },
        'the scheduler is still paused and the relay could not resume it; retrying',
      );
      if (stillOwed()) this.arm(this.retryMs);
      return;
    }
    // A pause taken while the resume waited belongs to a new lease: keep that one.
    if (!stillOwed()) return;
    this.current = null;
    const event: RelayEvent = {
      relayId: this.options.relayId,
      kind: 'lease-resumed',
      at: new Date(this.now()).toISOString(),
      message: this.resumedMessage(lease),
    };
    this.attempts = 0;
    await this.options.state.update((d) => {
      d.lease = null;
      d.outbox.push(event);
    });
    logger.warn({ pausedAt: lease.pausedAt, expiresAt: lease.expiresAt }, event.message);
  }

  private resumedMessage(lease: LeaseRecord): string {
    const job = lease.jobId ? ` (job ${lease.jobId})` : '';
    const tries = this.attempts > 1 ? ` after ${this.attempts} attempts` : '';
    if (lease.resumeOwedSince) {
      return (
        `the scheduler stayed paused after a resume at ${formatTime(lease.resumeOwedSince)} did not take${job}; ` +
        `the relay resumed it by itself${tries} and read it back enabled`
      );
    }
    return (
      `the scheduler was paused at ${formatTime(lease.pausedAt)}${job} and not resumed by ${formatTime(lease.expiresAt)}; ` +
      `the relay resumed it${tries}`
    );
  }
}
