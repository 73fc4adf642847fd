import type { CloudUserDetail, ImmutableIdHolders, Knowable } from '../../entra/cloud-user';
import { formatTime } from '../../../shared/time-text';
import { GRAPH_PERMISSIONS, grantWords } from '../../entra/graph-permissions';
import type { Fact } from '../preflight/checks';
import { isUnreadable } from '../preflight/checks';
import type { AppRoleRef, GroupRef, LicenseRef, TwinFootprint } from './twin-footprint';

/**
 * ✓ pass, ⚠ warn (acknowledged by the requester), ✗ fail, ? unknown: Anchor could not read the
 * fact. An unknown check blocks like ✗ (fail closed) unless it is informative (see
 * {@link TwinCheck.informative}).
 */
export type TwinCheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** Every twin check, in the order the plan card lists them. */
export const TWIN_CHECK_IDS = [
  'twin-identity',
  'twin-licences',
  'twin-mailbox',
  'twin-groups',
  'twin-app-roles',
  'twin-sign-in',
] as const;

/** One of {@link TWIN_CHECK_IDS}. */
export type TwinCheckId = (typeof TWIN_CHECK_IDS)[number];

/** The outcome of one twin check, in the style of a preflight check. */
export interface TwinCheck {
  id: TwinCheckId;
  status: TwinCheckStatus;
  title: string;
  /** One line naming what was found (each licence, group or app role by name). */
  detail: string;
  /** For anything but pass: what the admin should do. */
  fix?: string;
  /**
   * True for a check that only informs (sign-in activity): its `unknown` asks for an
   * acknowledgement like a warning instead of blocking, since many tenants cannot read it at all.
   */
  informative?: true;
}

/** What the twin checks judge, read beforehand. */
export interface TwinFacts {
  original: CloudUserDetail;
  twin: CloudUserDetail;
  /** The ImmutableId of the AD user (the value the twin holds and the original will get). */
  immutableId: string;
  /** Live and deleted holders of that value, read for the plan. */
  holders: Fact<ImmutableIdHolders>;
  originalFootprint: TwinFootprint;
  twinFootprint: TwinFootprint;
  /** A sign-in of the twin after this is "recent" (the plan passes now minus e.g. 30 days). */
  recentSince: Date;
}

const TITLES: Record<TwinCheckId, string> = {
  'twin-identity': 'The twin is the only other holder, and synced',
  'twin-licences': 'The twin holds no licence the original lacks',
  'twin-mailbox': 'The twin has no mailbox of its own',
  'twin-groups': 'The twin is in no group the original is not in',
  'twin-app-roles': 'The twin holds no app role the original lacks',
  'twin-sign-in': 'The twin is not in use',
};

const check = (id: TwinCheckId, status: TwinCheckStatus, detail: string, fix?: string): TwinCheck => ({
  id,
  status,
  title: TITLES[id],
  detail,
  ...(fix === undefined ? {} : { fix }),
});

const couldNotCheck = (reason: string) => `could not check: ${reason}`;

/** The fix of a part Anchor could not read: deleting is permanent, so it must know. */
function readFix(what: string, permission: string): string {
  return (
    `Anchor must know ${what} before the twin is permanently deleted: grant Anchor's identity ` +
    `${permission} (admin consent), or click "Check again" once Graph answers.`
  );
}

/**
 * The twin must be the object the preflight found: a live, synced user holding the AD user's value,
 * and the only holder besides it. Step 2 waits for exactly this object to be soft-deleted; any
 * other holder would keep the value taken after the delete.
 */
