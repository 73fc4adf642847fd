import type {
  CloudUserDetail,
  DeletedCloudUser,
  DomainAuthentication,
  ImmutableIdHolders,
  Knowable,
  RoleAssignment,
  RoleGroupMembership,
  RoleGroupMemberships,
  SyncFeatures,
  UserRoles,
} from '../../entra/cloud-user';
import type { DirectoryUser } from '../../../shared/directory/ad-directory';
import type { PairCandidate } from '../pair-matching';
import { describeEvidence } from '../pair-matching';
import type { PreflightCheck, PreflightCheckId } from './report';
import { PREFLIGHT_CHECK_IDS } from './report';
import type { RelayHeartbeat } from '../../relay/presence';
import { formatTime } from '../../../shared/time-text';

/** A fact that could not be read; `error` is the service's own chat-ready message. */
export interface Unreadable {
  error: string;
  /** True when Graph refused for lack of a permission (403), so the fix is a grant, not a retry. */
  denied?: boolean;
}

/** A fact as preflight fetched it: the value, or why it could not be read. */
export type Fact<T> = T | Unreadable;

/** True when `fact` could not be read. */
export function isUnreadable<T>(fact: Fact<T>): fact is Unreadable {
  return (
    typeof fact === 'object' &&
    fact !== null &&
    'error' in fact &&
    typeof (fact as { error: unknown }).error === 'string'
  );
}

/** What the relay last told about the sync server, judged at preflight time. */
export interface RelayFact {
  /** Null when the relay never polled. */
  heartbeat: RelayHeartbeat | null;
  /** True when the heartbeat is recent enough to count the relay as online. */
  fresh: boolean;
  /** How old the heartbeat was when preflight ran, in milliseconds; null without one. */
  ageMs: number | null;
}

/** Everything the checks judge, fetched beforehand (see run-preflight.ts). */
export interface PreflightFacts {
  ad: DirectoryUser;
  cloud: CloudUserDetail;
  /** Live and recycle-bin users holding the AD user's ImmutableId. */
  holders: Fact<ImmutableIdHolders>;
  /** How the cloud user's UPN domain signs in. */
  domain: Fact<DomainAuthentication>;
  /** The cloud user's active and eligible directory roles. */
  roles: Fact<UserRoles>;
  /** The role-assignable groups the cloud user is a member or an owner of. */
  roleGroups: Fact<RoleGroupMemberships>;
  /** The cloud user's onPremisesObjectIdentifier (beta), or why Graph cannot tell. */
  objectIdentifier: Fact<Knowable<string | null>>;
  /** The tenant's hard/soft-match blocking features, or why Graph cannot tell. */
  syncFeatures: Fact<Knowable<SyncFeatures>>;
  /** The sync server as the relay reported it; null when no relay is configured. */
  syncServer: Fact<RelayFact> | null;
  /** How plausible it is that both accounts are the same person (scored with the tenant's domains). */
  pair: PairCandidate;
}

const TITLES: Record<PreflightCheckId, string> = {
  'cloud-only': 'Cloud user is cloud-only',
  'anchor-unique': 'No other object holds the ImmutableId',
  'no-synced-twin': 'No synced twin of the AD user',
  'ad-user-ready': 'AD user is enabled and in sync scope',
  'domain-managed': 'UPN domain is managed',
  'no-privileged-role': 'Cloud user holds no admin role',
  'no-role-group': 'Cloud user is in no role-assignable group',
  'no-object-identifier': 'No onPremisesObjectIdentifier',
  'tenant-hard-match-block': 'Tenant allows hard matching',
  'sync-server': 'Sync server is ready',
  'same-person': 'Both accounts are the same person',
};

const pass = (id: PreflightCheckId, detail: string): PreflightCheck => ({
  id,
  status: 'pass',
  title: TITLES[id],
  detail,
});
const warn = (id: PreflightCheckId, detail: string, fix: string): PreflightCheck => ({
  id,
  status: 'warn',
  title: TITLES[id],
  detail,
  fix,
});
const fail = (id: PreflightCheckId, detail: string, fix: string): PreflightCheck => ({
  id,
  status: 'fail',
  title: TITLES[id],
  detail,
  fix,
});
const couldNotCheck = (error: Unreadable) => `could not check: ${error.error}`;

