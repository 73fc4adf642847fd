import assert from 'node:assert/strict';
import type { UserFootprint } from '../../../../../src/services/entra/cloud-user';
import { footprintOf, unknownFootprint } from '../../../../../src/services/link/twin/twin-footprint';
import { twinUser } from './twin-fixtures';

function graphFootprint(extra: Partial<UserFootprint> = {}): UserFootprint {
  return {
    userId: 'u1',
    createdDateTime: { known: true, value: '2026-12-01T10:00:00Z' },
    assignedLicenses: { known: true, value: ['sku-1'] },
    mailbox: {
      known: true,
      value: {
        hasMailbox: true,
        exchangeProvisioning: 'Success',
        exchangeLicensed: true,
        mail: 'a@contoso.com',
        proxyAddresses: ['SMTP:footprint@contoso.com'],
      },
    },
    groups: { known: true, value: { items: [{ id: 'g1', displayName: 'Sales' }], truncated: false } },
    appRoleAssignments: {
      known: true,
      value: {
        items: [{ id: 'a1', appRoleId: 'r1', resourceId: null, resourceDisplayName: 'CRM' }],
        truncated: false,
      },
    },
    signInActivity: { known: true, value: null },
    ...extra,
  };
}

describe('footprintOf', () => {
  it('maps every known part, proxyAddresses from the user', () => {
    const f = footprintOf(twinUser({ proxyAddresses: ['SMTP:apes@contoso.com'] }), graphFootprint());
    assert.deepEqual(f.assignedLicenses, { known: true, value: [{ skuId: 'sku-1' }] });
    assert.deepEqual(f.mailbox, {
      known: true,
      value: { hasMailbox: true, proxyAddresses: ['SMTP:apes@contoso.com'] },
    });
    assert.deepEqual(f.groups, { known: true, value: [{ id: 'g1', displayName: 'Sales' }] });
    assert.ok(f.appRoleAssignments.known);
    assert.equal(f.appRoleAssignments.value[0]?.appRoleId, 'r1');
    assert.equal(f.appRoleAssignments.value[0]?.resourceDisplayName, 'CRM');
    assert.deepEqual(f.signInActivity, {
      known: true,
      value: { lastSignInDateTime: null, lastNonInteractiveSignInDateTime: null },
    });
    assert.deepEqual(f.createdDateTime, { known: true, value: '2026-12-01T10:00:00Z' });
  });

  it('turns a capped list into "could not check" (fail closed), never a partial list', () => {
    const f = footprintOf(
      twinUser(),
      graphFootprint({
        groups: { known: true, value: { items: [{ id: 'g1', displayName: null }], truncated: true } },
      }),
    );
    assert.ok(!f.groups.known);
    assert.match(f.groups.reason, /more than 1 groups; Anchor could not compare them all/);
  });

  it('keeps an unknown part unknown with its reason', () => {
    const f = footprintOf(
      twinUser(),
      graphFootprint({ signInActivity: { known: false, reason: 'needs Entra ID P1' } }),
    );
    assert.deepEqual(f.signInActivity, { known: false, reason: 'needs Entra ID P1' });
  });

  it('unknownFootprint makes every part unknown', () => {
    const f = unknownFootprint('Graph failed');
    for (const part of Object.values(f)) assert.deepEqual(part, { known: false, reason: 'Graph failed' });
  });
});