export function twinIdentityCheck(
  facts: Pick<TwinFacts, 'original' | 'twin' | 'immutableId' | 'holders'>,
): TwinCheck {
  const id = 'twin-identity';
  const { twin, original, immutableId, holders } = facts;
  if (isUnreadable(holders)) {
    return check(
      id,
      'unknown',
      couldNotCheck(holders.error),
      readFix('who else holds the value', 'User.Read.All'),
    );
  }
  if (twin.id === original.id) {
    return check(id, 'fail', `the twin and the original are the same user ${twin.id}`, 'Plan the fix again.');
  }
  if (twin.onPremisesSyncEnabled !== true || twin.onPremisesImmutableId !== immutableId) {
    return check(
      id,
      'fail',
      `${twin.userPrincipalName} (${twin.id}) is not a synced user holding ${immutableId}`,
      'Moving the AD user out of scope would not delete this user: plan the fix again from a fresh preflight.',
    );
  }
  const others = [
    ...holders.users.filter((u) => u.id !== twin.id).map((u) => `${u.userPrincipalName} (${u.id})`),
    ...holders.deletedUsers.map((u) => `deleted ${u.userPrincipalName} (${u.id})`),
  ];
  if (
    others.length > 0 ||
    holders.truncated ||
    (holders.recycleBinScan && !holders.recycleBinScan.complete)
  ) {
    const listed = others.length > 0 ? others.join(', ') : 'more objects than Anchor could list';
    return check(
      id,
      'fail',
      `besides the twin, ${immutableId} is held by ${listed}`,
      'Find out why these objects hold the AD user’s anchor and remove the value (or the object) first.',
    );
  }
  return check(
    id,
    'pass',
    `${twin.userPrincipalName} (${twin.id}) is synced and the only other holder of ${immutableId}`,
  );
}

/** Licences on the twin die with it; users lose access to what only the twin was licensed for. */
export function twinLicencesCheck(twin: Knowable<LicenseRef[]>, original: Knowable<LicenseRef[]>): TwinCheck {
  const id = 'twin-licences';
  const unread = unknownOf(id, [twin, original], 'the licences of both users', 'User.Read.All');
  if (unread) return unread;
  const have = new Set(known(original).map((l) => l.skuId.toLowerCase()));
  const extra = known(twin).filter((l) => !have.has(l.skuId.toLowerCase()));
  if (extra.length === 0)
    return check(
      id,
      'pass',
      licencesText(known(twin), 'the twin holds no licence', 'the original also holds'),
    );
  return check(
    id,
    'fail',
    `the twin holds ${extra.map(licenceName).join(', ')}, which the original lacks`,
    'Assign these licences to the original user (and move whatever the twin used them for), remove them ' +
      'from the twin, then click "Check again".',
  );
}

/**
 * A mailbox is the twin's own, even when the original has one too: the hard delete takes its mail
 * with it, so any twin mailbox blocks until the admin has moved what matters and removed it.
 */
export function twinMailboxCheck(
  twin: Knowable<{ hasMailbox: boolean; proxyAddresses: string[] }>,
): TwinCheck {
  const id = 'twin-mailbox';
  const unread = unknownOf(id, [twin], 'whether the twin has a mailbox', 'User.Read.All');
  if (unread) return unread;
  const { hasMailbox, proxyAddresses } = known(twin);
  const addresses = proxyAddresses.length > 0 ? ` (${proxyAddresses.join(', ')})` : '';
  if (!hasMailbox) {
    return check(
      id,
      'pass',
      `no mailbox${addresses}; the AD user's addresses reach the original at the match`,
    );
  }
  return check(
    id,
    'fail',
    `the twin has its own mailbox${addresses}; a permanent delete removes its mail`,
    'Move the mail the twin holds to the original’s mailbox (or confirm it is empty), then remove the ' +
      'twin’s Exchange licence so its mailbox goes, and click "Check again".',
  );
}

/** Memberships grant access; the original must already have them or someone loses it at step 3. */
export function twinGroupsCheck(twin: Knowable<GroupRef[]>, original: Knowable<GroupRef[]>): TwinCheck {
  const id = 'twin-groups';
  const unread = unknownOf(id, [twin, original], 'the groups of both users', 'GroupMember.Read.All');
  if (unread) return unread;
  const have = new Set(known(original).map((g) => g.id));
  const extra = known(twin).filter((g) => !have.has(g.id));
  if (extra.length === 0) return check(id, 'pass', 'the twin is in no group the original is not in');
  return check(
    id,
    'fail',
    `the twin is a member of ${extra.map((g) => (g.displayName ? `${g.displayName} (${g.id})` : `group ${g.id}`)).join(', ')}, the original is not`,
    'Add the original user to these groups (for synced groups, in AD), then click "Check again".',
  );
}

