/**
 * The simulated tenant's objects, in Graph v1.0/beta property names, so the routes can return
 * them with little mapping.
 */

/** A cloud user of the simulated tenant. Optional on-prem fields default to null. */
export interface SimCloudUser {
  id: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  userPrincipalName: string;
  mail?: string | null;
  proxyAddresses: string[];
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  createdDateTime: string;
  onPremisesImmutableId: string | null;
  /** null: never synced; true: synced now; false: was synced, then converted to cloud. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesUserPrincipalName: string | null;
  onPremisesDistinguishedName?: string | null;
  /** Beta only (not in the v1.0 metadata); blocks hard match when set (2026 hardening). */
  onPremisesObjectIdentifier?: string | null;
  /** Set on users in the recycle bin. */
  deletedDateTime?: string | null;
  /** Licences (SKUs) assigned to the user, directly or through a group. Defaults to none. */
  assignedLicenses?: SimAssignedLicense[];
  /** Service plans the licences give, e.g. `service: 'exchange'`. Defaults to none. */
  assignedPlans?: SimAssignedPlan[];
  /**
   * Service plans as the services provisioned them: an Exchange Online mailbox shows as
   * `service: 'exchange'`, `provisioningStatus: 'Success'`. Defaults to none.
   */
  provisionedPlans?: SimProvisionedPlan[];
  /**
   * Last sign-ins; Graph returns it only on `$select`, to an app with AuditLog.Read.All, in a
   * tenant with Entra ID P1 or P2. null: never signed in (the default).
   */
  signInActivity?: SimSignInActivity | null;
  /**
   * App roles assigned to the user directly (`GET /users/{id}/appRoleAssignments`). Not a user
   * property in Graph: the simulator keeps them here so a seed can give them per user.
   */
  appRoleAssignments?: SimAppRoleAssignment[];
}

/** One licence of a user (Graph's assignedLicense). */
export interface SimAssignedLicense {
  skuId: string;
  /** Service plans of the SKU switched off for this user. */
  disabledPlans: string[];
}

/** One service plan assigned to a user (Graph's assignedPlan). */
export interface SimAssignedPlan {
  assignedDateTime: string;
  /** Enabled, Warning, Suspended, Deleted or LockedOut. */
  capabilityStatus: string;
  /** e.g. `exchange`, `SharePoint`, `MicrosoftCommunicationsOnline`. */
  service: string;
  servicePlanId: string;
}

/** One service plan as its service provisioned it (Graph's provisionedPlan). */
export interface SimProvisionedPlan {
  capabilityStatus: string;
  /** Success, Disabled, Error, PendingInput, PendingActivation or PendingProvisioning. */
  provisioningStatus: string;
  service: string;
}

/** Graph's signInActivity of a user. */
export interface SimSignInActivity {
  lastSignInDateTime: string | null;
  lastSignInRequestId?: string | null;
  lastNonInteractiveSignInDateTime?: string | null;
  lastNonInteractiveSignInRequestId?: string | null;
  lastSuccessfulSignInDateTime?: string | null;
  lastSuccessfulSignInRequestId?: string | null;
}

/** An app role assigned to a user (Graph's appRoleAssignment, the simulator's part of it). */
export interface SimAppRoleAssignment {
  /** Defaults to a new id. */
  id?: string;
  /** The app role; the all-zero GUID is the default access role of an app without roles. */
  appRoleId: string;
  /** The resource app's service principal. */
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime?: string;
}

/** A user as the state stores it: every optional field present. */
export type UserRecord = Required<SimCloudUser>;

/** The simulated tenant's organization object. */
export interface SimOrganization {
  id: string;
  displayName: string;
  onPremisesSyncEnabled: boolean;
  onPremisesLastSyncDateTime: string;
  onPremisesLastPasswordSyncDateTime: string;
  verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean; type: string }[];
}

/** A domain of the tenant, as `GET /domains` returns it. */
export interface SimDomain {
  id: string;
  authenticationType: 'Managed' | 'Federated';
  isDefault: boolean;
  isInitial: boolean;
  isVerified: boolean;
}