/**
 * The fix of a takeover guard whose facts could not be read: it blocks (✗ cannot be acknowledged),
 * and says which application permission is missing when Graph refused for that reason.
 */
function cannotCheckFix(error: Unreadable, permission: string, what: string): string {
  return error.denied
    ? `Grant Anchor's identity the ${permission} application permission (admin consent), then click "Check again"; Anchor must know ${what}.`
    : `Click "Check again" once the service answers; Anchor must know ${what}.`;
}

/**
 * The cloud user must never have been synced and carry no ImmutableId: hard matching only works
 * for an object new to the sync, and Graph refuses on-prem attributes on synced or converted users.
 */
export function cloudOnlyCheck(cloud: Fact<CloudUserDetail>, immutableId: string): PreflightCheck {
  const id = 'cloud-only';
  if (isUnreadable(cloud))
    return fail(id, couldNotCheck(cloud), 'Try again once the cloud user can be read.');
  const upn = cloud.userPrincipalName;
  if (cloud.onPremisesSyncEnabled === true) {
    return fail(
      id,
      `${upn} is already synced from AD${since(cloud.onPremisesLastSyncDateTime)}`,
      'A synced user is already linked to an AD account and mastered there; pick the cloud-only user.',
    );
  }
  if (cloud.onPremisesSyncEnabled === false) {
    return fail(
      id,
      `${upn} was synced, then converted to cloud-only — onPremisesSyncEnabled false`,
      'Graph refuses on-prem attributes on a user converted from sync ("originated within an external ' +
        'service"), so Anchor cannot link it: ask Microsoft support, or pick another user.',
    );
  }
  if (cloud.onPremisesImmutableId !== null) {
    const same = cloud.onPremisesImmutableId === immutableId;
    return fail(
      id,
      `${upn} already has ImmutableId ${cloud.onPremisesImmutableId}` +
        (same ? " (this AD user's value: a link is already waiting for the sync)" : ''),
      same
        ? 'Nothing to write: let the next delta sync take the user over, or clear the value to start again.'
        : 'Clear its onPremisesImmutableId (JSON null) if the value is stale, or pick another user.',
    );
  }
  return pass(id, `${upn} has never been synced and has no ImmutableId`);
}

/**
 * Nobody else may hold the value: Graph refuses a duplicate (ObjectConflict), a recycle-bin user
 * included. Synced live holders are left to {@link noSyncedTwinCheck}, which has its own fix.
 */
export function anchorUniqueCheck(
  holders: Fact<ImmutableIdHolders>,
  cloudUserId: string,
  immutableId: string,
): PreflightCheck {
  const id = 'anchor-unique';
  if (isUnreadable(holders)) {
    return fail(
      id,
      couldNotCheck(holders),
      cannotCheckFix(holders, 'User.Read.All', 'that nobody else, live or deleted, holds the value'),
    );
  }
  const deleted = holders.deletedUsers[0];
  if (deleted) {
    return fail(
      id,
      `${immutableId} is held by ${describeDeleted(deleted)} in the recycle bin`,
      'Permanently delete it from Deleted users (deletedItems) first, or restore it instead of linking.',
    );
  }
  const cloudOnly = holders.users.find((u) => u.id !== cloudUserId && u.onPremisesSyncEnabled !== true);
  if (cloudOnly) {
    return fail(
      id,
      `${immutableId} is already held by the cloud user ${cloudOnly.userPrincipalName} (${cloudOnly.id})`,
      'Clear the value on that user if it is a mistake, or link the AD user to that user instead.',
    );
  }
  if (holders.truncated) {
    return fail(
      id,
      `too many objects hold ${immutableId} to list them all`,
      'Look the value up in Entra ID (users and Deleted users) and clear it where it does not belong.',
    );
  }
  const scan = holders.recycleBinScan;
  if (scan && !scan.complete) {
    return fail(
      id,
      `could not check the whole recycle bin: Graph would not filter deleted users by ImmutableId, and ` +
        `Anchor stopped reading them after ${scan.scanned} (none of those holds ${immutableId})`,
      `Look ${immutableId} up among the deleted users yourself (GET /directory/deletedItems/microsoft.graph.user` +
        '?$select=id,userPrincipalName,onPremisesImmutableId, every page) and permanently delete a holder ' +
        'you find; Anchor cannot pass this check while the recycle bin holds that many users.',
    );
  }
  const where = scan ? ` (all ${scan.scanned} deleted users read, as Graph would not filter them)` : '';
  return pass(id, `no other user, live or deleted, holds ${immutableId}${where}`);
}

