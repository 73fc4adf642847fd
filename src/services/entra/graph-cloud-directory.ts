import { DEFAULT_SEARCH_LIMIT } from '../../shared/directory/ad-directory';
import type {
  CloudCallOptions,
  CloudDirectory,
  CloudSearchOptions,
  TwinCleanupDirectory,
} from './cloud-directory';
import type {
  CloudUser,
  CloudUserDetail,
  DeletedCloudUser,
  DomainAuthentication,
  ImmutableIdHolders,
  Knowable,
  OrganizationSync,
  RoleAssignment,
  RoleGroupMembership,
  RoleGroupMemberships,
  SyncFeatures,
  UserFootprint,
  UserRoles,
} from './cloud-user';
import type { GraphApi } from './graph-api';
import { batchGet } from './graph-batch';
import { callFor } from './graph-call';
import type { GraphCall } from './graph-call';
import {
  CloudDirectoryError,
  GraphPermissionError,
  GraphRequestError,
  NotInRecycleBinError,
  PremiumLicenseRequiredError,
  UserNotFoundError,
} from './graph-errors';
import { collectPages } from './graph-paging';
import type { PagedResult } from './graph-paging';
import { GRAPH_PERMISSIONS } from './graph-permissions';
import { userSearchExpression } from './graph-search';
import {
  FOOTPRINT_USER_SELECT,
  knowable,
  licenceSkus,
  mailboxFacts,
  toFootprintAppRole,
  toFootprintGroup,
  toSignInActivity,
  unknownFrom,
} from './twin-footprint';
import type { FootprintUserBody } from './twin-footprint';

/** Properties a search result shows. */
const SEARCH_SELECT = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'givenName',
  'surname',
  'accountEnabled',
  'userType',
  'onPremisesSyncEnabled',
  // Tie-breakers of pair matching when two people share a name.
  'employeeId',
  'department',
  'jobTitle',
];
/** Properties preflight reads. */
const DETAIL_SELECT = [
  ...SEARCH_SELECT,
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesUserPrincipalName',
  'createdDateTime',
];
const DELETED_SELECT = [...SEARCH_SELECT, 'deletedDateTime', 'onPremisesImmutableId'];
/** v1.0 properties only: v1.0 answers 400 for onPremisesLastPasswordSyncDateTime (beta has it). */
const ORGANIZATION_SELECT = ['id', 'displayName', 'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime'];
/** Advanced queries ($search, $count, filters on onPremisesImmutableId) need this header. */
const EVENTUAL = { ConsistencyLevel: 'eventual' };
/** More holders than this would mean a broken tenant; listing them all would not help. */
const HOLDER_CAP = 50;
const ROLE_CAP = 200;
const GROUP_CAP = 200;
/** Direct memberships and app roles a footprint lists at most; `truncated` says when there were more. */
const FOOTPRINT_CAP = 500;

interface GroupBody {
  id: string;
  displayName?: string | null;
  isAssignableToRole?: boolean | null;
}

/**
 * The most deleted users read when Graph will not filter the recycle bin by ImmutableId. It
 * keeps users for 30 days, so more than this is rare; a scan that stops here says so.
 */
export const RECYCLE_BIN_SCAN_CAP = 10_000;
const {
  readUsers,
  readDeletedUsers,
  setImmutableId,
  readOrganization,
  readDomains,
  readRoles,
  readGroupMemberships,
  readSyncFeatures,
  readUserGroups,
  readAppRoleAssignments,
  readSignInActivity,
  deleteRestoreUsers,
} = GRAPH_PERMISSIONS;

interface RoleAssignmentBody {
  id: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  roleDefinition?: { displayName?: string; templateId?: string } | null;
}

/** Settings of the Graph implementation. */
export interface GraphCloudDirectoryOptions {
  /** Overall deadline of one operation, in milliseconds. */
  timeoutMs: number;
  /** Deleted users read at most when the recycle bin has to be scanned; default RECYCLE_BIN_SCAN_CAP. */
  recycleBinScanCap?: number;
}

