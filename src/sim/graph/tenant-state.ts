import { randomUUID } from 'node:crypto';
import { AdvancedQueryIndex } from './advanced-index';
import { builtInRoleDefinitions } from './role-definitions';
import { TeamworkState } from './teamwork-state';
import { conflict } from './user-update';
import type { TeamworkSeed } from './teamwork-state';
import type {
  SimClientApp,
  SimCloudUser,
  SimDomain,
  SimGroup,
  SimOrganization,
  SimRoleAssignment,
  SimRoleDefinition,
  SimSyncError,
  SimSyncFeatures,
  UserRecord,
} from './model';

/** Everything the simulated tenant starts with. Only tenantId, organization and users are required. */
export interface TenantSeed {
  tenantId: string;
  organization: SimOrganization;
  users: SimCloudUser[];
  /** Soft-deleted users (the recycle bin). */
  deletedUsers?: SimCloudUser[];
  /** Defaults to the organization's verifiedDomains, all Managed. */
  domains?: SimDomain[];
  /** Defaults to the built-in roles of role-definitions.ts. */
  roleDefinitions?: SimRoleDefinition[];
  roleAssignments?: SimRoleAssignment[];
  /** PIM eligibility schedules. */
  roleEligibilities?: SimRoleAssignment[];
  /**
   * Groups: Anchor's admin group (nested groups allowed), and role-assignable groups that role
   * assignments may name as principal.
   */
  groups?: SimGroup[];
  /**
   * Whether the tenant has Entra ID P2 (or ID Governance), which PIM needs; without it
   * `roleEligibilitySchedules` answers 400 AadPremiumLicenseRequired. Defaults to true.
   */
  entraIdP2?: boolean;
  /**
   * Whether the tenant has Entra ID P1 (P2 includes it). Without either, Graph refuses
   * `$select=signInActivity` with 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant.
   * Defaults to true.
   */
  entraIdP1?: boolean;
  onPremisesSynchronization?: {
    features?: Partial<SimSyncFeatures>;
    /**
     * Whether Graph honours the application permission OnPremDirectorySynchronization.Read.All
     * for this API. The permissions reference lists that application permission, while the API
     * page still says "Application: Not supported"; false (the default, the API page) refuses
     * every app token with 403, true serves apps granted the permission (an app registered
     * without a permission list holds it).
     */
    readableByApps?: boolean;
  };
  /** When set, only these apps get tokens and their secrets are checked. */
  clients?: SimClientApp[];
  /** The Teams app catalog, licences and installations. */
  teamwork?: TeamworkSeed;
  /**
   * Whether deletedItems answers `$filter` on onPremisesImmutableId (default true). Graph does not
   * document that filter for deleted users; false refuses it with 400 Request_UnsupportedQuery.
   */
  deletedUsersFilterByImmutableId?: boolean;
}

/** A hardened tenant: hard-match takeover allowed (Graph's default), soft match blocked. */
const DEFAULT_FEATURES: SimSyncFeatures = {
  blockCloudObjectTakeoverThroughHardMatchEnabled: false,
  blockSoftMatchEnabled: true,
  softMatchOnUpnEnabled: true,
  passwordSyncEnabled: true,
};

/** Fills the optional user fields so every record has the full property set. */
export function toUserRecord(user: SimCloudUser): UserRecord {
  return {
    givenName: null,
    surname: null,
    mail: null,
    onPremisesDistinguishedName: null,
    onPremisesObjectIdentifier: null,
    deletedDateTime: null,
    assignedLicenses: [],
    assignedPlans: [],
    provisionedPlans: [],
    signInActivity: null,
    ...user,
    proxyAddresses: [...user.proxyAddresses],
    appRoleAssignments: (user.appRoleAssignments ?? []).map((a) => ({
      ...a,
      id: a.id ?? randomUUID(),
      createdDateTime: a.createdDateTime ?? user.createdDateTime,
    })),
  };
}

/** A directory role a user holds or may activate, directly or through a role-assignable group. */
export interface HeldRole {
  role: SimRoleDefinition;
  kind: 'active' | 'eligible';
  /** The role-assignable group the role is assigned to, when it comes through one. */
  viaGroup?: string;
}