/** A directory role definition (only the properties the bot reads). */
export interface SimRoleDefinition {
  id: string;
  templateId: string;
  displayName: string;
  isBuiltIn: boolean;
  /** Whether Microsoft marks the role privileged; hard match onto its holders is blocked. */
  isPrivileged: boolean;
}

/** An active or eligible (PIM) role assignment at tenant scope. */
export interface SimRoleAssignment {
  id?: string;
  principalId: string;
  /** A role definition id (for built-in roles, the template id). */
  roleDefinitionId: string;
}

/** `GET /directory/onPremisesSynchronization` features the simulator models. */
export interface SimSyncFeatures {
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean;
  blockSoftMatchEnabled: boolean;
  softMatchOnUpnEnabled: boolean;
  passwordSyncEnabled: boolean;
}

/**
 * A group of the tenant, as far as the simulator models it: role-assignable groups carry
 * directory roles to their members, and their members and owners count as privileged targets.
 */
export interface SimGroup {
  id: string;
  displayName: string;
  /**
   * Only a role-assignable group can be assigned a directory role (set at creation in Entra).
   * Defaults to false.
   */
  isAssignableToRole?: boolean;
  /** User or group object ids; security groups nest, role-assignable groups cannot nest groups. */
  members: string[];
  /** User ids. Defaults to none. */
  owners?: string[];
}

/** An app that may get tokens; the secret is checked when given. */
export interface SimClientApp {
  clientId: string;
  clientSecret?: string;
  /**
   * Directory roles assigned to the app's service principal (role definition or template ids),
   * e.g. Privileged Authentication Administrator to change sensitive properties of admins.
   */
  roles?: string[];
  /**
   * Application permissions granted with admin consent (e.g. `RoleManagement.Read.Directory`);
   * absent: every permission Anchor asks for. Only the reads that name them check them.
   */
  permissions?: string[];
}

/** The AD side of a sync cycle: one on-prem user as the connector space sees it. */
export interface SimAdUser {
  /** The source anchor as ImmutableId (base64 of the 16 anchor bytes). */
  sourceAnchor: string;
  sAMAccountName: string;
  userPrincipalName: string;
  mail?: string;
  /** `SMTP:` (primary) and `smtp:` addresses; the primary one, or else `mail`, is soft matched. */
  proxyAddresses?: string[];
  displayName: string;
  givenName?: string;
  surname?: string;
  distinguishedName: string;
  enabled: boolean;
  /**
   * Whether the sync server's OU filter takes the user in. In a SimAdView with `syncOus`, the
   * sync server decides it again from `distinguishedName` at each delta (scopeAtDelta).
   */
  inScope: boolean;
}

/**
 * The AD side of a delta as the stand-in ADSync host reads it (ADSYNC_SIM_AD_VIEW): the AD users
 * with their DNs, and the OUs the sync server's connector filters on (LDAP_SYNC_OUS semantics; none:
 * every OU). A bare SimAdUser[] (no OU filter) keeps each user's `inScope` as written.
 */
export interface SimAdView {
  syncOus: string[];
  users: SimAdUser[];
}

/** One sync error, as Entra Connect Health would list it. */
export interface SimSyncError {
  sourceAnchor: string;
  code: string;
  message: string;
  /** The cloud user the export collided with, when there is one. */
  cloudUserId?: string;
}

/** What one sync cycle did. */
export interface SyncReport {
  /** Cloud-only users taken over by hard (or soft) match. */
  matched: { sourceAnchor: string; userId: string; userPrincipalName: string }[];
  /** New synced users (duplicates when a cloud user for the same person existed). */
  created: { sourceAnchor: string; userId: string; userPrincipalName: string }[];
  /** Already synced users refreshed (or restored from the recycle bin). */
  refreshed: { sourceAnchor: string; userId: string }[];
  /** Synced users whose AD user left the scope, now in the recycle bin. */
  deleted: { sourceAnchor: string; userId: string }[];
  errors: SimSyncError[];
}
