import type { UserRecord } from './model';

/** The users as the advanced-query index held them at one moment. */
interface Snapshot {
  at: number;
  users: Map<string, UserRecord>;
  deletedUsers: Map<string, UserRecord>;
}

/** What the index copies: the live users and the recycle bin. */
export interface IndexedPools {
  users: Map<string, UserRecord>;
  deletedUsers: Map<string, UserRecord>;
}

const copy = (pool: Map<string, UserRecord>) =>
  new Map([...pool].map(([id, u]) => [id, { ...u, proxyAddresses: [...u.proxyAddresses] }]));

/**
 * The index behind Graph's advanced queries (`ConsistencyLevel: eventual`), which "might not be
 * up-to-date with recent changes" (Graph's words). With a lag set, advanced queries see the users
 * as they were `lagMs` ago; reads by id and default queries always see the live state. Snapshots
 * are recorded as requests arrive, so any change (a PATCH, a sync cycle, a test editing the state)
 * shows in the index `lagMs` after the first request that follows it.
 */
export class AdvancedQueryIndex {
  private lagMs = 0;
  private snapshots: Snapshot[] = [];

  constructor(
    private readonly pools: IndexedPools,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The current lag in milliseconds (0: the index is always current). */
  get lag(): number {
    return this.lagMs;
  }

  /** Sets the lag; the index starts from the state as it is now. */
  setLag(ms: number): void {
    this.lagMs = ms;
    this.snapshots = [];
    this.record();
  }

  /** Records the state as it is now (a no-op without a lag). */
  record(): void {
    if (this.lagMs <= 0) return;
    const now = this.clock();
    this.snapshots.push({
      at: now,
      users: copy(this.pools.users),
      deletedUsers: copy(this.pools.deletedUsers),
    });
    // Keep what a query may still see: everything younger than the lag, and the newest older one.
    const cutoff = now - this.lagMs;
    const older = this.snapshots.filter((s) => s.at <= cutoff);
    if (older.length > 1) this.snapshots = this.snapshots.slice(older.length - 1);
  }

  /** The users an advanced query sees. */
  users(): Iterable<UserRecord> {
    return (this.view()?.users ?? this.pools.users).values();
  }

  /** The recycle bin as an advanced query sees it. */
  deletedUsers(): Iterable<UserRecord> {
    return (this.view()?.deletedUsers ?? this.pools.deletedUsers).values();
  }

  private view(): Snapshot | undefined {
    if (this.lagMs <= 0 || this.snapshots.length === 0) return undefined;
    const cutoff = this.clock() - this.lagMs;
    const visible = this.snapshots.filter((s) => s.at <= cutoff);
    return visible[visible.length - 1] ?? this.snapshots[0];
  }
}