/**
 * A live synced user holding the value means Entra Connect already created a second cloud user
 * for this AD account: setting the value on the original one would collide with it.
 */
export function noSyncedTwinCheck(holders: Fact<ImmutableIdHolders>, cloudUserId: string): PreflightCheck {
  const id = 'no-synced-twin';
  if (isUnreadable(holders)) {
    return fail(
      id,
      couldNotCheck(holders),
      cannotCheckFix(holders, 'User.Read.All', 'whether a synced twin exists'),
    );
  }
  const twin = holders.users.find((u) => u.id !== cloudUserId && u.onPremisesSyncEnabled === true);
  if (twin) {
    return fail(
      id,
      `Entra Connect already created the synced twin ${twin.userPrincipalName} (${twin.id}) for this AD user`,
      'Move the AD user out of sync scope and run a delta sync (the twin is soft-deleted); hard-delete ' +
        'the twin from Deleted users (deletedItems); set the ImmutableId on the original cloud user; ' +
        'move the AD user back into scope and run a delta sync.',
    );
  }
  if (holders.truncated) {
    return fail(
      id,
      'too many objects hold the value to look for a synced twin among them',
      'Look the value up in Entra ID and remove the objects that should not hold it.',
    );
  }
  return pass(id, 'no synced user holds the value');
}

/** Entra Connect only exports users inside its OUs, and a disabled account would lock the cloud user out. */
export function adUserReadyCheck(ad: DirectoryUser): PreflightCheck {
  const id = 'ad-user-ready';
  const problems = [
    !ad.enabled && 'is disabled',
    !ad.inSyncScope && 'is outside the OUs Entra Connect syncs',
  ].filter((p): p is string => p !== false);
  if (problems.length === 0) return pass(id, `${ad.sAMAccountName} is enabled and in sync scope (${ad.dn})`);
  const actions = [
    !ad.enabled && 'enable the AD account',
    !ad.inSyncScope && 'move it into a synced OU (or add its OU to the sync scope)',
  ].filter((a): a is string => a !== false);
  const why = ad.enabled ? '.' : ': a disabled account would disable the cloud user at the next sync.';
  return fail(id, `${ad.dn} ${problems.join(' and ')}`, `${capitalize(actions.join(' and '))} first${why}`);
}

/** Graph refuses on-prem attributes for users in a federated domain. */
export function domainManagedCheck(domain: Fact<DomainAuthentication>, upn: string): PreflightCheck {
  const id = 'domain-managed';
  if (isUnreadable(domain)) {
    return fail(
      id,
      couldNotCheck(domain),
      cannotCheckFix(domain, 'Domain.Read.All', `whether the domain of ${upn} is federated`),
    );
  }
  if (domain.authenticationType === 'Federated') {
    return fail(
      id,
      `${upn} is in the federated domain ${domain.domain}`,
      'Change the UPN to a managed domain such as the .onmicrosoft.com one first; change it back after the link.',
    );
  }
  if (domain.authenticationType === 'Managed') return pass(id, `${domain.domain} is a managed domain`);
  return warn(
    id,
    `${domain.domain} authenticates as ${domain.authenticationType}`,
    'Confirm the domain is not federated before linking.',
  );
}

