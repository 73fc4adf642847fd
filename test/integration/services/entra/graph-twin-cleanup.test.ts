import assert from 'node:assert/strict';
import type { CloudDirectory, TwinCleanupDirectory } from '../../../../src/services/entra/cloud-directory';
import type { Knowable } from '../../../../src/services/entra/cloud-user';
import { AdminFacingError } from '../../../../src/shared/admin-facing-error';
import {
  GraphPermissionError,
  NotInRecycleBinError,
  UserNotFoundError,
} from '../../../../src/services/entra/graph-errors';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import type { SimCloudUser } from '../../../../src/sim/graph/model';
import { cloudOn } from '../../../support/graph-sim';

const TWIN = 'a1b2c3d4-0000-4000-8000-000000000001';
const BARE = 'a1b2c3d4-0000-4000-8000-000000000002';
const GROUP = 'a1b2c3d4-0000-4000-8000-0000000000a1';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const SALESFORCE_SP = 'a1b2c3d4-0000-4000-8000-0000000000f1';
const ROLE = 'a1b2c3d4-0000-4000-8000-0000000000e1';

/** A cloud user as the sync engine would have created it, with the rest of the fields a seed needs. */
function user(id: string, upn: string, extra: Partial<SimCloudUser> = {}): SimCloudUser {
  return {
    id,
    displayName: upn.split('@')[0],
    userPrincipalName: upn,
    proxyAddresses: [],
    accountEnabled: true,
    userType: 'Member',
    createdDateTime: '2026-11-02T08:00:00Z',
    onPremisesImmutableId: null,
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: '2026-11-02T08:00:00Z',
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    ...extra,
  };
}

const known = <T>(k: Knowable<T>): T => {
  assert.ok(k.known, `expected a known value, got: ${k.known ? '' : k.reason}`);
  return k.value;
};
const reason = (k: Knowable<unknown>): string => {
  assert.ok(!k.known, `expected "could not check", got ${JSON.stringify(k)}`);
  return k.reason;
};

/**
 * What the "delete the twin, keep the original" plan reads about a cloud user, and the permanent
 * deletion, through the production Graph service against the simulator over HTTP.
 */
