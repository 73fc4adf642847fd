import assert from 'node:assert/strict';
import type { UserFootprint } from '../../../../../src/services/entra/cloud-user';
import { GraphPermissionError, UserNotFoundError } from '../../../../../src/services/entra/graph-errors';
import { TwinNotFoundError, TwinPlanner } from '../../../../../src/services/link/twin/twin-planner';
import type { TwinPlannerOptions } from '../../../../../src/services/link/twin/twin-planner';
import { DirectoryError } from '../../../../../src/shared/directory/directory-error';
import { apesCloudUser, apesPreflight } from '../../../../support/link-fixtures';
import { holders, NOW, PARKING_OU, SYNC_OUS, TWIN_ID, twinUser } from './twin-fixtures';

const answer = (status: number, code: string, message: string) => ({ status, code, message, details: [] });

function graphFootprint(userId: string): UserFootprint {
  return {
    userId,
    createdDateTime: { known: true, value: '2026-12-01T10:00:00Z' },
    assignedLicenses: { known: true, value: [] },
    mailbox: {
      known: true,
      value: {
        hasMailbox: false,
        exchangeProvisioning: null,
        exchangeLicensed: false,
        mail: null,
        proxyAddresses: [],
      },
    },
    groups: { known: true, value: { items: [], truncated: false } },
    appRoleAssignments: { known: true, value: { items: [], truncated: false } },
    signInActivity: { known: true, value: null },
  };
}

/** A planner over fakes: apes's original and his synced twin, the demo's OUs. */
function planner(extra: Partial<TwinPlannerOptions> = {}, cloud: Partial<TwinPlannerOptions['cloud']> = {}) {
  return new TwinPlanner({
    cloud: {
      findImmutableIdHolders: async () => holders({ users: [twinUser()] }),
      getUser: async (id) => (id === TWIN_ID ? twinUser() : apesCloudUser()),
      getTwinFootprint: async (id) => graphFootprint(id),
      ...cloud,
    },
    directory: { listOus: async () => [...SYNC_OUS, PARKING_OU] },
    syncScopeOus: SYNC_OUS,
    now: () => NOW,
    ...extra,
  });
}

const report = () => apesPreflight({ 'no-synced-twin': 'fail', 'anchor-unique': 'fail' });

describe('TwinPlanner', () => {
  it('plans the fix of the twin the holders name, parking the user in an OU outside the scope', async () => {
    const plan = await planner().plan(report());
    assert.equal(plan.twin.id, TWIN_ID);
    assert.equal(plan.original.id, apesCloudUser().id);
    assert.deepEqual(plan.parking, { dn: PARKING_OU, source: 'derived' });
    assert.equal(plan.plannedAt, NOW.toISOString());
    assert.ok(
      plan.twinChecks.every((c) => c.status === 'pass'),
      JSON.stringify(plan.twinChecks),
    );
  });

  it('uses TWIN_PARKING_OU once the directory confirms it exists', async () => {
    const configured = 'OU=Quarantine,DC=corp,DC=contoso,DC=com';
    const plan = await planner({
      parkingOu: configured,
      directory: {
        listOus: async () => [...SYNC_OUS, PARKING_OU, 'ou=quarantine, dc=corp,dc=contoso,dc=com'],
      },
    }).plan(report());
    assert.deepEqual(plan.parking, { dn: configured, source: 'configured' });
  });

  it('refuses a TWIN_PARKING_OU the directory does not hold (the plan is ✗)', async () => {
    const plan = await planner({ parkingOu: 'OU=Nowhere,DC=corp,DC=contoso,DC=com' }).plan(report());
    assert.equal(plan.parking, null);
    assert.match(plan.parkingProblem ?? '', /TWIN_PARKING_OU OU=Nowhere.* is not an OU of the directory/);
    assert.equal(plan.verdict, 'fail');
  });

  it('names no parking OU (the plan is ✗) when the OUs cannot be listed, and says to set TWIN_PARKING_OU', async () => {
    const plan = await planner({
      directory: { listOus: () => Promise.reject(new DirectoryError('unreachable', 'dc1 is down')) },
    }).plan(report());
    assert.equal(plan.parking, null);
    assert.match(plan.parkingProblem ?? '', /dc1 is down.*TWIN_PARKING_OU/);
    assert.equal(plan.verdict, 'fail');
  });

  it('throws TwinNotFoundError when no synced twin holds the value any more', async () => {
    await assert.rejects(
      planner({}, { findImmutableIdHolders: async () => holders() }).plan(report()),
      (err: unknown) => err instanceof TwinNotFoundError && /run the preflight again/.test(err.message),
    );
  });

  it('throws TwinNotFoundError when the listed twin is gone when read by id', async () => {
    await assert.rejects(
      planner(
        {},
        {
          getUser: (id) =>
            Promise.reject(new UserNotFoundError(id, answer(404, 'Request_ResourceNotFound', 'gone'))),
        },
      ).plan(report()),
      TwinNotFoundError,
    );
  });

  it('a footprint Graph will not give is "could not read" on every part, and the plan fails closed', async () => {
    const refused = new GraphPermissionError(
      answer(403, 'Authorization_RequestDenied', 'Insufficient privileges'),
    );
    const plan = await planner({}, { getTwinFootprint: () => Promise.reject(refused) }).plan(report());
    assert.equal(plan.verdict, 'fail');
    const groups = plan.comparison.find((r) => r.label === 'Groups');
    assert.match(groups?.twin ?? '', /could not read/);
    assert.doesNotMatch(groups?.twin ?? '', /none/);
  });
});