/**
 * Every directory role counts, not only those Microsoft flags privileged: the assignments do not
 * carry the flag, Microsoft's list changes, and a hard match hands whatever role the cloud user has
 * to whoever controls the AD account. A stale allow-list would fail open; this fails closed.
 */
export function noPrivilegedRoleCheck(roles: Fact<UserRoles>): PreflightCheck {
  const id = 'no-privileged-role';
  if (isUnreadable(roles)) {
    return fail(
      id,
      couldNotCheck(roles),
      cannotCheckFix(
        roles,
        'RoleManagement.Read.Directory',
        'whether the cloud user holds or may activate an admin role',
      ),
    );
  }
  const all = [...roles.active, ...roles.eligible];
  if (all.length === 0) {
    return pass(
      id,
      roles.pim === 'not-licensed'
        ? 'no active directory role; none can be eligible (the tenant has no Entra ID P2, so no PIM)'
        : 'no active or eligible directory role',
    );
  }
  const listed = all.map(describeRole).join(', ') + (roles.truncated ? ', and more' : '');
  return fail(
    id,
    `holds ${listed}`,
    'Remove the role assignment/eligibility first: since 2026 Microsoft blocks hard matches onto ' +
      'users who hold or may activate an admin role. Assign it again after the link if still needed.',
  );
}

/**
 * Roles assigned to a role-assignable group reach its members without showing in the user's own
 * role assignments, and Microsoft treats members and owners of such groups as privileged: Graph
 * lets only a Privileged Authentication Administrator or Global Administrator change their
 * onPremisesImmutableId, and a hard match would hand the group's reach to whoever controls the AD
 * account. A takeover guard: it blocks when held and when it could not be read.
 */
export function noRoleGroupCheck(groups: Fact<RoleGroupMemberships>): PreflightCheck {
  const id = 'no-role-group';
  if (isUnreadable(groups)) {
    return fail(
      id,
      couldNotCheck(groups),
      cannotCheckFix(
        groups,
        'GroupMember.Read.All',
        'whether the cloud user is a member or an owner of a role-assignable group',
      ),
    );
  }
  if (groups.groups.length === 0) {
    return groups.truncated
      ? fail(
          id,
          'Graph listed too many groups to check',
          'Check the user’s groups in the Entra admin center.',
        )
      : pass(id, 'not a member or an owner of any role-assignable group');
  }
  const listed = groups.groups.map(describeGroup).join(', ') + (groups.truncated ? ', and more' : '');
  if (groups.groups.every((g) => !g.confirmed)) {
    return fail(
      id,
      `Graph listed ${listed} as role-assignable but without the groups' properties`,
      "Grant Anchor's identity the GroupMember.Read.All application permission (admin consent), " +
        'then click "Check again"; Anchor must see the groups to tell.',
    );
  }
  return fail(
    id,
    `${listed}`,
    'Remove the user from these groups (as member and as owner) first: a role-assignable group can ' +
      'carry admin roles the user’s own role assignments do not show, Microsoft blocks hard matches onto ' +
      'admins, and Graph lets only a Privileged Authentication Administrator or Global Administrator ' +
      'change this user’s ImmutableId. Add the user back after the link if still needed.',
  );
}

/** A cloud user carrying onPremisesObjectIdentifier cannot be remapped (2026 hardening). */
export function noObjectIdentifierCheck(identifier: Fact<Knowable<string | null>>): PreflightCheck {
  const id = 'no-object-identifier';
  if (isUnreadable(identifier)) {
    return fail(
      id,
      couldNotCheck(identifier),
      cannotCheckFix(identifier, 'User.Read.All', 'whether onPremisesObjectIdentifier is set'),
    );
  }
  if (!identifier.known) {
    return warn(
      id,
      `Graph does not return onPremisesObjectIdentifier here (${identifier.reason})`,
      'If the sync reports "Review OnPremisesObjectIdentifier mapping", clear it and sync again.',
    );
  }
  if (identifier.value === null) return pass(id, 'onPremisesObjectIdentifier is not set');
  return fail(
    id,
    `onPremisesObjectIdentifier is ${identifier.value}`,
    'Clear it with PATCH /beta/users/{id} {"onPremisesObjectIdentifier": null}; that needs ' +
      'User.OnPremisesSync.ReadWrite.All and the Hybrid Identity Administrator role.',
  );
}