describe('Graph service: a twin’s footprint and its permanent deletion (HTTP)', function () {
  this.timeout(30_000);
  let sim: GraphSimulator;
  let cloud: CloudDirectory & TwinCleanupDirectory;

  const grant = (permissions: string[] | null) => {
    sim.state.clients.find((c) => c.clientId === 'anchor')!.permissions = permissions ?? undefined;
  };

  before(async () => {
    const seed = demoGraphSeed(DEMO_TENANT.tenantId);
    sim = new GraphSimulator({
      ...seed,
      clients: [{ clientId: 'anchor' }],
      users: [
        ...seed.users,
        user(TWIN, 'twin@contoso.com', {
          mail: 'twin@contoso.com',
          proxyAddresses: ['SMTP:twin@contoso.com', 'smtp:twin@contoso.onmicrosoft.com'],
          assignedLicenses: [{ skuId: E3, disabledPlans: [] }],
          assignedPlans: [
            {
              assignedDateTime: '2026-11-02T09:00:00Z',
              capabilityStatus: 'Enabled',
              service: 'exchange',
              servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
            },
          ],
          provisionedPlans: [
            { capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' },
          ],
          signInActivity: {
            lastSignInDateTime: '2026-12-01T07:30:00Z',
            lastNonInteractiveSignInDateTime: '2026-12-02T07:30:00Z',
          },
          appRoleAssignments: [
            { appRoleId: ROLE, resourceId: SALESFORCE_SP, resourceDisplayName: 'Salesforce' },
          ],
        }),
        user(BARE, 'bare@contoso.com', { createdDateTime: '2026-11-03T08:00:00Z' }),
      ],
      groups: [...(seed.groups ?? []), { id: GROUP, displayName: 'Sales', members: [TWIN] }],
    });
    cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
  });

  after(async () => {
    await sim?.stop();
  });

  afterEach(() => {
    grant(null);
    sim.state.entraIdP1 = true;
    sim.state.entraIdP2 = true;
  });

  it('reads every part of the footprint: licences, mailbox, groups, app roles, sign-ins, creation time', async () => {
    const f = await cloud.getTwinFootprint(TWIN);
    assert.equal(f.userId, TWIN);
    assert.equal(known(f.createdDateTime), '2026-11-02T08:00:00Z');
    assert.deepEqual(known(f.assignedLicenses), [E3]);
    assert.deepEqual(known(f.mailbox), {
      hasMailbox: true,
      exchangeProvisioning: 'Success',
      exchangeLicensed: true,
      mail: 'twin@contoso.com',
      proxyAddresses: ['SMTP:twin@contoso.com', 'smtp:twin@contoso.onmicrosoft.com'],
    });
    assert.deepEqual(known(f.groups), { items: [{ id: GROUP, displayName: 'Sales' }], truncated: false });
    const roles = known(f.appRoleAssignments);
    assert.equal(roles.truncated, false);
    assert.deepEqual(
      roles.items.map((r) => [r.resourceDisplayName, r.appRoleId, r.resourceId]),
      [['Salesforce', ROLE, SALESFORCE_SP]],
    );
    assert.deepEqual(known(f.signInActivity), {
      lastSignInDateTime: '2026-12-01T07:30:00Z',
      lastNonInteractiveSignInDateTime: '2026-12-02T07:30:00Z',
      lastSuccessfulSignInDateTime: null,
    });
  });

  it('reads a user with nothing as known-empty, not unknown: no licence, no mailbox, no groups, never signed in', async () => {
    const f = await cloud.getTwinFootprint(BARE);
    assert.deepEqual(known(f.assignedLicenses), []);
    assert.equal(known(f.mailbox).hasMailbox, false);
    assert.equal(known(f.mailbox).exchangeProvisioning, null);
    assert.deepEqual(known(f.groups).items, []);
    assert.deepEqual(known(f.appRoleAssignments).items, []);
    assert.equal(known(f.signInActivity), null);
  });

  it('says "could not check" naming the permission for each part the app may not read; the rest stays known', async () => {
    grant(['User.Read.All']);
    const f = await cloud.getTwinFootprint(TWIN);
    assert.deepEqual(known(f.assignedLicenses), [E3]);
    assert.match(reason(f.appRoleAssignments), /grant it the Directory\.Read\.All application permission/);
    assert.match(reason(f.signInActivity), /grant it the AuditLog\.Read\.All application permission/);
    // With User.Read.All alone Graph lists the groups by id only: known, names unknown.
    assert.deepEqual(known(f.groups).items, [{ id: GROUP, displayName: null }]);

    grant(['AppRoleAssignment.ReadWrite.All', 'AuditLog.Read.All']);
    const noUserRead = await cloud.getTwinFootprint(TWIN);
    for (const part of [noUserRead.assignedLicenses, noUserRead.mailbox, noUserRead.createdDateTime]) {
      assert.match(reason(part), /grant it the User\.Read\.All application permission/);
    }
    assert.equal(known(noUserRead.appRoleAssignments).items.length, 1);

    grant(['Domain.Read.All']);
    const nothing = await cloud.getTwinFootprint(TWIN);
    assert.match(reason(nothing.groups), /grant it the GroupMember\.Read\.All application permission/);
  });

  it('says sign-in activity cannot be read in a tenant without Entra ID P1/P2, and why', async () => {
    sim.state.entraIdP1 = false;
    sim.state.entraIdP2 = false;
    const f = await cloud.getTwinFootprint(TWIN);
    const why = reason(f.signInActivity);
    assert.match(why, /no Microsoft Entra ID P1 or P2 licence/);
    assert.match(why, /Authentication_RequestFromNonPremiumTenantOrB2CTenant/);
    assert.doesNotMatch(why, /grant it/, 'no permission fixes a missing licence');
    assert.deepEqual(known(f.assignedLicenses), [E3]);
  });

  it('throws UserNotFoundError for a user that does not exist, rather than an empty footprint', async () => {
    await assert.rejects(cloud.getTwinFootprint('nobody@contoso.com'), UserNotFoundError);
  });

  it('hard-deletes a soft-deleted user: 204, then gone from deleted items; a second delete is a clear NotInRecycleBinError', async () => {
    const twin = sim.state.addDeletedUser(user('a1b2c3d4-0000-4000-8000-000000000003', 'gone@contoso.com'));
    await cloud.hardDeleteDeletedUser(twin.id);
    const log = sim.requests.filter((r) => r.method === 'DELETE').at(-1);
    assert.equal(log?.status, 204);
    assert.equal(sim.state.deletedUsers.has(twin.id), false);
    const listing = await cloud.findImmutableIdHolders('unused');
    assert.ok(!listing.deletedUsers.some((u) => u.id === twin.id));
    await assert.rejects(cloud.hardDeleteDeletedUser(twin.id), (err: unknown) => {
      assert.ok(err instanceof NotInRecycleBinError, String(err));
      assert.ok(err instanceof AdminFacingError);
      assert.equal(err.status, 404);
      assert.match(err.message, new RegExp(`No deleted object '${twin.id}' in the recycle bin`));
      assert.match(err.message, /Nothing was deleted/);
      return true;
    });
  });

  it('does not hard-delete a live user: it is not in deleted items', async () => {
    await assert.rejects(cloud.hardDeleteDeletedUser(BARE), NotInRecycleBinError);
    assert.ok(sim.state.users.has(BARE));
  });

  it('refuses the hard delete without User.DeleteRestore.All, naming it, and deletes nothing', async () => {
    const twin = sim.state.addDeletedUser(user('a1b2c3d4-0000-4000-8000-000000000004', 'kept@contoso.com'));
    grant(['User.Read.All', 'User.ReadUpdate.All']);
    await assert.rejects(cloud.hardDeleteDeletedUser(twin.id), (err: unknown) => {
      assert.ok(err instanceof GraphPermissionError, String(err));
      assert.equal(err.status, 403);
      assert.match(
        err.message,
        /may not permanently delete a user from the recycle bin \(deleted items\): grant it the User\.DeleteRestore\.All application permission/,
      );
      return true;
    });
    assert.ok(sim.state.deletedUsers.has(twin.id));
    grant(['User.DeleteRestore.All']);
    await cloud.hardDeleteDeletedUser(twin.id);
    assert.equal(sim.state.deletedUsers.has(twin.id), false);
  });

  it('reads a soft-deleted user from deleted items, and null for one that is live or gone for good', async () => {
    const twin = sim.state.addDeletedUser(
      user('a1b2c3d4-0000-4000-8000-000000000005', 'soft@contoso.com', { onPremisesImmutableId: 'abc=' }),
    );
    const read = await cloud.getDeletedUser(twin.id);
    assert.equal(read?.id, twin.id);
    assert.equal(read?.onPremisesImmutableId, 'abc=');
    assert.ok(read?.deletedDateTime, 'deletedDateTime is selected');
    assert.equal(await cloud.getDeletedUser(BARE), null);
    await cloud.hardDeleteDeletedUser(twin.id);
    assert.equal(await cloud.getDeletedUser(twin.id), null);
  });

  it('does not read "gone" when the app may not read deleted items: the 403 names the permission', async () => {
    grant(['User.DeleteRestore.All']);
    await assert.rejects(cloud.getDeletedUser(BARE), GraphPermissionError);
  });
});