/** The CloudDirectory over Microsoft Graph. */
/** The most a search follows nextLink for; the chat asks for far fewer. */
const MAX_SEARCH_RESULTS = 50_000;

export class GraphCloudDirectory implements CloudDirectory, TwinCleanupDirectory {
  constructor(
    private readonly api: GraphApi,
    private readonly options: GraphCloudDirectoryOptions,
  ) {}

  async searchUsers(text: string, options: CloudSearchOptions = {}) {
    const search = userSearchExpression(text);
    if (!search) throw new CloudDirectoryError('Type part of a name, UPN or mail address to search for.');
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_RESULTS));
    return collectPages<CloudUser>(
      this.api,
      {
        method: 'GET',
        path: `/users?$search=${enc(search)}&$select=${SEARCH_SELECT.join(',')}&$top=${Math.min(limit, 999)}&$count=true`,
        headers: EVENTUAL,
        errorContext: { need: readUsers },
      },
      this.call(options),
      limit,
    );
  }

  async getUser(idOrUpn: string, options: CloudCallOptions = {}): Promise<CloudUserDetail> {
    const user = await this.api.send<CloudUserDetail>(
      {
        method: 'GET',
        path: `/users/${enc(idOrUpn)}?$select=${DETAIL_SELECT.join(',')}`,
        errorContext: { user: idOrUpn, need: readUsers },
      },
      this.call(options),
    );
    return withDefaults(user);
  }

  async getUsers(ids: string[], options: CloudCallOptions = {}): Promise<CloudUserDetail[]> {
    const outcomes = await batchGet<CloudUserDetail>(
      this.api,
      ids.map((id, i) => ({
        id: String(i + 1),
        url: `/users/${enc(id)}?$select=${DETAIL_SELECT.join(',')}`,
        errorContext: { user: id, need: readUsers },
      })),
      this.call(options),
    );
    const users: CloudUserDetail[] = [];
    for (const outcome of outcomes) {
      if (outcome.ok) users.push(withDefaults(outcome.body));
      else if (outcome.error.status !== 404) throw outcome.error;
    }
    return users;
  }

  async findImmutableIdHolders(
    immutableId: string,
    options: CloudCallOptions = {},
  ): Promise<ImmutableIdHolders> {
    const call = this.call(options);
    const filter = enc(`onPremisesImmutableId eq ${odataString(immutableId)}`);
    const [live, deleted] = await Promise.all([
      collectPages<CloudUserDetail>(
        this.api,
        {
          method: 'GET',
          path: `/users?$filter=${filter}&$count=true&$select=${DETAIL_SELECT.join(',')}`,
          headers: EVENTUAL,
          errorContext: { need: readUsers },
        },
        call,
        HOLDER_CAP,
      ),
      this.deletedHolders(immutableId, call),
    ]);
    // The listing is an advanced query, answered from an index that may lag a few seconds behind
    // writes: a value just cleared (a rollback, an admin's fix) can still be listed. Each holder it
    // lists is read again by id, which is not eventually consistent, and kept only if it still
    // holds the value. (A value just written but not listed yet is refused by the PATCH itself:
    // Graph checks uniqueness on write.)
    const users = await this.stillHolding<CloudUserDetail>(
      live.items,
      '/users',
      DETAIL_SELECT,
      immutableId,
      call,
    );
    // A scan of the recycle bin (Graph refused the filter) is a plain listing, not the lagging index.
    const deletedUsers = deleted.scan
      ? deleted.found.items
      : await this.stillHolding<DeletedCloudUser>(
          deleted.found.items,
          '/directory/deletedItems',
          DELETED_SELECT,
          immutableId,
          call,
        );
    return {
      users: users.map(withDefaults),
      deletedUsers,
      truncated: live.truncated || deleted.found.truncated,
      ...(deleted.scan ? { recycleBinScan: deleted.scan } : {}),
    };
  }

  /**
   * Recycle-bin users holding the value. Graph documents `$filter` on onPremisesImmutableId for
   * users, not for deleted items; when it refuses the filter, the recycle bin is read page by page
   * (only the properties needed) and filtered here, up to a cap the result reports.
   */
  private async deletedHolders(
    immutableId: string,
    call: GraphCall,
  ): Promise<{ found: PagedResult<DeletedCloudUser>; scan?: ImmutableIdHolders['recycleBinScan'] }> {
    const path = `/directory/deletedItems/microsoft.graph.user?$select=${DELETED_SELECT.join(',')}`;
    const filter = enc(`onPremisesImmutableId eq ${odataString(immutableId)}`);
    try {
      const found = await collectPages<DeletedCloudUser>(
        this.api,
        {
          method: 'GET',
          path: `${path}&$filter=${filter}&$count=true`,
          headers: EVENTUAL,
          errorContext: { need: readDeletedUsers },
        },
        call,
        HOLDER_CAP,
      );
      return { found };
    } catch (err) {
      if (!refusedImmutableIdFilter(err)) throw err;
    }
    const all = await collectPages<DeletedCloudUser>(
      this.api,
      { method: 'GET', path: `${path}&$top=999`, errorContext: { need: readDeletedUsers } },
      call,
      this.options.recycleBinScanCap ?? RECYCLE_BIN_SCAN_CAP,
    );
    const items = all.items.filter((u) => u.onPremisesImmutableId === immutableId);
    return {
      found: { items, truncated: false, pages: all.pages },
      scan: { scanned: all.items.length, complete: !all.truncated },
    };
  }

  async getDomainAuthentication(
    upnOrDomain: string,
    options: CloudCallOptions = {},
  ): Promise<DomainAuthentication> {
    const domain = upnOrDomain.includes('@') ? upnOrDomain.split('@').pop()! : upnOrDomain;
    const body = await this.api.send<{ id: string; authenticationType: string; isVerified?: boolean }>(
      {
        method: 'GET',
        path: `/domains/${enc(domain.toLowerCase())}?$select=id,authenticationType,isVerified`,
        errorContext: { need: readDomains },
      },
      this.call(options),
    );
    return {
      domain: body.id,
      authenticationType: body.authenticationType,
      isVerified: body.isVerified ?? null,
    };
  }

  async listVerifiedDomains(options: CloudCallOptions = {}): Promise<string[]> {
    const page = await this.api.send<{ value: { id: string; isVerified?: boolean }[] }>(
      { method: 'GET', path: '/domains?$select=id,isVerified' },
      this.call(options),
    );
    return page.value.filter((d) => d.isVerified === true).map((d) => d.id.toLowerCase());
  }

  async getUserRoles(userId: string, options: CloudCallOptions = {}): Promise<UserRoles> {
    const call = this.call(options);
    const filter = enc(`principalId eq ${odataString(userId)}`);
    const expand = `$expand=roleDefinition($select=id,displayName,templateId)`;
    const [active, eligible] = await Promise.all([
      collectPages<RoleAssignmentBody>(
        this.api,
        {
          method: 'GET',
          path: `/roleManagement/directory/roleAssignments?$filter=${filter}&${expand}`,
          errorContext: { need: readRoles },
        },
        call,
        ROLE_CAP,
      ),
      collectPages<RoleAssignmentBody>(
        this.api,
        {
          method: 'GET',
          path: `/roleManagement/directory/roleEligibilitySchedules?$filter=${filter}&${expand}`,
          errorContext: { need: readRoles },
        },
        call,
        ROLE_CAP,
      ).catch((err: unknown) => {
        // Without Entra ID P2 there is no PIM, so nothing can be eligible: a fact, not a failure.
        // Every other failure still makes the roles unreadable.
        if (err instanceof PremiumLicenseRequiredError) return null;
        throw err;
      }),
    ]);
    return {
      active: active.items.map((a) => toRole(a, 'active')),
      eligible: eligible?.items.map((a) => toRole(a, 'eligible')) ?? [],
      pim: eligible ? 'available' : 'not-licensed',
      truncated: active.truncated || (eligible?.truncated ?? false),
    };
  }

  async getRoleAssignableGroups(
    userId: string,
    options: CloudCallOptions = {},
  ): Promise<RoleGroupMemberships> {
    const call = this.call(options);
    // A cast and a $filter on a user's relationships are advanced queries (ConsistencyLevel and
    // $count). transitiveMemberOf also covers nested groups; ownedObjects is not transitive.
    const query =
      `$filter=${enc('isAssignableToRole eq true')}&$count=true` +
      `&$select=id,displayName,isAssignableToRole`;
    const list = (relation: 'transitiveMemberOf' | 'ownedObjects') =>
      collectPages<GroupBody>(
        this.api,
        {
          method: 'GET',
          path: `/users/${enc(userId)}/${relation}/microsoft.graph.group?${query}`,
          headers: EVENTUAL,
          errorContext: { user: userId, need: readGroupMemberships },
        },
        call,
        GROUP_CAP,
      );
    const [member, owner] = await Promise.all([list('transitiveMemberOf'), list('ownedObjects')]);
    return {
      groups: [
        ...member.items.map((g) => toGroup(g, 'member')),
        ...owner.items.map((g) => toGroup(g, 'owner')),
      ],
      truncated: member.truncated || owner.truncated,
    };
  }

  async getOnPremisesObjectIdentifier(
    userId: string,
    options: CloudCallOptions = {},
  ): Promise<Knowable<string | null>> {
    try {
      const body = await this.api.send<Record<string, unknown>>(
        {
          method: 'GET',
          version: 'beta',
          path: `/users/${enc(userId)}?$select=id,onPremisesObjectIdentifier`,
          errorContext: { user: userId, need: readUsers },
        },
        this.call(options),
      );
      if (!('onPremisesObjectIdentifier' in body)) {
        return {
          known: false,
          reason: 'Graph (beta) did not return onPremisesObjectIdentifier for this user.',
        };
      }
      const value = body.onPremisesObjectIdentifier;
      return { known: true, value: typeof value === 'string' && value ? value : null };
    } catch (err) {
      // Graph answers 400 for a $select of a property its metadata does not have yet.
      if (
        err instanceof GraphRequestError &&
        err.status === 400 &&
        /onPremisesObjectIdentifier/i.test(err.graphMessage)
      ) {
        return {
          known: false,
          reason: `Graph (beta) does not know onPremisesObjectIdentifier: ${err.graphMessage}`,
        };
      }
      throw err;
    }
  }

  async getOrganizationSync(options: CloudCallOptions = {}): Promise<OrganizationSync> {
    const org = await this.organization('v1.0', ORGANIZATION_SELECT, options);
    return {
      tenantId: String(org.id),
      displayName: (org.displayName as string | undefined) ?? null,
      onPremisesSyncEnabled: (org.onPremisesSyncEnabled as boolean | undefined) ?? null,
      onPremisesLastSyncDateTime: (org.onPremisesLastSyncDateTime as string | undefined) ?? null,
    };
  }

  async getLastPasswordSync(options: CloudCallOptions = {}): Promise<Knowable<string | null>> {
    const org = await this.organization('beta', ['id', 'onPremisesLastPasswordSyncDateTime'], options);
    if (!('onPremisesLastPasswordSyncDateTime' in org)) {
      return { known: false, reason: 'Graph (beta) did not return onPremisesLastPasswordSyncDateTime.' };
    }
    const value = org.onPremisesLastPasswordSyncDateTime;
    return { known: true, value: typeof value === 'string' && value ? value : null };
  }

  async getSyncFeatures(options: CloudCallOptions = {}): Promise<Knowable<SyncFeatures>> {
    try {
      const page = await this.api.send<{ value: { features?: Record<string, unknown> }[] }>(
        {
          method: 'GET',
          path: '/directory/onPremisesSynchronization',
          errorContext: { need: readSyncFeatures },
        },
        this.call(options),
      );
      const all = page.value[0]?.features ?? {};
      return {
        known: true,
        value: {
          blockCloudObjectTakeoverThroughHardMatchEnabled: flag(
            all.blockCloudObjectTakeoverThroughHardMatchEnabled,
          ),
          blockSoftMatchEnabled: flag(all.blockSoftMatchEnabled),
          all,
        },
      };
    } catch (err) {
      // The API page documents only a delegated permission; the application permission the
      // permissions reference lists may or may not be honoured, so a refusal is "unknown".
      if (err instanceof GraphPermissionError) {
        return { known: false, reason: `Graph refused to show the sync features: ${err.graphMessage}` };
      }
      throw err;
    }
  }

  async setImmutableId(userId: string, immutableId: string, options: CloudCallOptions = {}): Promise<void> {
    await this.patchImmutableId(userId, immutableId, options);
  }

  async clearImmutableId(userId: string, options: CloudCallOptions = {}): Promise<void> {
    await this.patchImmutableId(userId, null, options);
  }

  async getTwinFootprint(userId: string, options: CloudCallOptions = {}): Promise<UserFootprint> {
    const call = this.call(options);
    const { signal } = options;
    const id = enc(userId);
    // Four independent reads: one refused (a permission, the tenant's licence) leaves the others.
    const [user, groups, appRoles, signIn] = await Promise.all([
      this.api
        .send<FootprintUserBody>(
          {
            method: 'GET',
            path: `/users/${id}?$select=${FOOTPRINT_USER_SELECT.join(',')}`,
            errorContext: { user: userId, need: readUsers },
          },
          call,
        )
        .then(
          (body) => ({ ok: true as const, body }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
      knowable(
        'group memberships',
        async () => {
          // The cast keeps directory roles and administrative units out; it is an advanced query.
          const page = await collectPages<{ id: string; displayName?: string | null }>(
            this.api,
            {
              method: 'GET',
              path: `/users/${id}/memberOf/microsoft.graph.group?$select=id,displayName&$count=true`,
              headers: EVENTUAL,
              errorContext: { user: userId, need: readUserGroups },
            },
            call,
            FOOTPRINT_CAP,
          );
          return { items: page.items.map(toFootprintGroup), truncated: page.truncated };
        },
        signal,
      ),
      knowable(
        'app role assignments',
        async () => {
          // Graph asks for ConsistencyLevel and $count for complete results ("List appRoleAssignments
          // granted to a user").
          const page = await collectPages<{
            id: string;
            appRoleId: string;
            resourceId?: string | null;
            resourceDisplayName?: string | null;
          }>(
            this.api,
            {
              method: 'GET',
              path: `/users/${id}/appRoleAssignments?$select=id,appRoleId,resourceId,resourceDisplayName&$count=true`,
              headers: EVENTUAL,
              errorContext: { user: userId, need: readAppRoleAssignments },
            },
            call,
            FOOTPRINT_CAP,
          );
          return { items: page.items.map(toFootprintAppRole), truncated: page.truncated };
        },
        signal,
      ),
      // Read apart from the other properties: without AuditLog.Read.All or Entra ID P1/P2 Graph
      // refuses the whole request that selects it.
      knowable(
        'sign-in activity',
        async () => {
          const body = await this.api.send<{ signInActivity?: unknown }>(
            {
              method: 'GET',
              path: `/users/${id}?$select=id,signInActivity`,
              errorContext: { user: userId, need: readSignInActivity },
            },
            call,
          );
          return toSignInActivity(body.signInActivity);
        },
        signal,
      ),
    ]);
    if (!user.ok && user.err instanceof UserNotFoundError) throw user.err;
    const fromUser = <T>(what: string, pick: (body: FootprintUserBody) => T): Knowable<T> =>
      user.ok ? { known: true, value: pick(user.body) } : unknownFrom<T>(what, user.err, signal);
    return {
      userId,
      createdDateTime: fromUser('the creation time', (b) => b.createdDateTime ?? null),
      assignedLicenses: fromUser('licences', licenceSkus),
      mailbox: fromUser('the mailbox', mailboxFacts),
      groups,
      appRoleAssignments: appRoles,
      signInActivity: signIn,
    };
  }

  async getDeletedUser(id: string, options: CloudCallOptions = {}): Promise<DeletedCloudUser | null> {
    try {
      return await this.api.send<DeletedCloudUser>(
        {
          method: 'GET',
          path: `/directory/deletedItems/${enc(id)}?$select=${DELETED_SELECT.join(',')}`,
          errorContext: { deletedItem: id, need: readDeletedUsers },
        },
        this.call(options),
      );
    } catch (err) {
      // Only "not in the recycle bin" is an answer; any other failure must not read as "gone".
      if (err instanceof NotInRecycleBinError) return null;
      throw err;
    }
  }

  async hardDeleteDeletedUser(id: string, options: CloudCallOptions = {}): Promise<void> {
    await this.api.send<void>(
      {
        method: 'DELETE',
        path: `/directory/deletedItems/${enc(id)}`,
        errorContext: { deletedItem: id, need: deleteRestoreUsers },
      },
      this.call(options),
    );
  }

  async ping(options: CloudCallOptions = {}): Promise<void> {
    await this.organization('v1.0', ['id'], options);
  }

  describe(): string {
    return `Microsoft Graph at ${this.api.baseUrl}`;
  }

  private async patchImmutableId(
    userId: string,
    value: string | null,
    options: CloudCallOptions,
  ): Promise<void> {
    await this.api.send<void>(
      {
        method: 'PATCH',
        path: `/users/${enc(userId)}`,
        body: { onPremisesImmutableId: value },
        errorContext: { user: userId, writesImmutableId: true, need: setImmutableId },
      },
      this.call(options),
    );
  }

  /** The tenant's organization object with these properties, from v1.0 or beta. */
  private async organization(
    version: 'v1.0' | 'beta',
    select: string[],
    options: CloudCallOptions,
  ): Promise<Record<string, unknown>> {
    const page = await this.api.send<{ value: Record<string, unknown>[] }>(
      {
        method: 'GET',
        version,
        path: `/organization?$select=${select.join(',')}`,
        errorContext: { need: readOrganization },
      },
      this.call(options),
    );
    const org = page.value[0];
    if (!org) throw new CloudDirectoryError('Graph returned no organization for this tenant.');
    return org;
  }

  /** The listed holders that, read again by id, still hold `value` (missing ones are dropped). */
  private async stillHolding<T extends { id: string; onPremisesImmutableId: string | null }>(
    listed: T[],
    collection: '/users' | '/directory/deletedItems',
    select: string[],
    value: string,
    call: GraphCall,
  ): Promise<T[]> {
    if (listed.length === 0) return [];
    const outcomes = await batchGet<T>(
      this.api,
      listed.map((u, i) => ({
        id: String(i + 1),
        url: `${collection}/${enc(u.id)}?$select=${select.join(',')}`,
        errorContext: { user: u.id },
      })),
      call,
    );
    const holding: T[] = [];
    for (const outcome of outcomes) {
      if (outcome.ok) {
        if (outcome.body.onPremisesImmutableId === value) holding.push(outcome.body);
      } else if (outcome.error.status !== 404) {
        throw outcome.error;
      }
    }
    return holding;
  }

  private call(options: CloudCallOptions): GraphCall {
    return callFor(options, this.options.timeoutMs);
  }
}

/**
 * Whether Graph refused the recycle-bin filter on onPremisesImmutableId as a query it does not
 * support (400 Request_UnsupportedQuery, or a 400 naming the property), rather than failing.
 */
function refusedImmutableIdFilter(err: unknown): boolean {
  return (
    err instanceof GraphRequestError &&
    err.status === 400 &&
    (err.code === 'Request_UnsupportedQuery' || /onPremisesImmutableId/i.test(err.graphMessage))
  );
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function withDefaults<T extends CloudUserDetail>(user: T): T {
  return { ...user, proxyAddresses: user.proxyAddresses ?? [] };
}

function toGroup(body: GroupBody, relation: RoleGroupMembership['relation']): RoleGroupMembership {
  return {
    id: body.id,
    displayName: body.displayName ?? null,
    relation,
    confirmed: body.isAssignableToRole === true,
  };
}

function toRole(body: RoleAssignmentBody, kind: RoleAssignment['kind']): RoleAssignment {
  return {
    id: body.id,
    kind,
    roleDefinitionId: body.roleDefinitionId,
    roleName: body.roleDefinition?.displayName,
    roleTemplateId: body.roleDefinition?.templateId,
    directoryScopeId: body.directoryScopeId ?? null,
  };
}