/** The mutable state of the simulated tenant, shared by the routes, the sync engine and tests. */
export class TenantState {
  readonly tenantId: string;
  readonly organization: SimOrganization;
  readonly users = new Map<string, UserRecord>();
  readonly deletedUsers = new Map<string, UserRecord>();
  readonly domains: SimDomain[];
  readonly roleDefinitions: SimRoleDefinition[];
  readonly roleAssignments: Required<SimRoleAssignment>[];
  readonly roleEligibilities: Required<SimRoleAssignment>[];
  readonly groups: Required<SimGroup>[];
  entraIdP2: boolean;
  /** See {@link TenantSeed.entraIdP1}; `PATCH /_sim/settings` changes it. */
  entraIdP1: boolean;
  /** What advanced queries see (with an optional lag behind the live state). */
  readonly advancedIndex: AdvancedQueryIndex;
  readonly syncFeatures: SimSyncFeatures;
  onPremisesSyncReadableByApps: boolean;
  /** See {@link TenantSeed.deletedUsersFilterByImmutableId}; `PATCH /_sim/query-support` changes it. */
  deletedUsersFilterByImmutableId: boolean;
  readonly clients: SimClientApp[];
  readonly teamwork: TeamworkState;
  /** Current sync errors by source anchor, replaced by each cycle. */
  syncErrors: SimSyncError[] = [];
  /**
   * Last sync times a test or the demo froze: a frozen time is not moved by the sync engine
   * (directory) or by the stand-in sync server's heartbeats (password), as when they stop
   * reaching Entra ID.
   */
  readonly frozenSyncTimes = { directorySync: false, passwordSync: false };

  constructor(seed: TenantSeed) {
    this.tenantId = seed.tenantId;
    this.organization = { ...seed.organization, verifiedDomains: [...seed.organization.verifiedDomains] };
    for (const u of seed.users) this.addUser(u);
    for (const u of seed.deletedUsers ?? []) this.addDeletedUser(u);
    this.domains = (
      seed.domains ??
      seed.organization.verifiedDomains.map((d) => ({
        id: d.name,
        authenticationType: d.type === 'Federated' ? ('Federated' as const) : ('Managed' as const),
        isDefault: d.isDefault,
        isInitial: d.isInitial,
        isVerified: true,
      }))
    ).map((d) => ({ ...d }));
    this.roleDefinitions = seed.roleDefinitions ?? builtInRoleDefinitions();
    const withId = (a: SimRoleAssignment) => ({ ...a, id: a.id ?? randomUUID() });
    this.roleAssignments = (seed.roleAssignments ?? []).map(withId);
    this.roleEligibilities = (seed.roleEligibilities ?? []).map(withId);
    this.groups = (seed.groups ?? []).map((g) => ({
      ...g,
      isAssignableToRole: g.isAssignableToRole ?? false,
      members: [...g.members],
      owners: [...(g.owners ?? [])],
    }));
    this.entraIdP2 = seed.entraIdP2 ?? true;
    this.entraIdP1 = seed.entraIdP1 ?? true;
    this.advancedIndex = new AdvancedQueryIndex(this);
    this.syncFeatures = { ...DEFAULT_FEATURES, ...seed.onPremisesSynchronization?.features };
    this.onPremisesSyncReadableByApps = seed.onPremisesSynchronization?.readableByApps ?? false;
    this.clients = seed.clients ?? [];
    this.teamwork = new TeamworkState(seed.teamwork);
    this.deletedUsersFilterByImmutableId = seed.deletedUsersFilterByImmutableId ?? true;
  }

  /** Whether the tenant has Entra ID P1 or P2, which sign-in activity reads need. */
  hasEntraIdPremium(): boolean {
    return this.entraIdP1 || this.entraIdP2;
  }

  /** Finds an active user by object id or (case-insensitive) UPN, as `/users/{id|upn}` does. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const byId = this.users.get(idOrUpn);
    if (byId) return byId;
    const upn = idOrUpn.toLowerCase();
    for (const u of this.users.values()) if (u.userPrincipalName.toLowerCase() === upn) return u;
    return undefined;
  }

  /** Adds a user (tests and the sync engine); returns the stored record. */
  addUser(user: SimCloudUser): UserRecord {
    const record = toUserRecord(user);
    this.users.set(record.id, record);
    return record;
  }

