/** A cloud user as search results show it. */
export interface CloudUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string;
  mail: string | null;
  /** `SMTP:` (primary) and `smtp:` addresses, when Graph returned them. */
  proxyAddresses?: string[];
  givenName?: string | null;
  surname?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  /** True for a user synced from AD, false for one converted to cloud-only, null for cloud-only. */
  onPremisesSyncEnabled?: boolean | null;
  /** Tie-breakers of pair matching, when Graph returned them. */
  employeeId?: string | null;
  department?: string | null;
  jobTitle?: string | null;
}

/** A cloud user with every property preflight reads. */
export interface CloudUserDetail extends CloudUser {
  proxyAddresses: string[];
  onPremisesImmutableId: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesUserPrincipalName: string | null;
  createdDateTime: string | null;
}

/** A user in the recycle bin (soft-deleted, restorable for 30 days). */
export interface DeletedCloudUser extends CloudUser {
  deletedDateTime: string | null;
  onPremisesImmutableId: string | null;
}

/** A value Graph may not be able to tell: missing permission, or a property it does not return. */
export type Knowable<T> = { known: true; value: T } | { known: false; reason: string };

/** Every object that already holds an ImmutableId, live or deleted. */
export interface ImmutableIdHolders {
  users: CloudUserDetail[];
  deletedUsers: DeletedCloudUser[];
  /** True when either list hit the cap (there should never be more than one holder). */
  truncated: boolean;
  /**
   * Set when Graph refused to filter the recycle bin by ImmutableId and Anchor read it page by
   * page instead: how many deleted users it looked at, and whether that was all of them (false:
   * the scan stopped at its cap, so a holder among the rest would be missed).
   */
  recycleBinScan?: { scanned: number; complete: boolean };
}

/** How a domain signs users in. `Federated` domains need the UPN moved before a hard match. */
export interface DomainAuthentication {
  domain: string;
  authenticationType: 'Managed' | 'Federated' | string;
  isVerified: boolean | null;
}

/** One directory role a user holds (active) or may activate (eligible, PIM). */
export interface RoleAssignment {
  id: string;
  kind: 'active' | 'eligible';
  roleDefinitionId: string;
  /** Display name of the role, when Graph expanded the definition. */
  roleName?: string;
  /** Role template id (stable across tenants), when Graph expanded the definition. */
  roleTemplateId?: string;
  directoryScopeId: string | null;
}

/** A user's directory roles. */
export interface UserRoles {
  active: RoleAssignment[];
  eligible: RoleAssignment[];
  /**
   * `not-licensed`: the tenant has no Entra ID P2, so PIM does not exist there and no role can be
   * eligible (Graph answered AadPremiumLicenseRequired); `eligible` is then empty by fact.
   */
  pim: 'available' | 'not-licensed';
  truncated: boolean;
}

/** A role-assignable group the user is a member or an owner of. */
export interface RoleGroupMembership {
  id: string;
  /** Null when Graph listed the group without its properties (too few permissions to read groups). */
  displayName: string | null;
  relation: 'member' | 'owner';
  /**
   * True when Graph returned `isAssignableToRole: true`; false when it listed the group for the
   * role-assignable filter without its properties, so Anchor cannot tell.
   */
  confirmed: boolean;
}

/** The user's memberships and ownerships of role-assignable groups. */
export interface RoleGroupMemberships {
  groups: RoleGroupMembership[];
  truncated: boolean;
}

/**
 * The tenant's sync status, from the v1.0 organization object. The last password hash sync is
 * not here: only beta has it (see CloudDirectory.getLastPasswordSync).
 */
export interface OrganizationSync {
  tenantId: string;
  displayName: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
}

/** Tenant features of Entra Connect sync that decide whether a hard match is allowed. */
export interface SyncFeatures {
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean | null;
  blockSoftMatchEnabled: boolean | null;
  /** Every feature flag as Graph returned it. */
  all: Record<string, unknown>;
}

/**
 * Whether a user has an Exchange Online mailbox, as far as Graph shows it without Exchange's own
 * APIs: `provisionedPlans` lists the `exchange` service as provisioned (`Success`) once Exchange
 * Online has created the mailbox for a licence. `mail` and `proxyAddresses` alone do not prove a
 * mailbox (a synced user carries them from AD, and a hybrid mailbox lives on-premises); they are
 * reported for the admin to compare.
 */
export interface MailboxFacts {
  /** True when provisionedPlans has `exchange` with provisioningStatus `Success`, not `Deleted`. */
  hasMailbox: boolean;
  /** provisioningStatus of the exchange plan (e.g. `PendingInput`), or null when there is none. */
  exchangeProvisioning: string | null;
  /** True when an enabled Exchange service plan is assigned (a licence that brings a mailbox). */
  exchangeLicensed: boolean;
  mail: string | null;
  /** `SMTP:` (primary) and `smtp:` addresses, and any other proxy addresses. */
  proxyAddresses: string[];
}

/** A group the user is a direct member of. */
export interface FootprintGroup {
  id: string;
  /** Null when Graph listed the group without its properties (too few permissions). */
  displayName: string | null;
}

/** An app role assigned to the user. */
export interface FootprintAppRole {
  id: string;
  appRoleId: string;
  resourceId: string | null;
  resourceDisplayName: string | null;
}

/** A list read up to a cap; `truncated` says when Graph had more. */
export interface CappedList<T> {
  items: T[];
  truncated: boolean;
}

/** The user's last sign-ins (Graph's signInActivity), each null when Graph has none. */
export interface SignInActivity {
  lastSignInDateTime: string | null;
  lastNonInteractiveSignInDateTime: string | null;
  lastSuccessfulSignInDateTime: string | null;
}

/**
 * What deleting a cloud user would lose, for the "delete the twin, keep the original" plan. Every
 * part is read on its own: a part Graph refused or could not answer is `known: false` with the
 * reason (the permission to grant, the licence the tenant lacks), never an empty list.
 */
export interface UserFootprint {
  userId: string;
  createdDateTime: Knowable<string | null>;
  /** SKU ids of the user's licences. */
  assignedLicenses: Knowable<string[]>;
  mailbox: Knowable<MailboxFacts>;
  /** Direct group memberships (transitive ones come through these). */
  groups: Knowable<CappedList<FootprintGroup>>;
  appRoleAssignments: Knowable<CappedList<FootprintAppRole>>;
  /** null: Graph has no sign-in recorded for the user. */
  signInActivity: Knowable<SignInActivity | null>;
}