/**
 * With the tenant's takeover block on, Entra Connect refuses the hard match (InvalidHardMatch).
 * Microsoft's API page lets only a delegated Global Administrator read the flag, while its
 * permissions reference also lists the application permission OnPremDirectorySynchronization.Read.All:
 * with it granted (and honoured) Anchor reads the flag; otherwise that is said plainly and stays a
 * warning. It guards nothing Anchor could break: with the flag on the sync refuses the match,
 * verification says so and the run undoes its write.
 */
export function tenantHardMatchBlockCheck(features: Fact<Knowable<SyncFeatures>>): PreflightCheck {
  const id = 'tenant-hard-match-block';
  const flag =
    isUnreadable(features) || !features.known
      ? undefined
      : features.value.blockCloudObjectTakeoverThroughHardMatchEnabled;
  if (flag === true) {
    return fail(
      id,
      'blockCloudObjectTakeoverThroughHardMatchEnabled is on: the sync would report InvalidHardMatch',
      'A Global Administrator turns it off for the link (Set-EntraDirSyncFeature -Features ' +
        'BlockCloudObjectTakeoverThroughHardMatch -Enabled $false) and back on right after.',
    );
  }
  if (flag === false) return pass(id, 'blockCloudObjectTakeoverThroughHardMatchEnabled is off');
  return warn(
    id,
    'Microsoft documents blockCloudObjectTakeoverThroughHardMatchEnabled as readable by only a signed-in Global ' +
      'Administrator, and Graph did not show it to Anchor, so this one is for you to confirm',
    'Check it with Get-EntraDirSyncFeature (or Get-MgDirectoryOnPremiseSynchronization) as a Global ' +
      'Administrator, or grant Anchor’s identity the OnPremDirectorySynchronization.Read.All application ' +
      'permission (admin consent) so it can read the flag itself if your tenant allows apps to. If it is on, ' +
      'the sync refuses the match with InvalidHardMatch: Anchor’s verification reports that and clears the ' +
      'value it wrote, so nothing is taken over.',
  );
}

/** Anchor pauses and syncs through the relay; a staging server would never export the link. */
export function syncServerCheck(server: Fact<RelayFact> | null): PreflightCheck {
  const id = 'sync-server';
  if (server === null) {
    return fail(
      id,
      'no relay is configured (RELAY_KEYS)',
      'Install the Anchor relay on the Entra Connect server and set RELAY_KEYS.',
    );
  }
  if (isUnreadable(server)) return fail(id, couldNotCheck(server), 'Try again in a minute.');
  const startRelay = 'Check that the Anchor relay runs on the Entra Connect server and can reach Anchor.';
  const { heartbeat } = server;
  if (!heartbeat) return fail(id, 'the relay has never polled', startRelay);
  if (!server.fresh) {
    const ago = server.ageMs === null ? '' : ` (${Math.round(server.ageMs / 1000)} s ago)`;
    return fail(
      id,
      `relay ${heartbeat.relayId} last polled at ${formatTime(heartbeat.at)}${ago}`,
      startRelay,
    );
  }
  const poll = heartbeat.poll;
  if (!poll) {
    return warn(
      id,
      `relay ${heartbeat.relayId} is polling but has not reported the sync server yet`,
      'Wait for its next poll, or confirm on the server that it is not in staging mode.',
    );
  }
  if (!poll.ready) {
    return fail(
      id,
      `relay ${poll.relayId} is not ready: ${poll.problem ?? 'no reason given'}`,
      'Fix the problem on the sync server (PowerShell and the ADSync module), then try again.',
    );
  }
  const scheduler = poll.scheduler;
  if (scheduler.stagingModeEnabled === true) {
    return fail(
      id,
      `relay ${poll.relayId} reports a sync server in staging mode, which does not export`,
      'Run the relay on the active (non-staging) Entra Connect server.',
    );
  }
  if (scheduler.stagingModeEnabled === null) {
    return warn(
      id,
      `relay ${poll.relayId} could not tell whether the sync server is in staging mode`,
      'Confirm on the server (Get-ADSyncScheduler) that StagingModeEnabled is False.',
    );
  }
  const cycle =
    scheduler.syncCycleEnabled === null
      ? 'sync cycle state unknown'
      : `sync cycle ${scheduler.syncCycleEnabled ? 'enabled' : 'paused'}`;
  const next = scheduler.nextSyncCycleStartTimeInUTC
    ? `, next cycle ${formatTime(scheduler.nextSyncCycleStartTimeInUTC)}`
    : '';
  return pass(id, `relay ${poll.relayId} is ready, not staging; ${cycle}${next}`);
}