  /** Adds a user straight into the recycle bin. */
  addDeletedUser(user: SimCloudUser): UserRecord {
    const record = toUserRecord(user);
    record.deletedDateTime ??= new Date().toISOString();
    this.deletedUsers.set(record.id, record);
    return record;
  }

  /**
   * Moves a user to the recycle bin. Entra prefixes a deleted user's UPN with its object id
   * (without dashes) so the UPN is free for others; restoring takes the prefix off.
   */
  softDelete(id: string, now = new Date()): UserRecord | undefined {
    const user = this.users.get(id);
    if (!user) return undefined;
    this.users.delete(id);
    user.deletedDateTime = now.toISOString();
    user.userPrincipalName = `${id.replace(/-/g, '')}${user.userPrincipalName}`;
    this.deletedUsers.set(id, user);
    return user;
  }

  /**
   * Takes a user out of the recycle bin under its original UPN. Entra refuses when an active user
   * holds that UPN (the restore API takes `newUserPrincipalName` for this case), so this throws
   * Graph's uniqueness error and leaves the user deleted; the sync engine turns it into an export error.
   */
  restore(id: string): UserRecord | undefined {
    const user = this.deletedUsers.get(id);
    if (!user) return undefined;
    const upn = originalUpn(user);
    const holder = this.findUser(upn);
    if (holder) throw conflict('userPrincipalName', holder.id);
    this.deletedUsers.delete(id);
    user.deletedDateTime = null;
    user.userPrincipalName = upn;
    this.users.set(id, user);
    return user;
  }

  /** The active or deleted user other than `exceptId` holding this ImmutableId. */
  immutableIdHolder(value: string, exceptId?: string): UserRecord | undefined {
    for (const pool of [this.users, this.deletedUsers]) {
      for (const u of pool.values()) if (u.id !== exceptId && u.onPremisesImmutableId === value) return u;
    }
    return undefined;
  }

  /** The domain a UPN lives in, if it is one of the tenant's. */
  domainOf(upn: string): SimDomain | undefined {
    const suffix = upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
    return this.domains.find((d) => d.id.toLowerCase() === suffix);
  }

  /** The tenant's initial `*.onmicrosoft.com` domain. */
  initialDomain(): string {
    return this.domains.find((d) => d.isInitial)?.id ?? `${this.tenantId}.onmicrosoft.com`;
  }

  roleDefinition(id: string): SimRoleDefinition | undefined {
    return this.roleDefinitions.find((r) => r.id === id || r.templateId === id);
  }

  /**
   * Every directory role the user holds (active) or may activate (eligible), assigned to the user
   * or to a role-assignable group the user is a member of (roles do not pass through ownership).
   */
  rolesOf(userId: string): HeldRole[] {
    const groups = this.groups.filter((g) => g.isAssignableToRole && g.members.includes(userId));
    const found: HeldRole[] = [];
    for (const [kind, list] of [
      ['active', this.roleAssignments],
      ['eligible', this.roleEligibilities],
    ] as const) {
      for (const a of list) {
        const role = this.roleDefinition(a.roleDefinitionId);
        if (!role) continue;
        if (a.principalId === userId) found.push({ role, kind });
        const group = groups.find((g) => g.id === a.principalId);
        if (group) found.push({ role, kind, viaGroup: group.id });
      }
    }
    return found;
  }

  /** Role-assignable groups the user is a member or an owner of. */
  roleAssignableGroupsOf(userId: string): SimGroup[] {
    return this.groups.filter(
      (g) => g.isAssignableToRole && (g.members.includes(userId) || g.owners.includes(userId)),
    );
  }
}

/** The UPN a deleted user had before Entra prefixed it with its object id (see softDelete). */
function originalUpn(user: UserRecord): string {
  const prefix = user.id.replace(/-/g, '');
  return user.userPrincipalName.startsWith(prefix)
    ? user.userPrincipalName.slice(prefix.length)
    : user.userPrincipalName;
}
