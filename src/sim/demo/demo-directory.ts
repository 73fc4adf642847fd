import { DEFAULT_SEARCH_LIMIT } from '../../services/ad/ad-directory';
import type {
  DirectorySearchResult,
  DirectoryService,
  DirectoryUser,
  LookupAttribute,
  SearchOptions,
} from '../../services/ad/ad-directory';
import { guidToBytes } from '../../services/ad/immutable-id';
import { guidBytesOf } from '../../services/ad/lookup-value';
import { TopMatches } from '../../services/ad/search-ranking';
import { normalizeSearchText } from '../../services/ad/search-text';
import { sourceAnchorOf } from '../../services/ad/source-anchor';
import type { SourceAnchorSetting } from '../../services/ad/source-anchor';

/** A demo AD user before the source anchor setting is applied. */
export type DemoDirectoryRecord = Omit<DirectoryUser, 'sourceAnchor'>;

/**
 * The on-prem directory of the demo tenant, held in memory. It matches the way AD's ambiguous
 * name resolution does in spirit (prefix of names, logins and addresses) and shares the input
 * rules and ranking of the LDAP directory, so the demo behaves like a real domain without one.
 */
export class DemoDirectory implements DirectoryService {
  private readonly users: DirectoryUser[];

  constructor(records: readonly DemoDirectoryRecord[], sourceAnchor: SourceAnchorSetting = 'auto') {
    this.users = records.map((r) => ({ ...r, sourceAnchor: sourceAnchorOf(r, sourceAnchor) }));
  }

  /** Every user of the demo directory, for the demo's simulated sync. */
  all(): DirectoryUser[] {
    return [...this.users];
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

  async ping(): Promise<void> {}

  describe(): string {
    return `in-memory demo directory (${this.users.length} users)`;
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