/**
 * A second look at the pair, judged by the same evidence as the candidates card (pair-matching.ts):
 * linking the wrong person hands them the account.
 */
export function samePersonCheck(pair: PairCandidate): PreflightCheck {
  const id = 'same-person';
  const who = `${pair.ad.sAMAccountName} and ${pair.cloud.userPrincipalName}`;
  if (pair.confidence === 'none') {
    return fail(
      id,
      `${who} have nothing in common: names, logins and addresses all differ`,
      'Pick the right pair; these look like two different people.',
    );
  }
  const evidence = describeEvidence(pair);
  if (pair.confidence === 'weak') {
    return warn(
      id,
      `${who} may not be the same person (weak match: ${evidence})`,
      'Confirm it is the same person before linking.',
    );
  }
  return pass(id, `${who}: ${pair.confidence} match (${evidence})`);
}

/** Every check of {@link PREFLIGHT_CHECK_IDS}, in that order. */
export function evaluateChecks(facts: PreflightFacts): PreflightCheck[] {
  const immutableId = facts.ad.sourceAnchor.immutableId;
  const byId: Record<PreflightCheckId, () => PreflightCheck> = {
    'cloud-only': () => cloudOnlyCheck(facts.cloud, immutableId),
    'anchor-unique': () => anchorUniqueCheck(facts.holders, facts.cloud.id, immutableId),
    'no-synced-twin': () => noSyncedTwinCheck(facts.holders, facts.cloud.id),
    'ad-user-ready': () => adUserReadyCheck(facts.ad),
    'domain-managed': () => domainManagedCheck(facts.domain, facts.cloud.userPrincipalName),
    'no-privileged-role': () => noPrivilegedRoleCheck(facts.roles),
    'no-role-group': () => noRoleGroupCheck(facts.roleGroups),
    'no-object-identifier': () => noObjectIdentifierCheck(facts.objectIdentifier),
    'tenant-hard-match-block': () => tenantHardMatchBlockCheck(facts.syncFeatures),
    'sync-server': () => syncServerCheck(facts.syncServer),
    'same-person': () => samePersonCheck(facts.pair),
  };
  return PREFLIGHT_CHECK_IDS.map((checkId) => byId[checkId]());
}

function since(lastSync: string | null): string {
  return lastSync ? ` (last sync ${formatTime(lastSync)})` : '';
}

function describeDeleted(user: DeletedCloudUser): string {
  const when = user.deletedDateTime ? `, deleted ${formatTime(user.deletedDateTime)}` : '';
  return `${user.userPrincipalName} (${user.id}${when})`;
}

function describeGroup(group: RoleGroupMembership): string {
  const name = group.displayName ? `${group.displayName} (${group.id})` : `group ${group.id}`;
  return `${group.relation === 'owner' ? 'owner' : 'member'} of role-assignable ${name}`;
}

function describeRole(role: RoleAssignment): string {
  return `${role.roleName ?? `role ${role.roleDefinitionId}`} (${role.kind})`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
