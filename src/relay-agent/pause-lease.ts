import type { Logger } from 'pino';
import type { RelayEvent } from '../shared/relay-protocol/messages';
import type { LeaseRecord, RelayStateStore } from './state-file';

/** Options of {@link PauseLease}. */
export interface PauseLeaseOptions {
  relayId: string;
  leaseMs: number;
  state: RelayStateStore;
  /** Resumes the scheduler (Set-ADSyncScheduler -SyncCycleEnabled $true); throws on failure. */
  resume: () => Promise<void>;
  logger: Logger;
  /** Wait before trying again when the resume failed (PowerShell down, cmdlet error). */
  retryMs?: number;
  now?: () => number;
}

/**
 * The promise that a scheduler paused by Anchor is resumed. Each pause takes a lease, stored in
 * the state file; a resume releases it. If the lease runs out first, the relay resumes the
 * scheduler by itself and queues a `lease-resumed` event in
 * the state file's outbox. The lease survives a relay restart: an
 * expired one is honoured at start-up, a live one re-arms its timer.
 */
export class PauseLease {
  private timer: NodeJS.Timeout | null = null;
  private current: LeaseRecord | null = null;
  private stopped = false;
  private expiring: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: PauseLeaseOptions) {
    this.now = options.now ?? Date.now;
  }

  /** When the lease runs out (ISO), or null when Anchor holds no pause. */
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

  /** Takes (or renews) the lease after a successful pause. */
  async take(jobId: string | null): Promise<LeaseRecord> {
    const now = this.now();
    const lease = {
      pausedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.leaseMs).toISOString(),
      jobId,
    };
    await this.options.state.update((d) => void (d.lease = lease));
    this.current = lease;
    this.arm();
    return lease;
  }

  /** Releases the lease after a successful resume. */
  async release(): Promise<void> {
    this.disarm();
    this.current = null;
    await this.options.state.update((d) => void (d.lease = null));
  }

  /** Stops the timer on shutdown; the stored lease stays, to be honoured at the next start. */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    if (this.stopped || !this.current) return;
    const wait = Math.max(0, Date.parse(this.current.expiresAt) - this.now());
    this.timer = setTimeout(() => this.onTimer(), wait);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once a resume the lease started by itself has finished (and its event is stored). */
  idle(): Promise<void> {
    return this.expiring;
  }

  private onTimer(): void {
    this.expiring = this.expire();
  }

  private async expire(): Promise<void> {
    this.timer = null;
    const lease = this.current;
    if (!lease || this.stopped) return;
    const { logger } = this.options;
    try {
      await this.options.resume();
    } catch (err) {
      const retryMs = this.options.retryMs ?? 30_000;
      logger.error(
        { err, retryMs },
        'the pause lease ran out but the scheduler could not be resumed; retrying',
      );
      if (!this.stopped && this.current === lease) this.timer = setTimeout(() => this.onTimer(), retryMs);
      return;
    }
    // A pause taken while the resume ran belongs to a new lease: keep that one.
    if (this.current !== lease) return;
    this.current = null;
    const event: RelayEvent = {
      relayId: this.options.relayId,
      kind: 'lease-resumed',
      at: new Date(this.now()).toISOString(),
      message:
        `the scheduler was paused at ${lease.pausedAt}${lease.jobId ? ` (job ${lease.jobId})` : ''} ` +
        `and not resumed by ${lease.expiresAt}; the relay resumed it`,
    };
    await this.options.state.update((d) => {
      d.lease = null;
      d.outbox.push(event);
    });
    logger.warn({ pausedAt: lease.pausedAt, expiresAt: lease.expiresAt }, event.message);
  }
}