/** App role assignments are the twin's way into enterprise applications. */
export function twinAppRolesCheck(twin: Knowable<AppRoleRef[]>, original: Knowable<AppRoleRef[]>): TwinCheck {
  const id = 'twin-app-roles';
  const unread = unknownOf(
    id,
    [twin, original],
    'the app role assignments of both users',
    // Graph's "List appRoleAssignments granted to a user": Directory.Read.All, not Application.Read.All.
    grantWords(GRAPH_PERMISSIONS.readAppRoleAssignments),
  );
  if (unread) return unread;
  const key = (r: AppRoleRef) => `${r.resourceId}/${r.appRoleId}`.toLowerCase();
  const have = new Set(known(original).map(key));
  const extra = known(twin).filter((r) => !have.has(key(r)));
  if (extra.length === 0) return check(id, 'pass', 'the twin holds no app role the original lacks');
  return check(
    id,
    'fail',
    `the twin holds ${extra.map(appRoleName).join(', ')}, the original does not`,
    'Assign these app roles to the original user (Enterprise applications → Users and groups), then click "Check again".',
  );
}

/**
 * Informative: a twin someone signs in with is in use, and deleting it ends those sessions, but
 * sign-in activity needs Entra ID P1 and AuditLog.Read.All, so not knowing must not block.
 */
export function twinSignInCheck(
  twin: Knowable<{ lastSignInDateTime: string | null; lastNonInteractiveSignInDateTime: string | null }>,
  recentSince: Date,
): TwinCheck {
  const id = 'twin-sign-in';
  if (!twin.known) {
    return {
      ...check(
        id,
        'unknown',
        couldNotCheck(twin.reason),
        'Look at the twin’s sign-in logs in the Entra admin center and make sure nobody uses it before you approve.',
      ),
      informative: true,
    };
  }
  const times = [twin.value.lastSignInDateTime, twin.value.lastNonInteractiveSignInDateTime].filter(
    (t): t is string => t !== null,
  );
  const last = times.sort().at(-1);
  if (!last) return { ...check(id, 'pass', 'the twin has never signed in'), informative: true };
  if (Date.parse(last) >= recentSince.getTime()) {
    return {
      ...check(
        id,
        'warn',
        `the twin signed in ${formatTime(last)}`,
        'Someone uses the twin: tell them to sign in as the original user from now on; deleting the twin ends their sessions.',
      ),
      informative: true,
    };
  }
  return { ...check(id, 'pass', `the twin last signed in ${formatTime(last)}`), informative: true };
}

/** Every check of {@link TWIN_CHECK_IDS}, in that order. */
export function evaluateTwinChecks(facts: TwinFacts): TwinCheck[] {
  const t = facts.twinFootprint;
  const o = facts.originalFootprint;
  return [
    twinIdentityCheck(facts),
    twinLicencesCheck(t.assignedLicenses, o.assignedLicenses),
    twinMailboxCheck(t.mailbox),
    twinGroupsCheck(t.groups, o.groups),
    twinAppRolesCheck(t.appRoleAssignments, o.appRoleAssignments),
    twinSignInCheck(t.signInActivity, facts.recentSince),
  ];
}

/** An `unknown` check when any of `parts` could not be read: never a pass on half the facts. */
function unknownOf(
  id: TwinCheckId,
  parts: readonly Knowable<unknown>[],
  what: string,
  permission: string,
): TwinCheck | undefined {
  const reasons = parts.filter((p): p is { known: false; reason: string } => !p.known).map((p) => p.reason);
  if (reasons.length === 0) return undefined;
  return check(id, 'unknown', couldNotCheck(reasons.join('; ')), readFix(what, permission));
}

function known<T>(part: Knowable<T>): T {
  if (!part.known) throw new TypeError('read of an unknown footprint part');
  return part.value;
}

function licenceName(l: LicenseRef): string {
  return l.skuPartNumber ?? `licence ${l.skuId}`;
}

function licencesText(all: LicenseRef[], none: string, some: string): string {
  return all.length === 0 ? none : `${some} ${all.map(licenceName).join(', ')}`;
}

function appRoleName(r: AppRoleRef): string {
  return `${r.resourceDisplayName ?? `app ${r.resourceId}`} (role ${r.appRoleId})`;
}
