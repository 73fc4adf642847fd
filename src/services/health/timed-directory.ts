import type {
  DirectorySearchResult,
  DirectoryService,
  LookupAttribute,
  SearchOptions,
} from '../../shared/directory/ad-directory';

/** Where AD reads run: the relay on the sync server, a DC the bot reaches itself, or the demo's memory. */
export type DirectoryPlacement = 'relay' | 'ldap' | 'memory';

/** How long recent directory reads took, as `status` and `/healthz` show it. */
export interface DirectoryLatency {
  /** How many reads the figures cover (the most recent, up to {@link RECENT_READS}). */
  reads: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** How many of the latest reads the latency covers. */
export const RECENT_READS = 100;

/**
 * A directory that remembers how long its latest reads took (answered or failed: an admin waits
 * either way), so health reports can say how fast AD answers from where it is read.
 */
export class TimedDirectory implements DirectoryService {
  private readonly durations: number[] = [];

  constructor(
    private readonly inner: DirectoryService,
    readonly placement: DirectoryPlacement,
    private readonly now: () => number = () => performance.now(),
  ) {}

  search(text: string, options?: SearchOptions): Promise<DirectorySearchResult> {
    return this.timed(() => this.inner.search(text, options));
  }

  find(by: LookupAttribute, value: string, options?: SearchOptions): Promise<DirectorySearchResult> {
    return this.timed(() => this.inner.find(by, value, options));
  }

  listOus(): Promise<string[]> {
    return this.timed(() => this.inner.listOus());
  }

  ping(): Promise<void> {
    return this.timed(() => this.inner.ping());
  }

  describe(): string {
    return this.inner.describe();
  }

  /** How long the latest read took, or null before the first. */
  lastMs(): number | null {
    return this.durations.at(-1) ?? null;
  }

  /** The latest reads' latency, or null before the first read. */
  latency(): DirectoryLatency | null {
    if (this.durations.length === 0) return null;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    return { reads: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1] };
  }

  private async timed<T>(read: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      return await read();
    } finally {
      this.durations.push(Math.round(this.now() - started));
      if (this.durations.length > RECENT_READS) this.durations.shift();
    }
  }
}
