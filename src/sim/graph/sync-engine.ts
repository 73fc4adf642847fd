import { randomInt, randomUUID } from 'node:crypto';
import { isWithin } from '../../shared/directory/distinguished-name';
import type { SimAdUser, SimAdView, SimSyncError, SyncReport, UserRecord } from './model';
import type { TenantState } from './tenant-state';
import { GraphSimError } from './graph-errors';

/** The sync error text Microsoft documents for the onPremisesObjectIdentifier hardening (domain.md). */
const OBJECT_IDENTIFIER_BLOCK =
  'Hard match operation blocked due to security hardening. Review OnPremisesObjectIdentifier mapping.';
/** The InvalidHardMatch text when the tenant blocks cloud object takeover (domain.md). */
const TAKEOVER_BLOCK = 'Another cloud created object with the same source anchor already exists';
/**
 * PLAUSIBLE text: Entra ID has long refused to match onto cloud users with an admin role
 * (how-to-connect-install-existing-tenant, "Admin role considerations") and the 2026 hardening adds
 * eligible privileged roles; the exact hard-match error was not found, the code follows the
 * takeover block's.
 */
const ADMIN_ROLE_HARD_MATCH_BLOCK =
  'Hard match operation blocked due to security hardening. The cloud object holds or is eligible for an administrator role.';
/**
 * PLAUSIBLE text: the AttributeValueMustBeUnique wording of tshoot-connect-sync-errors (duplicate
 * attributes); its use for a refused restore was not confirmed offline (docs/graph-parity.md).
 */
const UPN_IN_USE =
  'Unable to update this object because the following attributes associated with this object have values that may already be associated with another object in your local directory services:';
const UPN_IN_USE_FIX = 'Correct or remove the duplicate values in your local directory.';
/** The soft-match refusal as tshoot-connect-sync-errors names it ("Existing Admin Role Conflict"). */
const ADMIN_ROLE_SOFT_MATCH_BLOCK =
  'Existing Admin Role Conflict: Microsoft Entra Connect is not allowed to soft match a user object from on-premises AD with a user object in Microsoft Entra ID that has an administrative role assigned to it.';

/**
 * One Entra Connect export cycle against the simulated tenant. The list is the whole AD view
 * (a full picture, not a delta): each in-scope AD user is matched or provisioned, and a synced
 * user whose AD user is missing or out of scope goes to the recycle bin.
 */
export function runSyncCycle(state: TenantState, adUsers: SimAdUser[], now = new Date()): SyncReport {
  const report: SyncReport = { matched: [], created: [], refreshed: [], deleted: [], errors: [] };
  const stamp = now.toISOString();
  const inScope = adUsers.filter((a) => a.inScope);
  const anchors = new Set(inScope.map((a) => a.sourceAnchor));

  // A cloud-only user becomes the AD user's (hard match by anchor, or soft match), unless blocked.
  const takeOver = (user: UserRecord, ad: SimAdUser, match: 'hard' | 'soft') => {
    const blocked = matchBlock(state, user, ad, match);
    if (blocked) {
      report.errors.push(blocked);
      return;
    }
    user.onPremisesImmutableId = ad.sourceAnchor;
    applyAd(state, user, ad, stamp);
    report.matched.push({
      sourceAnchor: ad.sourceAnchor,
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
    });
  };

  for (const ad of inScope) {
    const holder = [...state.users.values()].find((u) => u.onPremisesImmutableId === ad.sourceAnchor);
    if (holder?.onPremisesSyncEnabled === true) {
      applyAd(state, holder, ad, stamp);
      report.refreshed.push({ sourceAnchor: ad.sourceAnchor, userId: holder.id });
      continue;
    }
    if (holder) {
      takeOver(holder, ad, 'hard');
      continue;
    }
    // A synced user soft-deleted earlier comes back when its AD user returns to scope.
    const deleted = [...state.deletedUsers.values()].find(
      (u) => u.onPremisesImmutableId === ad.sourceAnchor && u.onPremisesSyncEnabled === true,
    );
    if (deleted) {
      const restored = restoreTwin(state, deleted, ad);
      if ('code' in restored) report.errors.push(restored);
      else {
        applyAd(state, restored, ad, stamp);
        report.refreshed.push({ sourceAnchor: ad.sourceAnchor, userId: restored.id });
      }
      continue;
    }
    const soft = softMatchCandidate(state, ad);
    if (soft) {
      takeOver(soft, ad, 'soft');
      continue;
    }
    const created = provision(state, ad, stamp);
    report.created.push({
      sourceAnchor: ad.sourceAnchor,
      userId: created.id,
      userPrincipalName: created.userPrincipalName,
    });
  }

  for (const user of [...state.users.values()]) {
    if (user.onPremisesSyncEnabled === true && !anchors.has(user.onPremisesImmutableId ?? '')) {
      state.softDelete(user.id, now);
      report.deleted.push({ sourceAnchor: user.onPremisesImmutableId ?? '', userId: user.id });
    }
  }
  if (!state.frozenSyncTimes.directorySync) state.organization.onPremisesLastSyncDateTime = stamp;
  state.syncErrors = report.errors;
  return report;
}

