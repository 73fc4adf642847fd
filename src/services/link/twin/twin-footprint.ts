import type { CappedList, CloudUserDetail, Knowable, UserFootprint } from '../../entra/cloud-user';

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

/**
 * The twin plan's footprint of a user, from what Graph read (`TwinCleanupDirectory.getTwinFootprint`)
 * and the user itself (its proxyAddresses). A list Graph cut at its cap becomes "could not check":
 * the plan compares the lists to tell what a delete would lose, and a part of a list cannot say
 * that — so it fails closed rather than show the first N as everything.
 */
export function footprintOf(user: CloudUserDetail, footprint: UserFootprint): TwinFootprint {
  return {
    assignedLicenses: mapKnown(footprint.assignedLicenses, (skus) => skus.map((skuId) => ({ skuId }))),
    mailbox: mapKnown(footprint.mailbox, (m) => ({
      hasMailbox: m.hasMailbox,
      // The user's own read is the one preflight compares; the footprint's is the fallback.
      proxyAddresses: user.proxyAddresses.length > 0 ? [...user.proxyAddresses] : [...m.proxyAddresses],
    })),
    groups: complete(footprint.groups, 'groups', (g) => ({ id: g.id, displayName: g.displayName })),
    appRoleAssignments: complete(footprint.appRoleAssignments, 'app role assignments', (r) => ({
      resourceId: r.resourceId ?? 'unknown application',
      resourceDisplayName: r.resourceDisplayName,
      appRoleId: r.appRoleId,
    })),
    signInActivity: mapKnown(footprint.signInActivity, (s) => ({
      lastSignInDateTime: s?.lastSignInDateTime ?? null,
      lastNonInteractiveSignInDateTime: s?.lastNonInteractiveSignInDateTime ?? null,
    })),
    createdDateTime: footprint.createdDateTime,
  };
}

/** Every part "could not check" for the same reason (the whole footprint read failed). */
export function unknownFootprint(reason: string): TwinFootprint {
  const unknown = { known: false as const, reason };
  return {
    assignedLicenses: unknown,
    mailbox: unknown,
    groups: unknown,
    appRoleAssignments: unknown,
    signInActivity: unknown,
    createdDateTime: unknown,
  };
}

function mapKnown<T, U>(part: Knowable<T>, map: (value: T) => U): Knowable<U> {
  return part.known ? { known: true, value: map(part.value) } : part;
}

function complete<T, U>(part: Knowable<CappedList<T>>, what: string, map: (item: T) => U): Knowable<U[]> {
  if (!part.known) return part;
  const { items, truncated } = part.value;
  if (truncated) {
    return {
      known: false,
      reason: `more than ${items.length} ${what}; Anchor could not compare them all`,
    };
  }
  return { known: true, value: items.map(map) };
}
