import assert from 'node:assert/strict';
import type {
  CloudUserDetail,
  DeletedCloudUser,
  ImmutableIdHolders,
  RoleAssignment,
  SyncFeatures,
} from '../../../../../src/services/entra/cloud-user';
import type { DirectoryUser } from '../../../../../src/shared/directory/ad-directory';
import { scorePair } from '../../../../../src/services/link/pair-matching';
import {
  adUserReadyCheck,
  anchorUniqueCheck,
  cloudOnlyCheck,
  domainManagedCheck,
  evaluateChecks,
  isUnreadable,
  noObjectIdentifierCheck,
  noPrivilegedRoleCheck,
  noRoleGroupCheck,
  noSyncedTwinCheck,
  samePersonCheck,
  syncServerCheck,
  tenantHardMatchBlockCheck,
} from '../../../../../src/services/link/preflight/checks';
import type { PreflightFacts, RelayFact } from '../../../../../src/services/link/preflight/checks';
import { PREFLIGHT_CHECK_IDS } from '../../../../../src/services/link/preflight/report';
import type { PreflightCheck } from '../../../../../src/services/link/preflight/report';
import { sourceAnchorOf } from '../../../../../src/shared/directory/source-anchor';
import { pollRequest, schedulerState } from '../../../../support/relay-messages';
import { apesCloudUser } from '../../../../support/link-fixtures';

const GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
const ANCHOR = sourceAnchorOf({ objectGuid: GUID }, 'auto').immutableId;
const CLOUD_ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const OTHER_ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e99';

function adUser(extra: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    dn: 'CN=Aaron Pescasio,OU=Staff,DC=corp,DC=contoso,DC=com',
    sAMAccountName: 'apes',
    userPrincipalName: 'apes@contoso.com',
    mail: 'apes@contoso.com',
    proxyAddresses: ['SMTP:apes@contoso.com'],
    primarySmtp: 'apes@contoso.com',
    displayName: 'Aaron Pescasio',
    givenName: 'Aaron',
    surname: 'Pescasio',
    enabled: true,
    objectGuid: GUID,
    inSyncScope: true,
    sourceAnchor: sourceAnchorOf({ objectGuid: GUID }, 'auto'),
    ...extra,
  };
}

const cloudUser = (extra: Partial<CloudUserDetail> = {}) => apesCloudUser({ id: CLOUD_ID, ...extra });

function deletedUser(extra: Partial<DeletedCloudUser> = {}): DeletedCloudUser {
  return {
    id: OTHER_ID,
    displayName: 'Aaron Pescasio',
    userPrincipalName: `${OTHER_ID.replace(/-/g, '')}apes@contoso.com`,
    mail: null,
    onPremisesImmutableId: ANCHOR,
    deletedDateTime: '2026-11-24T09:00:00Z',
    ...extra,
  };
}

function holders(extra: Partial<ImmutableIdHolders> = {}): ImmutableIdHolders {
  return { users: [], deletedUsers: [], truncated: false, ...extra };
}

function role(kind: RoleAssignment['kind'], roleName?: string): RoleAssignment {
  return { id: `a-${kind}`, kind, roleDefinitionId: 'role-def-1', roleName, directoryScopeId: '/' };
}

function features(flag: boolean | null): { known: true; value: SyncFeatures } {
  return {
    known: true,
    value: { blockCloudObjectTakeoverThroughHardMatchEnabled: flag, blockSoftMatchEnabled: false, all: {} },
  };
}

function relay(extra: Partial<RelayFact> = {}, poll = pollRequest('aadc01')): RelayFact {
  return {
    heartbeat: { relayId: 'aadc01', at: '2026-11-25T10:00:00.000Z', poll },
    fresh: true,
    ageMs: 5_000,
    ...extra,
  };
}

/** Status and a fix for every non-pass, and a one-line detail always. */
function assertShape(check: PreflightCheck, status: PreflightCheck['status']): void {
  assert.equal(check.status, status, `${check.id}: ${check.detail}`);
  assert.ok(check.title.length > 0 && check.title.length <= 45, check.title);
  assert.ok(!check.detail.includes('\n'), check.detail);
  if (status === 'pass') assert.equal(check.fix, undefined);
  else assert.ok(check.fix && check.fix.length > 0, `${check.id} needs a fix`);
}

