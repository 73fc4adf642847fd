import type { Logger } from '../../shared/logger';
import type { GroupDirectory } from '../entra/teams-apps';

/** Settings of {@link AdminRoster}. */
export interface AdminRosterOptions {
  /** The admins named by object id (ANCHOR_ADMIN_IDS); always admins. */
  adminObjectIds: readonly string[];
  /** The Entra group whose users are admins too (ANCHOR_ADMIN_GROUP_ID). */
  groupId?: string;
  groups?: GroupDirectory;
  /** How long a read of the group is trusted. */
  cacheMs?: number;
  /** How long after a failed read the group is asked again (meanwhile only the listed ids count). */
  retryMs?: number;
  logger: Logger;
  now?: () => number;
}

/** An admin as the roster knows them; the name when Graph gave one. */
export interface RosterAdmin {
  id: string;
  name?: string;
}

/** A group read is trusted this long: a member removed in Entra loses access within a minute. */
const DEFAULT_CACHE_MS = 60_000;
/** After a failed read, Graph is asked again this soon, not on every message. */
const DEFAULT_RETRY_MS = 10_000;

/**
 * Who the admins are: the listed object ids, plus the users of the admin group (nested groups
 * included), read through Graph and cached briefly. Fails closed: while the group cannot be read,
 * nobody beyond the listed ids is an admin, and the log says so each time a read fails.
 */
export class AdminRoster {
  private readonly listed: ReadonlySet<string>;
  private members: RosterAdmin[] = [];
  private validUntil = 0;
  private reading?: Promise<void>;

  constructor(private readonly options: AdminRosterOptions) {
    this.listed = new Set(options.adminObjectIds.map((id) => id.toLowerCase()));
  }

  /** True when the id is listed or was in the group at the last good read (call {@link refresh} first). */
  has(aadObjectId: string): boolean {
    const id = aadObjectId.toLowerCase();
    return this.listed.has(id) || this.members.some((m) => m.id === id);
  }

  /** Reads the group again when the last read is older than the cache allows; never throws. */
  async refresh(): Promise<void> {
    const { groupId, groups } = this.options;
    if (!groupId || !groups || this.now() < this.validUntil) return;
    this.reading ??= this.read(groupId, groups).finally(() => (this.reading = undefined));
    await this.reading;
  }

  /** Every admin, listed ones first, each once; refreshed first. */
  async admins(): Promise<RosterAdmin[]> {
    await this.refresh();
    const all: RosterAdmin[] = [...this.listed].map((id) => ({
      id,
      name: this.members.find((m) => m.id === id)?.name,
    }));
    for (const m of this.members) if (!this.listed.has(m.id)) all.push(m);
    return all;
  }

  private async read(groupId: string, groups: GroupDirectory): Promise<void> {
    try {
      const users = await groups.transitiveUsers(groupId);
      this.members = users.map((u) => ({ id: u.id.toLowerCase(), name: u.displayName ?? undefined }));
      this.validUntil = this.now() + (this.options.cacheMs ?? DEFAULT_CACHE_MS);
    } catch (err) {
      // Fail closed: a group that cannot be read grants nobody; the listed ids still work.
      this.members = [];
      this.validUntil = this.now() + (this.options.retryMs ?? DEFAULT_RETRY_MS);
      this.options.logger.error(
        { err, groupId },
        'the admin group (ANCHOR_ADMIN_GROUP_ID) could not be read: only ANCHOR_ADMIN_IDS are admins until it can',
      );
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
