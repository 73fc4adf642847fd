import assert from 'node:assert/strict';
import {
  evaluateTwinChecks,
  TWIN_CHECK_IDS,
  twinAppRolesCheck,
  twinGroupsCheck,
  twinIdentityCheck,
  twinLicencesCheck,
  twinMailboxCheck,
  twinSignInCheck,
} from '../../../../../src/services/link/twin/twin-checks';
import { APES_IMMUTABLE_ID, apesCloudUser } from '../../../../support/link-fixtures';
import { deletedTwin, footprint, holders, NOW, twinUser } from './twin-fixtures';

const unknown = { known: false as const, reason: 'Graph answered 403' };
const known = <T>(value: T) => ({ known: true as const, value });
const E3 = { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3' };
const VISIO = { skuId: 'c5928f49-12ba-48f7-ada3-0d743a3601d5', skuPartNumber: 'VISIOCLIENT' };
const SALES = { id: 'g-sales', displayName: 'Sales' };
const HR_APP = { resourceId: 'sp-hr', resourceDisplayName: 'HR portal', appRoleId: 'r-reader' };

describe('twin checks', () => {
  it('lists every check in order', () => {
    const checks = evaluateTwinChecks({
      original: apesCloudUser(),
      twin: twinUser(),
      immutableId: APES_IMMUTABLE_ID,
      holders: holders({ users: [twinUser()] }),
      originalFootprint: footprint(),
      twinFootprint: footprint(),
      recentSince: NOW,
    });
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      TWIN_CHECK_IDS.map((id) => [id, 'pass']),
    );
  });

  describe('twin-identity', () => {
    const facts = { original: apesCloudUser(), twin: twinUser(), immutableId: APES_IMMUTABLE_ID };
    it('passes for a synced twin that is the only other holder', () => {
      assert.equal(twinIdentityCheck({ ...facts, holders: holders({ users: [twinUser()] }) }).status, 'pass');
    });
    it('fails when another object also holds the value, and names it', () => {
      const other = deletedTwin({ id: 'old-one', userPrincipalName: 'old@contoso.com' });
      const check = twinIdentityCheck({
        ...facts,
        holders: holders({ users: [twinUser()], deletedUsers: [other] }),
      });
      assert.equal(check.status, 'fail');
      assert.match(check.detail, /old@contoso\.com \(old-one\)/);
    });
    it('fails when the twin is not synced (moving the AD user would not delete it)', () => {
      const twin = twinUser({ onPremisesSyncEnabled: null });
      assert.equal(twinIdentityCheck({ ...facts, twin, holders: holders({ users: [twin] }) }).status, 'fail');
    });
    it('is unknown when the holders could not be read', () => {
      const check = twinIdentityCheck({ ...facts, holders: { error: 'Graph is down' } });
      assert.equal(check.status, 'unknown');
      assert.match(check.detail, /could not check: Graph is down/);
    });
  });

  describe('twin-licences', () => {
    it('passes when the original holds every licence of the twin', () => {
      assert.equal(twinLicencesCheck(known([E3]), known([E3, VISIO])).status, 'pass');
    });
    it('fails naming the licence the original lacks', () => {
      const check = twinLicencesCheck(known([E3, VISIO]), known([E3]));
      assert.equal(check.status, 'fail');
      assert.match(check.detail, /VISIOCLIENT/);
      assert.doesNotMatch(check.detail, /SPE_E3/);
      assert.match(check.fix ?? '', /Assign these licences to the original/);
    });
    it("is unknown (never pass) when the twin's or the original's licences could not be read", () => {
      assert.equal(twinLicencesCheck(unknown, known([])).status, 'unknown');
      assert.equal(twinLicencesCheck(known([]), unknown).status, 'unknown');
    });
  });

  describe('twin-mailbox', () => {
    it('passes without a mailbox', () => {
      assert.equal(
        twinMailboxCheck(known({ hasMailbox: false, proxyAddresses: ['SMTP:apes@contoso.com'] })).status,
        'pass',
      );
    });
    it('fails for a mailbox of its own, naming its addresses', () => {
      const check = twinMailboxCheck(known({ hasMailbox: true, proxyAddresses: ['SMTP:apes1@contoso.com'] }));
      assert.equal(check.status, 'fail');
      assert.match(check.detail, /apes1@contoso\.com/);
    });
    it('is unknown when Graph could not tell', () => {
      assert.equal(twinMailboxCheck(unknown).status, 'unknown');
    });
  });

  describe('twin-groups', () => {
    it('passes when the original is in every group of the twin', () => {
      assert.equal(twinGroupsCheck(known([SALES]), known([SALES])).status, 'pass');
    });
    it('fails naming the group the original is not in', () => {
      const check = twinGroupsCheck(known([SALES]), known([]));
      assert.equal(check.status, 'fail');
      assert.match(check.detail, /Sales \(g-sales\)/);
    });
    it('is unknown when either side could not be read', () => {
      assert.equal(twinGroupsCheck(unknown, known([])).status, 'unknown');
      assert.equal(twinGroupsCheck(known([]), unknown).status, 'unknown');
    });
  });

  describe('twin-app-roles', () => {
    it('passes when the original holds the same app role', () => {
      assert.equal(twinAppRolesCheck(known([HR_APP]), known([HR_APP])).status, 'pass');
    });
    it('fails naming the app role the original lacks (same app, another role counts)', () => {
      const check = twinAppRolesCheck(known([HR_APP]), known([{ ...HR_APP, appRoleId: 'r-writer' }]));
      assert.equal(check.status, 'fail');
      assert.match(check.detail, /HR portal \(role r-reader\)/);
    });
    it("is unknown when either side could not be read, naming Directory.Read.All (what Graph needs for a user's app role assignments)", () => {
      const check = twinAppRolesCheck(unknown, known([]));
      assert.equal(check.status, 'unknown');
      assert.match(check.fix ?? '', /Directory\.Read\.All/);
      assert.doesNotMatch(check.fix ?? '', /Application\.Read\.All/);
    });
  });

  describe('twin-sign-in (informative)', () => {
    const since = new Date('2026-11-04T00:00:00Z');
    const signIn = (last: string | null, nonInteractive: string | null = null) =>
      known({ lastSignInDateTime: last, lastNonInteractiveSignInDateTime: nonInteractive });
    it('passes for a twin that never signed in, or long ago', () => {
      assert.equal(twinSignInCheck(signIn(null), since).status, 'pass');
      assert.equal(twinSignInCheck(signIn('2026-01-01T00:00:00Z'), since).status, 'pass');
    });
    it('warns when the twin signed in recently, interactively or not', () => {
      assert.equal(twinSignInCheck(signIn('2026-12-01T08:00:00Z'), since).status, 'warn');
      assert.equal(twinSignInCheck(signIn(null, '2026-12-01T08:00:00Z'), since).status, 'warn');
    });
    it('is unknown, and informative, when sign-in activity is not readable', () => {
      const check = twinSignInCheck(unknown, since);
      assert.equal(check.status, 'unknown');
      assert.equal(check.informative, true);
    });
  });
});
