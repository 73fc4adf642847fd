import type {
  CloudUser,
  CloudUserDetail,
  DeletedCloudUser,
  DomainAuthentication,
  ImmutableIdHolders,
  Knowable,
  OrganizationSync,
  RoleGroupMemberships,
  SyncFeatures,
  UserFootprint,
  UserRoles,
} from './cloud-user';
import type { PagedResult } from './graph-paging';

/** Per-operation options. */
export interface CloudCallOptions {
  /** Cancels the operation. */
  signal?: AbortSignal;
  /** Epoch ms to finish by, to share one deadline across several operations (preflight). */
  deadline?: number;
}

/** Options of a user search. */
export interface CloudSearchOptions extends CloudCallOptions {
  /** At most this many users; `truncated` says when there were more. Default 25. */
  limit?: number;
}

/**
 * The Entra ID side of Anchor. Every method either answers or throws a CloudDirectoryError
 * (see graph-errors.ts) whose message can be shown in the chat as is.
 */
export interface CloudDirectory {
  /**
   * `$search` on displayName (Graph's tokens: words, case changes, symbols) and on mail and
   * userPrincipalName (from the start of the value).
   */
  searchUsers(text: string, options?: CloudSearchOptions): Promise<PagedResult<CloudUser>>;
  /** One user with every property preflight needs. @throws UserNotFoundError */
  getUser(idOrUpn: string, options?: CloudCallOptions): Promise<CloudUserDetail>;
  /** Several users at once ($batch); missing ones are left out. */
  getUsers(ids: string[], options?: CloudCallOptions): Promise<CloudUserDetail[]>;
  /**
   * Live and recycle-bin users holding this ImmutableId now: the advanced query that finds them
   * may lag, so each one it lists is read again by id before it is reported.
   */
  findImmutableIdHolders(immutableId: string, options?: CloudCallOptions): Promise<ImmutableIdHolders>;
  /** How the domain of a UPN (or a domain name) authenticates. */
  getDomainAuthentication(upnOrDomain: string, options?: CloudCallOptions): Promise<DomainAuthentication>;
  /** The tenant's verified domain names (`GET /domains`, Domain.Read.All, the read the domain check uses). */
  listVerifiedDomains(options?: CloudCallOptions): Promise<string[]>;
  /**
   * Active and eligible directory role assignments of a user (assigned to the user itself; roles
   * held through a group do not show here, see {@link getRoleAssignableGroups}). A tenant without
   * Entra ID P2 has no eligible roles: `pim` says so.
   */
  getUserRoles(userId: string, options?: CloudCallOptions): Promise<UserRoles>;
  /** The role-assignable groups the user is a member (transitively) or an owner of. */
  getRoleAssignableGroups(userId: string, options?: CloudCallOptions): Promise<RoleGroupMemberships>;
  /**
   * The user's onPremisesObjectIdentifier (beta). Unknown, not an error, when Graph does not
   * return the property (it is not in the published metadata yet).
   */
  getOnPremisesObjectIdentifier(userId: string, options?: CloudCallOptions): Promise<Knowable<string | null>>;
  /** Whether the tenant syncs, and when it last did (v1.0 organization). */
  getOrganizationSync(options?: CloudCallOptions): Promise<OrganizationSync>;
  /**
   * When a password hash sync request last reached the tenant (`onPremisesLastPasswordSyncDateTime`,
   * beta only). Unknown, not an error, when beta does not return it.
   */
  getLastPasswordSync(options?: CloudCallOptions): Promise<Knowable<string | null>>;
  /** Hard/soft-match blocking features. Unknown when the app may not read them (403). */
  getSyncFeatures(options?: CloudCallOptions): Promise<Knowable<SyncFeatures>>;
  /** Sets the user's onPremisesImmutableId. @throws ImmutableIdConflictError, OnPremisesMasteredError… */
  setImmutableId(userId: string, immutableId: string, options?: CloudCallOptions): Promise<void>;
  /** Clears it (JSON null; an empty string would not clear it). */
  clearImmutableId(userId: string, options?: CloudCallOptions): Promise<void>;
  /**
   * Resolves when Graph answers an authenticated read (the v1.0 organization's id); rejects with
   * the credential's or Graph's own error otherwise (a 403 names Organization.Read.All). Health
   * reports use it.
   */
  ping(options?: CloudCallOptions): Promise<void>;
  /** Where Graph is, for health reports. */
  describe(): string;
}

/**
 * The Entra ID reads and the one deletion of the "delete the duplicate (synced twin), keep the
 * original" fix. Apart from CloudDirectory so that code which never deletes does not depend on it.
 */
export interface TwinCleanupDirectory {
  /**
   * What deleting the user would lose: licences, mailbox, direct group memberships, app role
   * assignments, sign-in activity and creation time. Each part is Knowable: a refused or failed
   * read is "could not check" with the reason, never "none".
   * @throws UserNotFoundError when the user does not exist.
   */
  getTwinFootprint(userId: string, options?: CloudCallOptions): Promise<UserFootprint>;
  /**
   * The user in the recycle bin (`GET /directory/deletedItems/{id}`), null when it is not there
   * (live, restored or deleted for good: Graph answers 404).
   */
  getDeletedUser(id: string, options?: CloudCallOptions): Promise<DeletedCloudUser | null>;
  /**
   * Permanently deletes a soft-deleted user from the recycle bin (`DELETE
   * /directory/deletedItems/{id}`); it cannot be restored afterwards.
   * @throws NotInRecycleBinError when it is not there (already deleted, restored, or live);
   *   GraphPermissionError naming User.DeleteRestore.All when the app may not.
   */
  hardDeleteDeletedUser(id: string, options?: CloudCallOptions): Promise<void>;
}