/**
 * Brings a deleted synced twin back, as Entra does when its AD user returns to scope. When an
 * active user holds its UPN, Entra refuses the restore and Entra Connect reports an export error
 * for the object; the twin stays in the recycle bin and nothing is created in its place.
 */
function restoreTwin(state: TenantState, twin: UserRecord, ad: SimAdUser): UserRecord | SimSyncError {
  try {
    return state.restore(twin.id) as UserRecord;
  } catch (err) {
    if (!(err instanceof GraphSimError)) throw err;
    return {
      sourceAnchor: ad.sourceAnchor,
      cloudUserId: twin.id,
      code: 'AttributeValueMustBeUnique',
      message: `${UPN_IN_USE} [UserPrincipalName ${ad.userPrincipalName};]. ${UPN_IN_USE_FIX}`,
    };
  }
}

/**
 * Why Entra ID refuses taking over this cloud-only user, if it does: the tenant's takeover block
 * and onPremisesObjectIdentifier (hard match), and for either kind of match any directory role the
 * user holds or may activate, directly or through a role-assignable group.
 */
function matchBlock(
  state: TenantState,
  user: UserRecord,
  ad: SimAdUser,
  match: 'hard' | 'soft',
): SimSyncError | undefined {
  const base = { sourceAnchor: ad.sourceAnchor, cloudUserId: user.id };
  if (match === 'hard' && state.syncFeatures.blockCloudObjectTakeoverThroughHardMatchEnabled) {
    return { ...base, code: 'InvalidHardMatch', message: TAKEOVER_BLOCK };
  }
  if (match === 'hard' && user.onPremisesObjectIdentifier) {
    return { ...base, code: 'InvalidHardMatch', message: OBJECT_IDENTIFIER_BLOCK };
  }
  if (state.rolesOf(user.id).length > 0) {
    return match === 'hard'
      ? { ...base, code: 'InvalidHardMatch', message: ADMIN_ROLE_HARD_MATCH_BLOCK }
      : { ...base, code: 'ExistingAdminRoleConflict', message: ADMIN_ROLE_SOFT_MATCH_BLOCK };
  }
  return undefined;
}

/**
 * Soft match when the tenant allows it (hardened tenants block it): the AD user's primary SMTP
 * address against the cloud users' primary one (`SMTP:` only, never a secondary `smtp:`), then
 * the UPN. Microsoft: "For the proxyAddresses attribute only the value with SMTP:, that is the
 * primary email address, is used for the evaluation."
 */