describe('preflight checks', () => {
  describe('cloud-only', () => {
    it('passes a user never synced and without an ImmutableId', () => {
      const check = cloudOnlyCheck(cloudUser(), ANCHOR);
      assertShape(check, 'pass');
      assert.equal(check.id, 'cloud-only');
      assert.match(check.detail, /apes@contoso\.com/);
    });

    it('fails a synced user', () => {
      const check = cloudOnlyCheck(
        cloudUser({ onPremisesSyncEnabled: true, onPremisesLastSyncDateTime: '2026-11-24T23:30:00Z' }),
        ANCHOR,
      );
      assertShape(check, 'fail');
      assert.match(check.detail, /already synced from AD \(last sync 2026-11-24 23:30:00 UTC\)/);
    });

    it('fails a user converted from sync (onPremisesSyncEnabled false) and explains why', () => {
      const check = cloudOnlyCheck(cloudUser({ onPremisesSyncEnabled: false }), ANCHOR);
      assertShape(check, 'fail');
      assert.match(check.detail, /was synced, then converted to cloud-only — onPremisesSyncEnabled false/);
      assert.match(check.fix ?? '', /external service/);
    });

    it('fails a user that already has an ImmutableId, naming it', () => {
      const check = cloudOnlyCheck(cloudUser({ onPremisesImmutableId: 'cUwvjp0qPkulxn2OnwobLA==' }), ANCHOR);
      assertShape(check, 'fail');
      assert.match(check.detail, /already has ImmutableId cUwvjp0qPkulxn2OnwobLA==/);
      assert.match(check.fix ?? '', /Clear .* or pick another user/);
    });

    it('says when the value already there is this AD user’s', () => {
      const check = cloudOnlyCheck(cloudUser({ onPremisesImmutableId: ANCHOR }), ANCHOR);
      assertShape(check, 'fail');
      assert.match(check.detail, /this AD user's value/);
    });

    it('fails when the user could not be read', () => {
      const check = cloudOnlyCheck({ error: 'Graph answered 403' }, ANCHOR);
      assertShape(check, 'fail');
      assert.equal(check.detail, 'could not check: Graph answered 403');
    });
  });

  describe('anchor-unique', () => {
    it('passes when nobody else holds the value (the chosen user itself does not count)', () => {
      assertShape(anchorUniqueCheck(holders(), CLOUD_ID, ANCHOR), 'pass');
      const self = holders({ users: [cloudUser({ onPremisesImmutableId: ANCHOR })] });
      assertShape(anchorUniqueCheck(self, CLOUD_ID, ANCHOR), 'pass');
    });

    it('leaves a synced live holder to no-synced-twin', () => {
      const twin = cloudUser({ id: OTHER_ID, onPremisesSyncEnabled: true, onPremisesImmutableId: ANCHOR });
      assertShape(anchorUniqueCheck(holders({ users: [twin] }), CLOUD_ID, ANCHOR), 'pass');
    });

    it('fails on a recycle-bin holder, naming it and its deletion date', () => {
      const check = anchorUniqueCheck(holders({ deletedUsers: [deletedUser()] }), CLOUD_ID, ANCHOR);
      assertShape(check, 'fail');
      assert.match(check.detail, new RegExp(`${OTHER_ID.replace(/-/g, '')}apes@contoso\\.com`));
      assert.match(check.detail, /deleted 2026-11-24 09:00:00 UTC/);
      assert.equal(
        check.fix,
        'Permanently delete it from Deleted users (deletedItems) first, or restore it instead of linking.',
      );
    });

    it('fails on another live cloud-only holder, naming it', () => {
      const other = cloudUser({
        id: OTHER_ID,
        userPrincipalName: 'aaron.p@contoso.com',
        onPremisesImmutableId: ANCHOR,
      });
      const check = anchorUniqueCheck(holders({ users: [other] }), CLOUD_ID, ANCHOR);
      assertShape(check, 'fail');
      assert.match(check.detail, /cloud user aaron\.p@contoso\.com/);
    });

    it('fails when the holders could not be read or were truncated', () => {
      assertShape(anchorUniqueCheck({ error: 'Graph is busy' }, CLOUD_ID, ANCHOR), 'fail');
      assertShape(anchorUniqueCheck(holders({ truncated: true }), CLOUD_ID, ANCHOR), 'fail');
    });

    it('passes on a recycle bin scanned to the end (Graph would not filter it), saying so', () => {
      const check = anchorUniqueCheck(
        holders({ recycleBinScan: { scanned: 42, complete: true } }),
        CLOUD_ID,
        ANCHOR,
      );
      assertShape(check, 'pass');
      assert.match(check.detail, /all 42 deleted users read/);
    });

    it('fails closed on a recycle-bin scan stopped at its cap, with the count and how to look the value up', () => {
      const check = anchorUniqueCheck(
        holders({ recycleBinScan: { scanned: 10_000, complete: false } }),
        CLOUD_ID,
        ANCHOR,
      );
      assertShape(check, 'fail');
      assert.match(check.detail, /could not check the whole recycle bin/);
      assert.match(check.detail, /after 10000/);
      assert.match(check.fix ?? '', /deletedItems\/microsoft\.graph\.user/);
      // A holder found among the users read is still named as such.
      const found = anchorUniqueCheck(
        holders({ deletedUsers: [deletedUser()], recycleBinScan: { scanned: 10_000, complete: false } }),
        CLOUD_ID,
        ANCHOR,
      );
      assertShape(found, 'fail');
      assert.match(found.detail, /in the recycle bin/);
    });
  });

  describe('no-synced-twin', () => {
    it('passes without a synced holder (a recycle-bin twin is anchor-unique’s)', () => {
      assertShape(noSyncedTwinCheck(holders({ deletedUsers: [deletedUser()] }), CLOUD_ID), 'pass');
    });

    it('fails on a live synced holder with the documented procedure', () => {
      const twin = cloudUser({
        id: OTHER_ID,
        userPrincipalName: 'apes1@contoso.onmicrosoft.com',
        onPremisesSyncEnabled: true,
        onPremisesImmutableId: ANCHOR,
      });
      const check = noSyncedTwinCheck(holders({ users: [twin] }), CLOUD_ID);
      assertShape(check, 'fail');
      assert.match(check.detail, /synced twin apes1@contoso\.onmicrosoft\.com/);
      const fix = check.fix ?? '';
      for (const step of [
        /out of sync scope/,
        /delta sync/,
        /hard-delete/,
        /deletedItems/,
        /back into scope/,
      ]) {
        assert.match(fix, step);
      }
    });

    it('fails when the holders could not be read', () => {
      assertShape(noSyncedTwinCheck({ error: 'timeout' }, CLOUD_ID), 'fail');
    });
  });

  describe('ad-user-ready', () => {
    it('passes an enabled user in sync scope', () => {
      assertShape(adUserReadyCheck(adUser()), 'pass');
    });

    it('fails a disabled user', () => {
      const check = adUserReadyCheck(adUser({ enabled: false }));
      assertShape(check, 'fail');
      assert.match(check.detail, /is disabled/);
      assert.match(check.fix ?? '', /^Enable the AD account first: .*disable the cloud user/);
    });

    it('fails a user outside the synced OUs, naming the DN', () => {
      const dn = 'CN=Backup Service,OU=Service Accounts,DC=corp,DC=contoso,DC=com';
      const check = adUserReadyCheck(adUser({ dn, inSyncScope: false }));
      assertShape(check, 'fail');
      assert.ok(check.detail.startsWith(dn), check.detail);
      assert.match(check.fix ?? '', /synced OU/);
    });

    it('names both problems of a disabled user outside the synced OUs', () => {
      const check = adUserReadyCheck(adUser({ enabled: false, inSyncScope: false }));
      assertShape(check, 'fail');
      assert.match(check.detail, /is disabled and is outside the OUs Entra Connect syncs$/);
      assert.match(check.fix ?? '', /^Enable the AD account and move it into a synced OU .* first: /);
    });
  });

  describe('domain-managed', () => {
    it('passes a managed domain', () => {
      const check = domainManagedCheck(
        { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true },
        'apes@contoso.com',
      );
      assertShape(check, 'pass');
    });

    it('fails a federated domain, advising the .onmicrosoft.com UPN', () => {
      const check = domainManagedCheck(
        { domain: 'fabrikam.com', authenticationType: 'Federated', isVerified: true },
        'gradya@fabrikam.com',
      );
      assertShape(check, 'fail');
      assert.match(check.detail, /federated domain fabrikam\.com/);
      assert.match(check.fix ?? '', /\.onmicrosoft\.com/);
    });

    it('blocks when the domain could not be read: a federated domain is not a warning to tick', () => {
      const check = domainManagedCheck({ error: 'No domain fabrikam.com' }, 'gradya@fabrikam.com');
      assertShape(check, 'fail');
      assert.equal(check.detail, 'could not check: No domain fabrikam.com');
      assert.match(check.fix ?? '', /Check again/);
      const denied = domainManagedCheck({ error: 'Graph answered 403', denied: true }, 'gradya@fabrikam.com');
      assertShape(denied, 'fail');
      assert.match(denied.fix ?? '', /Domain\.Read\.All application permission/);
    });
  });

  describe('no-privileged-role', () => {
    it('passes without roles', () => {
      assertShape(
        noPrivilegedRoleCheck({ active: [], eligible: [], pim: 'available', truncated: false }),
        'pass',
      );
    });

    it('fails on an active or eligible role, naming it and how it is held', () => {
      const active = noPrivilegedRoleCheck({
        active: [role('active', 'Global Administrator')],
        eligible: [],
        pim: 'available',
        truncated: false,
      });
      assertShape(active, 'fail');
      assert.match(active.detail, /Global Administrator \(active\)/);
      const eligible = noPrivilegedRoleCheck({
        active: [],
        eligible: [role('eligible', 'Privileged Role Administrator')],
        pim: 'available',
        truncated: false,
      });
      assertShape(eligible, 'fail');
      assert.match(eligible.detail, /Privileged Role Administrator \(eligible\)/);
      assert.match(eligible.fix ?? '', /Remove the role assignment\/eligibility first/);
    });

    it('counts every directory role, even one Microsoft does not flag privileged', () => {
      const check = noPrivilegedRoleCheck({
        active: [role('active')],
        eligible: [],
        pim: 'available',
        truncated: false,
      });
      assertShape(check, 'fail');
      assert.match(check.detail, /role role-def-1 \(active\)/);
    });

    it('blocks when the roles could not be read, naming the missing permission', () => {
      const check = noPrivilegedRoleCheck({
        error: "Anchor's identity is not allowed to do this.",
        denied: true,
      });
      assertShape(check, 'fail');
      assert.match(check.detail, /^could not check: /);
      assert.match(check.fix ?? '', /RoleManagement\.Read\.Directory application permission/);
      assertShape(noPrivilegedRoleCheck({ error: 'Graph did not answer within 20000 ms' }), 'fail');
    });

    it('says why no role can be eligible in a tenant without Entra ID P2, and still judges active roles', () => {
      const none = noPrivilegedRoleCheck({ active: [], eligible: [], pim: 'not-licensed', truncated: false });
      assertShape(none, 'pass');
      assert.match(none.detail, /no Entra ID P2, so no PIM/);
      const active = noPrivilegedRoleCheck({
        active: [role('active', 'Exchange Administrator')],
        eligible: [],
        pim: 'not-licensed',
        truncated: false,
      });
      assertShape(active, 'fail');
      assert.match(active.detail, /Exchange Administrator \(active\)/);
    });
  });

  describe('no-role-group', () => {
    const group = (relation: 'member' | 'owner', confirmed = true) => ({
      id: 'a0a0a0a0-0000-4000-8000-000000000001',
      displayName: confirmed ? 'Tier 0 admins' : null,
      relation,
      confirmed,
    });

    it('passes when the user is in no role-assignable group', () => {
      assertShape(noRoleGroupCheck({ groups: [], truncated: false }), 'pass');
    });

    it('blocks a member or an owner of a role-assignable group, naming the group and the relation', () => {
      for (const relation of ['member', 'owner'] as const) {
        const check = noRoleGroupCheck({ groups: [group(relation)], truncated: false });
        assertShape(check, 'fail');
        assert.match(check.detail, new RegExp(`^${relation} of role-assignable Tier 0 admins`));
        assert.match(check.fix ?? '', /Privileged Authentication Administrator or Global Administrator/);
      }
    });

    it('blocks when Graph lists a group without its properties, naming the permission that shows them', () => {
      const check = noRoleGroupCheck({ groups: [group('member', false)], truncated: false });
      assertShape(check, 'fail');
      assert.match(check.detail, /without the groups' properties/);
      assert.match(check.fix ?? '', /GroupMember\.Read\.All/);
    });

    it('blocks "could not check" when the groups could not be read, and when Graph listed too many', () => {
      const denied = noRoleGroupCheck({ error: 'Graph answered 403', denied: true });
      assertShape(denied, 'fail');
      assert.match(denied.detail, /^could not check: /);
      assert.match(denied.fix ?? '', /GroupMember\.Read\.All application permission/);
      assertShape(noRoleGroupCheck({ groups: [], truncated: true }), 'fail');
    });
  });

  describe('no-object-identifier', () => {
    it('passes when the value is null', () => {
      assertShape(noObjectIdentifierCheck({ known: true, value: null }), 'pass');
    });

    it('fails when set, with how to clear it', () => {
      const check = noObjectIdentifierCheck({ known: true, value: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' });
      assertShape(check, 'fail');
      assert.match(check.detail, /7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/);
      assert.match(check.fix ?? '', /PATCH \/beta\/users\/\{id\}/);
      assert.match(check.fix ?? '', /User\.OnPremisesSync\.ReadWrite\.All/);
      assert.match(check.fix ?? '', /Hybrid Identity Administrator/);
    });

    it('warns when Graph does not expose it, and blocks when the read failed', () => {
      const unknown = noObjectIdentifierCheck({ known: false, reason: 'not in beta metadata' });
      assertShape(unknown, 'warn');
      assert.equal(
        unknown.detail,
        'Graph does not return onPremisesObjectIdentifier here (not in beta metadata)',
      );
      const failed = noObjectIdentifierCheck({ error: 'Graph is busy' });
      assertShape(failed, 'fail');
      assert.equal(failed.detail, 'could not check: Graph is busy');
    });
  });

  describe('tenant-hard-match-block', () => {
    it('passes when the block is off', () => {
      assertShape(tenantHardMatchBlockCheck(features(false)), 'pass');
    });

    it('fails when the block is on, naming InvalidHardMatch', () => {
      const check = tenantHardMatchBlockCheck(features(true));
      assertShape(check, 'fail');
      assert.match(check.detail, /InvalidHardMatch/);
    });

    it('warns plainly when Anchor cannot read it, with how to check it and what happens if it is on', () => {
      const unknown = tenantHardMatchBlockCheck({ known: false, reason: 'Graph refused: 403' });
      assertShape(unknown, 'warn');
      assert.match(unknown.detail, /only a signed-in Global Administrator/);
      assert.doesNotMatch(unknown.detail, /could not|failed|error/i);
      assert.match(unknown.fix ?? '', /Get-EntraDirSyncFeature/);
      assert.match(unknown.fix ?? '', /OnPremDirectorySynchronization\.Read\.All application permission/);
      assert.match(unknown.fix ?? '', /InvalidHardMatch/);
      assertShape(tenantHardMatchBlockCheck(features(null)), 'warn');
      assertShape(tenantHardMatchBlockCheck({ error: 'timeout' }), 'warn');
    });
  });

  describe('sync-server', () => {
    it('passes a fresh, ready, non-staging relay and says when the next cycle runs', () => {
      const check = syncServerCheck(relay());
      assertShape(check, 'pass');
      assert.match(check.detail, /aadc01/);
      assert.match(check.detail, /sync cycle enabled, next cycle 2026-11-25 10:30:00 UTC/);
    });

    it('mentions a paused scheduler without failing', () => {
      const poll = pollRequest('aadc01', { scheduler: schedulerState({ syncCycleEnabled: false }) });
      const check = syncServerCheck(relay({}, poll));
      assertShape(check, 'pass');
      assert.match(check.detail, /sync cycle paused/);
    });

    it('fails when no relay is configured', () => {
      const check = syncServerCheck(null);
      assertShape(check, 'fail');
      assert.equal(check.detail, 'no relay is configured (RELAY_KEYS)');
    });

    it('fails when the relay never polled or went stale, saying when it last did', () => {
      assertShape(syncServerCheck({ heartbeat: null, fresh: false, ageMs: null }), 'fail');
      const stale = syncServerCheck(relay({ fresh: false, ageMs: 600_000 }));
      assertShape(stale, 'fail');
      assert.match(stale.detail, /last polled at 2026-11-25 10:00:00 UTC \(600 s ago\)/);
    });

    it('fails a relay that is not ready, with its problem', () => {
      const check = syncServerCheck(
        relay({}, pollRequest('aadc01', { ready: false, problem: 'Import-Module ADSync failed' })),
      );
      assertShape(check, 'fail');
      assert.match(check.detail, /not ready: Import-Module ADSync failed/);
    });

    it('fails a staging server and warns when staging is unknown', () => {
      const staging = pollRequest('aadc01', { scheduler: schedulerState({ stagingModeEnabled: true }) });
      const check = syncServerCheck(relay({}, staging));
      assertShape(check, 'fail');
      assert.match(check.detail, /staging mode/);
      const unknown = pollRequest('aadc01', { scheduler: schedulerState({ stagingModeEnabled: null }) });
      assertShape(syncServerCheck(relay({}, unknown)), 'warn');
    });

    it('fails when the heartbeat could not be read', () => {
      assertShape(syncServerCheck({ error: 'storage unavailable' }), 'fail');
    });
  });

  describe('same-person', () => {
    it('passes a pair that agrees on addresses and names, saying how sure and why', () => {
      const check = samePersonCheck(scorePair(adUser(), cloudUser()));
      assertShape(check, 'pass');
      assert.equal(
        check.detail,
        'apes and apes@contoso.com: strong match (same UPN, an AD mail address is the cloud UPN, ' +
          'AD login is the cloud UPN name, same display name)',
      );
    });

    it('passes without a warning when only the UPN suffix differs (issue 16: corp.example.test vs contoso.com)', () => {
      const check = samePersonCheck(
        scorePair(
          adUser({
            userPrincipalName: 'apes@corp.example.test',
            mail: undefined,
            proxyAddresses: [],
            primarySmtp: undefined,
          }),
          cloudUser({ mail: null, proxyAddresses: [] }),
        ),
      );
      assertShape(check, 'pass');
      assert.match(
        check.detail,
        /^apes and apes@contoso\.com: strong match \(AD login is the cloud UPN name/,
      );
    });

    it('warns when only the name agrees', () => {
      const check = samePersonCheck(
        scorePair(
          adUser(),
          cloudUser({ userPrincipalName: 'a.p@fabrikam.com', mail: null, proxyAddresses: [] }),
        ),
      );
      assertShape(check, 'warn');
      assert.equal(
        check.detail,
        'apes and a.p@fabrikam.com may not be the same person (weak match: same display name)',
      );
      assert.match(check.fix ?? '', /same person/);
    });

    it('fails a pair with nothing in common', () => {
      const check = samePersonCheck(
        scorePair(
          adUser(),
          cloudUser({
            userPrincipalName: 'lrobbins@contoso.com',
            mail: 'lrobbins@contoso.com',
            proxyAddresses: [],
            displayName: 'Lynne Robbins',
          }),
        ),
      );
      assertShape(check, 'fail');
      assert.match(check.detail, /nothing in common: names, logins and addresses all differ/);
    });
  });

  describe('evaluateChecks', () => {
    it('gives every check once, in the card’s order', () => {
      const facts: PreflightFacts = {
        ad: adUser(),
        cloud: cloudUser(),
        holders: holders(),
        domain: { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true },
        roles: { active: [], eligible: [], pim: 'available', truncated: false },
        roleGroups: { groups: [], truncated: false },
        objectIdentifier: { known: true, value: null },
        syncFeatures: features(false),
        syncServer: relay(),
        pair: scorePair(adUser(), cloudUser()),
      };
      const checks = evaluateChecks(facts);
      assert.deepEqual(
        checks.map((c) => c.id),
        [...PREFLIGHT_CHECK_IDS],
      );
      assert.deepEqual(
        checks.filter((c) => c.status !== 'pass'),
        [],
      );
    });

    it('tells an unreadable fact from a value', () => {
      assert.equal(isUnreadable({ error: 'x' }), true);
      assert.equal(isUnreadable(null), false);
      assert.equal(isUnreadable(holders()), false);
    });
  });
});
