import type { SourceAnchor } from './source-anchor';

/** An on-prem AD user as Anchor needs it for matching and preflight. */
export interface DirectoryUser {
  dn: string;
  sAMAccountName: string;
  userPrincipalName?: string;
  mail?: string;
  /** Every proxy address as stored, e.g. `SMTP:aaron@contoso.com` (upper-case prefix = primary). */
  proxyAddresses: string[];
  /** The primary SMTP address taken from proxyAddresses, without the prefix. */
  primarySmtp?: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  department?: string;
  title?: string;
  /** employeeID, when HR data reaches AD; a tie-breaker when two people share a name. */
  employeeId?: string;
  /** False when userAccountControl has ACCOUNTDISABLE (bit 2) set. */
  enabled: boolean;
  /** objectGUID in its string form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
  objectGuid: string;
  /** mS-DS-ConsistencyGuid as a GUID string, when set. */
  consistencyGuid?: string;
  /** The security identifier in its string form (`S-1-5-21-…`). */
  objectSid?: string;
  /** When AD last changed the object, as an ISO 8601 timestamp. */
  whenChanged?: string;
  /** True when the user sits inside one of the OUs Entra Connect synchronises. */
  inSyncScope: boolean;
  /** The source anchor under the configured setting, and the ImmutableId it gives. */
  sourceAnchor: SourceAnchor;
}

/** Attributes an exact lookup can use. `sourceAnchor` takes an ImmutableId. */
export type LookupAttribute = 'sAMAccountName' | 'userPrincipalName' | 'mail' | 'objectGuid' | 'sourceAnchor';

/** How many users a search returns when the caller does not say. */
export const DEFAULT_SEARCH_LIMIT = 25;

/** Options of a directory search. */
export interface SearchOptions {
  /** At most this many users are returned; the rest are counted in `more`. Default 25. */
  limit?: number;
}

/** The answer to a directory search: what was found, and how many more were not returned. */
export interface DirectorySearchResult {
  users: DirectoryUser[];
  /** Matches beyond the cap that were not returned; never silently dropped. */
  more: number;
}

/** Read access to the on-prem directory. Implemented over LDAP, and in memory for demo mode. */
export interface DirectoryService {
  /**
   * Free-text search over names, logins and addresses (AD's ambiguous name resolution, plus UPN
   * and mail prefixes, which ANR does not cover).
   * @throws DirectoryError with a message for the chat.
   */
  search(text: string, options?: SearchOptions): Promise<DirectorySearchResult>;
  /**
   * Exact, case-insensitive lookup on one attribute. `objectGuid` takes a GUID string;
   * `sourceAnchor` takes an ImmutableId and finds the user whose objectGUID or
   * mS-DS-ConsistencyGuid carries it.
   */
  find(by: LookupAttribute, value: string, options?: SearchOptions): Promise<DirectorySearchResult>;
  /**
   * The DNs of every organizational unit under the base DN, for the synced-twin fix's parking OU
   * (an OU outside the sync scope). Nothing from input goes into the query.
   * @throws DirectoryError with a message for the chat.
   */
  listOus(): Promise<string[]>;
  /** Resolves when the directory answers; rejects with a DirectoryError an admin can act on. */
  ping(): Promise<void>;
  /** A short description of where the directory is, for health reports. */
  describe(): string;
}
