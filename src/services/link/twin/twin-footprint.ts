import type { Knowable } from '../../entra/cloud-user';

/**
 * What a cloud user carries that a hard delete would destroy, as Graph reads it. Each part is a
 * {@link Knowable}: a part Graph would not show (a missing permission, a licence the tenant lacks)
 * is `known: false` with the reason, never an empty list, so "could not check" is never mistaken
 * for "holds nothing". This is the shape the lead wires to `CloudDirectory.getTwinFootprint(userId)`.
 */
export interface TwinFootprint {
  /** The licences assigned to the user (skuId, and the SKU's part number when Graph expanded it). */
  assignedLicenses: Knowable<LicenseRef[]>;
  /** Whether Exchange Online holds a mailbox for the user, and its proxyAddresses. */
  mailbox: Knowable<MailboxRef>;
  /** The groups the user is a direct member of. */
  groups: Knowable<GroupRef[]>;
  /** The app roles assigned to the user (enterprise applications). */
  appRoleAssignments: Knowable<AppRoleRef[]>;
  /** The last sign-ins; needs Entra ID P1 and AuditLog.Read.All, so often not knowable. */
  signInActivity: Knowable<SignInRef>;
  /** When the user was created. */
  createdDateTime: Knowable<string | null>;
}

/** One assigned licence. */
export interface LicenseRef {
  skuId: string;
  /** E.g. `SPE_E3`, when Graph expanded the SKU. */
  skuPartNumber?: string | null;
}

/** The user's mailbox, as far as Graph tells. */
export interface MailboxRef {
  hasMailbox: boolean;
  proxyAddresses: string[];
}

/** One group membership. */
export interface GroupRef {
  id: string;
  displayName: string | null;
}

/** One app role assignment: the role `appRoleId` of the application `resourceId`. */
export interface AppRoleRef {
  resourceId: string;
  resourceDisplayName: string | null;
  /** The all-zero id is the default access of an app that defines no roles. */
  appRoleId: string;
}

/** The user's last sign-ins (ISO 8601), null when it never signed in that way. */
export interface SignInRef {
  lastSignInDateTime: string | null;
  lastNonInteractiveSignInDateTime: string | null;
}
