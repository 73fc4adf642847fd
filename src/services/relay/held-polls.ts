import type { RelayJobQueue } from './job-queue';

/** How often a held poll re-reads the store unless told otherwise (see {@link HeldPolls}). */
export const DEFAULT_RECHECK_MS = 1000;

/** What a {@link HeldPolls.hold} came to. */
export interface HoldOutcome<T> {
  /** What `look` found, or null when nothing came. */
  found: T | null;
  /**
   * True when the poll was held as asked (something came, or the wait ran out); false when it was
   * let go early because the bot is shutting down, or the caller went away.
   */
  held: boolean;
}

/**
 * The long polls this instance is holding open. A held poll looks for a job at once, then again
 * the moment this instance queues one for its relay (the queue's in-process notice), and at least
 * every `recheckMs` in between: that re-read is what finds a job queued by another instance
 * sharing the store, which no notice here can announce. {@link release} lets every held poll go
 * (shutdown), and no poll is held after it.
 *
 * A relay has one poll in flight at a time, so a new poll from it means the one held before is
 * dead (its connection was cut somewhere the bot could not see): that one is let go at once, and
 * cannot take a job the relay would never receive.
 */
export class HeldPolls {
  private released = false;
  private readonly wakers = new Set<() => void>();
  /** The newest held poll of each relay: how an older one learns it was superseded. */
  private readonly newest = new Map<string, () => void>();

  constructor(
    private readonly queue: Pick<RelayJobQueue, 'onQueued'>,
    private readonly recheckMs: number = DEFAULT_RECHECK_MS,
  ) {}

  /** True once {@link release} was called: polls are answered at once from then on. */
  get closed(): boolean {
    return this.released;
  }

  /** How many polls are held right now. */
  get size(): number {
    return this.wakers.size;
  }

  /**
   * Calls `look` now and again on every wake until it finds something, `waitMs` pass, the hold is
   * released or `signal` fires (the caller is gone).
   */
  async hold<T>(
    relayId: string,
    waitMs: number,
    look: () => Promise<T | null>,
    signal?: AbortSignal,
  ): Promise<HoldOutcome<T>> {
    const deadline = Date.now() + waitMs;
    let queued: boolean;
    let wake: (() => void) | null = null;
    const waker = () => wake?.();
    // Subscribed before the first look, so a job queued while it reads is not missed until the re-check.
    const unsubscribe = this.queue.onQueued(relayId, () => {
      queued = true;
      waker();
    });
    this.wakers.add(waker);
    signal?.addEventListener('abort', waker);
    const older = this.newest.get(relayId);
    this.newest.set(relayId, waker);
    older?.();
    const letGo = () => this.released || signal?.aborted === true || this.newest.get(relayId) !== waker;
    try {
      for (;;) {
        queued = false;
        const found = await look();
        if (found !== null) return { found, held: true };
        if (letGo()) return { found: null, held: false };
        const left = deadline - Date.now();
        if (left <= 0) return { found: null, held: true };
        if (!queued) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Math.min(left, this.recheckMs));
            function done() {
              clearTimeout(timer);
              resolve();
            }
            wake = done;
          });
          wake = null;
        }
        if (letGo()) return { found: null, held: false };
      }
    } finally {
      unsubscribe();
      this.wakers.delete(waker);
      if (this.newest.get(relayId) === waker) this.newest.delete(relayId);
      signal?.removeEventListener('abort', waker);
    }
  }

  /** Lets every held poll go now and holds no more (the bot is shutting down). */
  release(): void {
    this.released = true;
    for (const wake of this.wakers) wake();
  }
}
