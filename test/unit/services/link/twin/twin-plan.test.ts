import assert from 'node:assert/strict';
import { chooseParkingOu, parentOf } from '../../../../../src/services/link/twin/parking-ou';
import { twinPlanVerdict } from '../../../../../src/services/link/twin/twin-plan';
import type { TwinCheck } from '../../../../../src/services/link/twin/twin-checks';
import { apesPreflight } from '../../../../support/link-fixtures';
import { footprint, HOME_DN, PARKING_OU, plan, SYNC_OUS } from './twin-fixtures';

const twinCheck = (status: TwinCheck['status'], informative = false): TwinCheck => ({
  id: informative ? 'twin-sign-in' : 'twin-licences',
  status,
  title: 't',
  detail: 'd',
  ...(informative ? { informative: true as const } : {}),
});

describe('twin plan', () => {
  it('names the original, the twin, the AD user with its home OU and anchor, and the parking OU', () => {
    const p = plan();
    assert.equal(p.original.onPremisesSyncEnabled, null);
    assert.equal(p.twin.onPremisesSyncEnabled, true);
    assert.equal(p.ad.homeOu, 'OU=Staff,DC=corp,DC=contoso,DC=com');
    assert.equal(p.ad.immutableId, p.preflight.immutableId);
    assert.equal(p.parking?.dn, PARKING_OU);
    assert.equal(p.verdict, 'pass');
  });

  it('shows both users side by side and marks what deleting the twin would lose', () => {
    const p = plan({
      twinFootprint: footprint({
        assignedLicenses: { known: true, value: [{ skuId: 's', skuPartNumber: 'SPE_E3' }] },
      }),
    });
    const row = p.comparison.find((r) => r.label === 'Licences');
    assert.deepEqual(row, { label: 'Licences', original: 'none', twin: 'SPE_E3', lost: true });
    assert.equal(p.verdict, 'fail');
  });

  it('shows a part it could not read as such, and the plan is blocked by it', () => {
    const p = plan({ twinFootprint: footprint({ groups: { known: false, reason: 'Graph answered 403' } }) });
    assert.equal(p.comparison.find((r) => r.label === 'Groups')?.twin, 'could not read (Graph answered 403)');
    assert.equal(p.twinChecks.find((c) => c.id === 'twin-groups')?.status, 'unknown');
    assert.equal(p.verdict, 'fail');
  });

  describe('verdict (needs both the twin and the original)', () => {
    const preflight = apesPreflight({ 'no-synced-twin': 'fail' }).checks;
    it('passes when the twin passes and only the superseded no-synced-twin fails in the preflight', () => {
      assert.equal(twinPlanVerdict([twinCheck('pass')], preflight), 'pass');
    });
    it('fails when another preflight check of the original fails', () => {
      const checks = apesPreflight({ 'no-synced-twin': 'fail', 'no-privileged-role': 'fail' }).checks;
      assert.equal(twinPlanVerdict([twinCheck('pass')], checks), 'fail');
    });
    it('warns on a preflight warning', () => {
      const checks = apesPreflight({ 'no-synced-twin': 'fail', 'same-person': 'warn' }).checks;
      assert.equal(twinPlanVerdict([twinCheck('pass')], checks), 'warn');
    });
    it('fails on a twin check that fails', () => {
      assert.equal(twinPlanVerdict([twinCheck('fail')], preflight), 'fail');
    });
    it('blocks on a part that could not be checked (fail closed)', () => {
      assert.equal(twinPlanVerdict([twinCheck('unknown')], preflight), 'fail');
    });
    it('asks for an acknowledgement, not a block, when only the informative sign-in is unknown', () => {
      assert.equal(twinPlanVerdict([twinCheck('pass'), twinCheck('unknown', true)], preflight), 'warn');
    });
    it('fails without a parking OU', () => {
      assert.equal(twinPlanVerdict([twinCheck('pass')], preflight, 'no OU'), 'fail');
      assert.equal(plan({ parking: { ok: false, problem: 'none' } }).verdict, 'fail');
    });
  });

  describe('parking OU', () => {
    const directoryOus = [
      'OU=Staff,DC=corp,DC=contoso,DC=com',
      'OU=Old,OU=Staff,DC=corp,DC=contoso,DC=com',
      'OU=Zeta parking,DC=corp,DC=contoso,DC=com',
      'OU=Disabled,OU=Corp,DC=other,DC=com',
    ];
    it('uses TWIN_PARKING_OU when it is outside the scope', () => {
      const choice = chooseParkingOu({
        configured: PARKING_OU,
        syncScopeOus: SYNC_OUS,
        directoryOus,
        userDn: HOME_DN,
      });
      assert.deepEqual(choice, { ok: true, ou: { dn: PARKING_OU, source: 'configured' } });
    });
    it('refuses a TWIN_PARKING_OU inside the scope', () => {
      const choice = chooseParkingOu({
        configured: 'OU=Old,OU=Staff,DC=corp,DC=contoso,DC=com',
        syncScopeOus: SYNC_OUS,
        directoryOus,
        userDn: HOME_DN,
      });
      assert.equal(choice.ok, false);
    });
    it('derives the OU outside the scope closest to the user', () => {
      const choice = chooseParkingOu({ syncScopeOus: SYNC_OUS, directoryOus, userDn: HOME_DN });
      assert.deepEqual(choice, {
        ok: true,
        ou: { dn: 'OU=Zeta parking,DC=corp,DC=contoso,DC=com', source: 'derived' },
      });
    });
    it('never derives the built-in Domain Controllers OU (it carries the DCs’ policy)', () => {
      const choice = chooseParkingOu({
        syncScopeOus: SYNC_OUS,
        directoryOus: [
          'OU=Domain Controllers,DC=corp,DC=contoso,DC=com',
          'OU=Zeta parking,DC=corp,DC=contoso,DC=com',
        ],
        userDn: HOME_DN,
      });
      assert.deepEqual(choice, {
        ok: true,
        ou: { dn: 'OU=Zeta parking,DC=corp,DC=contoso,DC=com', source: 'derived' },
      });
      const onlyDcs = chooseParkingOu({
        syncScopeOus: SYNC_OUS,
        directoryOus: ['OU=Domain Controllers,DC=corp,DC=contoso,DC=com'],
        userDn: HOME_DN,
      });
      assert.equal(onlyDcs.ok, false);
    });
    it('names none when every OU is in scope, or LDAP_SYNC_OUS is not set', () => {
      assert.equal(
        chooseParkingOu({ syncScopeOus: SYNC_OUS, directoryOus: directoryOus.slice(0, 2), userDn: HOME_DN })
          .ok,
        false,
      );
      assert.equal(
        chooseParkingOu({ configured: PARKING_OU, syncScopeOus: [], directoryOus, userDn: HOME_DN }).ok,
        false,
      );
    });
    it('parentOf honours escaped commas', () => {
      assert.equal(parentOf('CN=Pescasio\\, Aaron,OU=Staff,DC=corp'), 'OU=Staff,DC=corp');
    });
  });
});