function softMatchCandidate(state: TenantState, ad: SimAdUser): UserRecord | undefined {
  if (state.syncFeatures.blockSoftMatchEnabled) return undefined;
  const cloudOnly = [...state.users.values()].filter(
    (u) => u.onPremisesSyncEnabled !== true && !u.onPremisesImmutableId,
  );
  const smtp = primarySmtp(ad.proxyAddresses ?? []) ?? ad.mail?.toLowerCase();
  return (
    cloudOnly.find((u) => smtp !== undefined && primarySmtp(u.proxyAddresses) === smtp) ??
    (state.syncFeatures.softMatchOnUpnEnabled
      ? cloudOnly.find((u) => u.userPrincipalName.toLowerCase() === ad.userPrincipalName.toLowerCase())
      : undefined)
  );
}

/** The primary address of a proxyAddresses list (the `SMTP:` one, in upper case), lower-cased. */
function primarySmtp(proxyAddresses: readonly string[]): string | undefined {
  return proxyAddresses
    .find((p) => p.startsWith('SMTP:'))
    ?.slice(5)
    .toLowerCase();
}

/** Writes the AD side onto the cloud user, as the export does. */
function applyAd(state: TenantState, user: UserRecord, ad: SimAdUser, stamp: string): void {
  user.onPremisesSyncEnabled = true;
  user.onPremisesLastSyncDateTime = stamp;
  user.onPremisesSamAccountName = ad.sAMAccountName;
  user.onPremisesUserPrincipalName = ad.userPrincipalName;
  user.onPremisesDistinguishedName = ad.distinguishedName;
  user.displayName = ad.displayName;
  user.givenName = ad.givenName ?? null;
  user.surname = ad.surname ?? null;
  user.accountEnabled = ad.enabled;
  if (ad.mail) user.mail = ad.mail;
  const other = state.findUser(ad.userPrincipalName);
  if (state.domainOf(ad.userPrincipalName)?.isVerified && (!other || other.id === user.id)) {
    user.userPrincipalName = ad.userPrincipalName;
  }
}

/**
 * Creates the synced user. A UPN taken by another user (or in a domain the tenant has not
 * verified) becomes `<prefix><4 digits>@<initial domain>`, as Entra's UPN conflict handling does.
 */
function provision(state: TenantState, ad: SimAdUser, stamp: string): UserRecord {
  const prefix = ad.userPrincipalName.split('@')[0];
  let upn = ad.userPrincipalName;
  if (state.findUser(upn) || !state.domainOf(upn)?.isVerified) {
    do upn = `${prefix}${randomInt(1000, 10000)}@${state.initialDomain()}`;
    while (state.findUser(upn));
  }
  const user = state.addUser({
    id: randomUUID(),
    displayName: ad.displayName,
    userPrincipalName: upn,
    proxyAddresses: ad.proxyAddresses ? [...ad.proxyAddresses] : ad.mail ? [`SMTP:${ad.mail}`] : [],
    accountEnabled: ad.enabled,
    userType: 'Member',
    createdDateTime: stamp,
    onPremisesImmutableId: ad.sourceAnchor,
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: stamp,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
  });
  applyAd(state, user, ad, stamp);
  user.userPrincipalName = upn;
  return user;
}

/**
 * The AD users of a view with their scope as the sync server's OU filter sees it at this delta:
 * in scope when the DN is one of `syncOus` or below it (case-insensitive, on RDN boundaries, as
 * the bot reads LDAP_SYNC_OUS), or always when the view filters on no OU. A DN moved out of the
 * OUs since the view's last delta is out of scope now, so the cycle soft-deletes its synced user;
 * moved back, the cycle matches or restores. A bare list (no filter) keeps `inScope` as written.
 */
export function scopeAtDelta(view: SimAdView | SimAdUser[]): SimAdUser[] {
  if (Array.isArray(view)) return view;
  const ous = view.syncOus.filter((ou) => ou.trim() !== '');
  return view.users.map((u) => ({
    ...u,
    inScope: ous.length === 0 || ous.some((ou) => isWithin(u.distinguishedName, ou)),
  }));
}
