import { DEFAULT_SEARCH_LIMIT } from '../../shared/directory/ad-directory';
import type {
  DirectorySearchResult,
  DirectoryService,
  DirectoryUser,
  LookupAttribute,
  SearchOptions,
} from '../../shared/directory/ad-directory';
import { isWithin, parseDn } from '../../shared/directory/distinguished-name';
import { guidToBytes } from '../../shared/directory/immutable-id';
import { guidBytesOf } from '../../shared/directory/lookup-value';
import { TopMatches } from '../../shared/directory/search-ranking';
import { normalizeSearchText } from '../../shared/directory/search-text';
import { sourceAnchorOf } from '../../shared/directory/source-anchor';
import type { SourceAnchorSetting } from '../../shared/directory/source-anchor';

/** A demo AD user before the source anchor setting is applied. */
export type DemoDirectoryRecord = Omit<DirectoryUser, 'sourceAnchor'>;

/**
 * The on-prem directory of the demo tenant, held in memory. It matches the way AD's ambiguous
 * name resolution does in spirit (prefix of names, logins and addresses) and shares the input
 * rules and ranking of the LDAP directory, so the demo behaves like a real domain without one.
 * With sync OUs, a user's sync scope follows its DN as the LDAP directory's does (LDAP_SYNC_OUS),
 * so moving a user to another OU (move()) takes it in or out of scope.
 */
export class DemoDirectory implements DirectoryService {
  private readonly users: DirectoryUser[];
  private readonly listeners = new Set<() => void>();

  /**
   * @param syncOus The OUs Entra Connect syncs (LDAP_SYNC_OUS semantics; empty: every OU). Absent,
   *   each record's `inSyncScope` stands as written and a move keeps it.
   */
  constructor(
    records: readonly DemoDirectoryRecord[],
    sourceAnchor: SourceAnchorSetting = 'auto',
    readonly syncOus?: readonly string[],
  ) {
    this.users = records.map((r) => ({
      ...r,
      inSyncScope: this.inScope(r.dn, r.inSyncScope),
      sourceAnchor: sourceAnchorOf(r, sourceAnchor),
    }));
  }

  /** Every user of the demo directory, for the demo's simulated sync. */
  all(): DirectoryUser[] {
    return this.users.map((u) => ({ ...u }));
  }

  /**
   * Moves the user with this login (sAMAccountName, any case) into `ou`, as an admin does in
   * Active Directory Users and Computers: same RDN, new parent; the sync scope follows the new DN.
   * Listeners (the demo's AD view writer) hear of it before this returns.
   * @returns the user as it is now.
   * @throws Error when no user has this login, or `ou` is not a DN in the user's domain.
   */
  move(login: string, ou: string): DirectoryUser {
    const user = this.users.find((u) => u.sAMAccountName.toLowerCase() === login.trim().toLowerCase());
    if (!user) throw new Error(`No AD account "${login}" in the demo AD.`);
    const parent = ou.trim();
    const domain = domainOf(user.dn);
    let rdns: string[];
    try {
      rdns = parseDn(parent);
    } catch {
      rdns = [];
    }
    if (rdns.length === 0 || !isWithin(parent, domain) || parseDn(domain).length === rdns.length) {
      throw new Error(`"${ou}" is not an OU of ${domain}: give its DN, e.g. OU=Unsynced,${domain}.`);
    }
    user.dn = `${firstRdnOf(user.dn)},${parent}`;
    user.inSyncScope = this.inScope(user.dn, user.inSyncScope);
    user.whenChanged = new Date().toISOString();
    for (const listener of this.listeners) listener();
    return { ...user };
  }

  /** Calls `listener` after each change of the directory; returns how to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async search(text: string, options: SearchOptions = {}): Promise<DirectorySearchResult> {
    const needle = normalizeSearchText(text).toLowerCase();
    return this.collect(
      (u) => searchKeys(u).some((k) => k.toLowerCase().startsWith(needle)),
      needle,
      options,
    );
  }

  async find(
    by: LookupAttribute,
    value: string,
    options: SearchOptions = {},
  ): Promise<DirectorySearchResult> {
    const needle = value.trim();
    if (by === 'objectGuid' || by === 'sourceAnchor') {
      const bytes = guidBytesOf(by, needle);
      const same = (g?: string) => g !== undefined && guidToBytes(g).equals(bytes);
      return this.collect(
        (u) => same(u.objectGuid) || (by === 'sourceAnchor' && same(u.consistencyGuid)),
        needle,
        options,
      );
    }
    const text = normalizeSearchText(needle).toLowerCase();
    return this.collect((u) => u[by]?.toLowerCase() === text, text, options);
  }

  /** The OUs the demo's users sit in (with their parent OUs) and the sync OUs, as AD would list them. */
  async listOus(): Promise<string[]> {
    const ous = new Set<string>(this.syncOus ?? []);
    for (const user of this.users) {
      let dn = parentDnOf(user.dn);
      while (/^OU=/i.test(dn)) {
        ous.add(dn);
        dn = parentDnOf(dn);
      }
    }
    return [...ous].sort();
  }

  async ping(): Promise<void> {}

  describe(): string {
    return `in-memory demo directory (${this.users.length} users)`;
  }

  /** Scope as the LDAP directory computes it from LDAP_SYNC_OUS, or as written without sync OUs. */
  private inScope(dn: string, asWritten: boolean): boolean {
    if (!this.syncOus) return asWritten;
    return this.syncOus.length === 0 || this.syncOus.some((ou) => isWithin(dn, ou));
  }

  private collect(
    predicate: (user: DirectoryUser) => boolean,
    needle: string,
    options: SearchOptions,
  ): DirectorySearchResult {
    const top = new TopMatches<DirectoryUser>(options.limit ?? DEFAULT_SEARCH_LIMIT, needle, (u) => [
      u.sAMAccountName,
      u.userPrincipalName,
      u.mail,
      u.displayName,
    ]);
    this.users.filter(predicate).forEach((u) => top.add(u));
    return { users: top.items, more: top.more };
  }
}

/** `DC=corp,DC=contoso,DC=com` for a DN in that domain: its trailing DC= RDNs, as written. */
function domainOf(dn: string): string {
  return /(?:^|,)\s*(DC=.*)$/i.exec(dn)?.[1] ?? '';
}

/** The DN without its first RDN. */
function parentDnOf(dn: string): string {
  const first = firstRdnOf(dn);
  return dn.slice(first.length).replace(/^\s*,\s*/, '');
}

/** The first RDN of a DN as written (`CN=Anna Peters`), up to the first unescaped comma. */
function firstRdnOf(dn: string): string {
  const end = /(?<!\\)(?:\\\\)*,/.exec(dn);
  return end ? dn.slice(0, end.index + end[0].length - 1) : dn;
}

function searchKeys(user: DirectoryUser): string[] {
  const keys = [
    user.sAMAccountName,
    user.userPrincipalName,
    user.mail,
    user.displayName,
    user.givenName,
    user.surname,
    ...user.proxyAddresses.map((p) => p.replace(/^smtp:/i, '')),
  ];
  return keys.filter((k): k is string => k !== undefined);
}
