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
  /** False when userAccountControl has ACCOUNTDISABLE (bit 2) set. */
  enabled: boolean;
  /** objectGUID in its string form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
  objectGuid: string;
  /** mS-DS-ConsistencyGuid as a GUID string, when set. */
  consistencyGuid?: string;
  objectSid?: string;
  whenChanged?: string;
  /** True when the user sits inside one of the OUs Entra Connect synchronises. */
  inSyncScope: boolean;
}

/** The answer to a directory search: what was found, and how many more were not returned. */
export interface DirectorySearchResult {
  users: DirectoryUser[];
  /** Matches beyond the cap that were not returned; never silently dropped. */
  more: number;
}

/** Read access to the on-prem directory. Implemented over LDAP, and in memory for demo mode. */
export interface DirectoryService {
  /** Free-text search over names, logins and addresses (ANR in AD). */
  search(text: string, options?: { limit?: number }): Promise<DirectorySearchResult>;
  /** Resolves when the directory answers; rejects with a message an admin can act on. */
  ping(): Promise<void>;
  /** A short description of where the directory is, for health reports. */
  describe(): string;
}
