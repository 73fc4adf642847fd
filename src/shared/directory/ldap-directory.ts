import { DEFAULT_SEARCH_LIMIT } from './ad-directory';
import type { Entry, Filter } from 'ldapts';
import type {
  DirectorySearchResult,
  DirectoryService,
  DirectoryUser,
  LookupAttribute,
  SearchOptions,
} from './ad-directory';
import { LdapConnection } from './ldap-connection';
import { freeTextFilter, lookupFilter, organizationalUnitsFilter } from './ldap-filters';
import type { LdapOptions } from './ldap-options';
import { BINARY_ATTRIBUTES, USER_ATTRIBUTES, identityKeys, toDirectoryUser } from './ldap-user';
import type { UserMapping } from './ldap-user';
import { TopMatches } from './search-ranking';
import { normalizeSearchText } from './search-text';

/** The on-prem AD, read over LDAPS or LDAP with StartTLS through ldapts. */
export class LdapDirectory implements DirectoryService {
  private readonly connection: LdapConnection;

  /** @param connection shared with the directory this one was made from (see {@link withMapping}). */
  constructor(
    private readonly options: LdapOptions,
    connection?: LdapConnection,
  ) {
    this.connection = connection ?? new LdapConnection(options);
  }

  /**
   * This directory on the same connection, judging sync scope and source anchor by `mapping`: the
   * relay reads for the bot, whose LDAP_SYNC_OUS and SOURCE_ANCHOR decide.
   */
  withMapping(mapping: UserMapping): LdapDirectory {
    const { syncScopeOus, sourceAnchor } = mapping;
    return new LdapDirectory(
      { ...this.options, syncScopeOus: [...syncScopeOus], sourceAnchor },
      this.connection,
    );
  }

  async search(text: string, options: SearchOptions = {}): Promise<DirectorySearchResult> {
    const needle = normalizeSearchText(text);
    return this.collect(freeTextFilter(needle), options.limit ?? DEFAULT_SEARCH_LIMIT, needle);
  }

  async find(
    by: LookupAttribute,
    value: string,
    options: SearchOptions = {},
  ): Promise<DirectorySearchResult> {
    const needle = by === 'objectGuid' || by === 'sourceAnchor' ? value.trim() : normalizeSearchText(value);
    return this.collect(lookupFilter(by, needle), options.limit ?? DEFAULT_SEARCH_LIMIT, needle);
  }

  async listOus(): Promise<string[]> {
    return this.connection.run(async (client) => {
      const dns: string[] = [];
      // Paged like every search: a large domain has more OUs than one page (MaxPageSize 1000).
      for await (const page of client.searchPaginated(this.options.baseDn, {
        scope: 'sub',
        filter: organizationalUnitsFilter(),
        // '1.1': no attributes, the DN is all it needs.
        attributes: ['1.1'],
        paged: { pageSize: this.options.pageSize },
      })) {
        dns.push(...page.searchEntries.map((entry) => entry.dn));
      }
      return dns;
    });
  }

  async ping(): Promise<void> {
    await this.connection.run((client) =>
      client.search(this.options.baseDn, { scope: 'base', attributes: ['1.1'] }),
    );
  }

  describe(): string {
    const insecure = this.options.tlsInsecure ? ' (INSECURE: certificate not checked)' : '';
    return `${this.options.url}, base ${this.options.baseDn}${insecure}`;
  }

  /** Closes the LDAP connection. */
  close(): Promise<void> {
    return this.connection.close();
  }

  /**
   * Pages through every match so the count of the rest is exact, but keeps and maps only the
   * users it returns.
   */
  private async collect(filter: Filter, limit: number, needle: string): Promise<DirectorySearchResult> {
    const top = await this.connection.run(async (client) => {
      const found = new TopMatches<Entry>(limit, needle, identityKeys);
      for await (const page of client.searchPaginated(this.options.baseDn, {
        scope: 'sub',
        filter,
        attributes: USER_ATTRIBUTES,
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        paged: { pageSize: this.options.pageSize },
      })) {
        page.searchEntries.forEach((entry) => found.add(entry));
      }
      return found;
    });
    const users: DirectoryUser[] = top.items.map((e) => toDirectoryUser(e, this.options));
    return { users, more: top.more };
  }
}
