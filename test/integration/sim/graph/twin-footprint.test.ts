import assert from 'node:assert/strict';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { assertGraphError, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const DENIED = 'Insufficient privileges to complete the operation.';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const EXO_PLAN = 'efb87545-963c-4e0d-99df-69c6916d9eb0';
const EXO_SP = '00000002-0000-0ff1-ce00-000000000000';

/** A synced twin with everything deleting it would lose, as a test seeds it. */
const TWIN = {
  userPrincipalName: 'twin.footprint@contoso.com',
  createdDateTime: '2026-11-02T08:00:00Z',
  mail: 'twin.footprint@contoso.com',
  proxyAddresses: ['SMTP:twin.footprint@contoso.com', 'smtp:tf@contoso.onmicrosoft.com'],
  onPremisesSyncEnabled: true,
  assignedLicenses: [{ skuId: E3, disabledPlans: [] }],
  assignedPlans: [
    {
      assignedDateTime: '2026-11-02T09:00:00Z',
      capabilityStatus: 'Enabled',
      service: 'exchange',
      servicePlanId: EXO_PLAN,
    },
  ],
  provisionedPlans: [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }],
  signInActivity: { lastSignInDateTime: '2026-12-01T07:30:00Z', lastSignInRequestId: 'r-1' },
  appRoleAssignments: [
    {
      appRoleId: '00000000-0000-0000-0000-000000000000',
      resourceId: EXO_SP,
      resourceDisplayName: 'Salesforce',
    },
  ],
};

/**
 * The Graph reads a "delete the twin" plan needs, and the permanent delete, as the simulator
 * serves them: each behind the application permission Microsoft's page lists for it.
 */
describe('Graph simulator: a twin’s footprint and its permanent deletion', () => {
  let h: SimHarness;
  let twinId: string;

  const admin = async (method: string, path: string, body?: unknown) =>
    fetch(`${h.base}/_sim${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const grant = async (permissions: string[] | null) => {
    assert.equal((await admin('PATCH', '/apps/anchor', { permissions })).status, 204);
  };

  before(async () => {
    h = await startSim(demoGraphSeed());
    const res = await admin('POST', '/users', TWIN);
    assert.equal(res.status, 201);
    twinId = ((await res.json()) as { id: string }).id;
  });
  after(() => h.stop());
  afterEach(async () => {
    await grant(null);
    await admin('PATCH', '/settings', { entraIdP1: true, entraIdP2: true });
  });

  it('returns licences, plans, mail, proxyAddresses and createdDateTime on $select only', async () => {
    const select = 'id,createdDateTime,mail,proxyAddresses,assignedLicenses,assignedPlans,provisionedPlans';
    const res = await h.get(`/v1.0/users/${twinId}?$select=${select}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.createdDateTime, TWIN.createdDateTime);
    assert.deepEqual(body.assignedLicenses, TWIN.assignedLicenses);
    assert.deepEqual(body.assignedPlans, TWIN.assignedPlans);
    assert.deepEqual(body.provisionedPlans, TWIN.provisionedPlans);
    assert.deepEqual(body.proxyAddresses, TWIN.proxyAddresses);
    const plain = (await (await h.get(`/v1.0/users/${twinId}`)).json()) as Record<string, unknown>;
    for (const p of ['assignedLicenses', 'assignedPlans', 'provisionedPlans', 'signInActivity']) {
      assert.ok(!(p in plain), `${p} is not in v1.0's default set`);
    }
    const beta = (await (await h.get(`/beta/users/${twinId}`)).json()) as Record<string, unknown>;
    assert.ok(!('signInActivity' in beta), 'beta returns signInActivity on $select only');
  });

  it('returns signInActivity to an app with AuditLog.Read.All in a premium tenant', async () => {
    await grant(['User.Read.All', 'AuditLog.Read.All']);
    const res = await h.get(`/v1.0/users/${twinId}?$select=id,signInActivity`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { signInActivity: Record<string, unknown> };
    assert.equal(body.signInActivity.lastSignInDateTime, '2026-12-01T07:30:00Z');
    const list = await h.get(`/v1.0/users?$select=id,signInActivity&$filter=id eq '${twinId}'`);
    assert.equal(list.status, 200);
  });

  it('refuses signInActivity without AuditLog.Read.All (403 Authorization_RequestDenied), other properties still served', async () => {
    await grant(['User.Read.All']);
    await assertGraphError(
      await h.get(`/v1.0/users/${twinId}?$select=id,signInActivity`),
      403,
      'Authorization_RequestDenied',
      DENIED,
    );
    await assertGraphError(
      await h.get('/v1.0/users?$select=id,signInActivity'),
      403,
      'Authorization_RequestDenied',
      DENIED,
    );
    assert.equal((await h.get(`/v1.0/users/${twinId}?$select=id,assignedLicenses`)).status, 200);
  });

  it('refuses signInActivity in a tenant without Entra ID P1 or P2 with Graph’s non-premium 403', async () => {
    await grant(['User.Read.All', 'AuditLog.Read.All']);
    await admin('PATCH', '/settings', { entraIdP1: false, entraIdP2: false });
    await assertGraphError(
      await h.get(`/v1.0/users/${twinId}?$select=id,signInActivity`),
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
    await admin('PATCH', '/settings', { entraIdP2: true });
    assert.equal(
      (await h.get(`/v1.0/users/${twinId}?$select=id,signInActivity`)).status,
      200,
      'P2 includes P1',
    );
  });

  it('lists the user’s app role assignments with Directory.Read.All or AppRoleAssignment.ReadWrite.All, 403 with User.Read.All', async () => {
    await grant(['User.Read.All', 'GroupMember.Read.All']);
    await assertGraphError(
      await h.get(`/v1.0/users/${twinId}/appRoleAssignments`),
      403,
      'Authorization_RequestDenied',
      DENIED,
    );
    for (const permission of ['Directory.Read.All', 'AppRoleAssignment.ReadWrite.All']) {
      await grant([permission]);
      const res = await h.get(`/v1.0/users/${twinId}/appRoleAssignments`);
      assert.equal(res.status, 200, permission);
      const { value } = (await res.json()) as { value: Record<string, unknown>[] };
      assert.deepEqual(
        value.map((a) => [a.resourceDisplayName, a.appRoleId, a.principalId, a.principalType]),
        [['Salesforce', '00000000-0000-0000-0000-000000000000', twinId, 'User']],
      );
    }
    await grant(null);
    await assertGraphError(
      await h.get('/v1.0/users/nobody@contoso.com/appRoleAssignments'),
      404,
      'Request_ResourceNotFound',
    );
  });

  it('permanently deletes a soft-deleted user only with User.DeleteRestore.All (or User.ReadWrite.All): 204, then gone, then 404', async () => {
    assert.equal((await admin('DELETE', `/users/${twinId}`)).status, 204);
    await grant(['User.Read.All', 'User.ReadUpdate.All']);
    await assertGraphError(
      await h.send('DELETE', `/v1.0/directory/deletedItems/${twinId}`),
      403,
      'Authorization_RequestDenied',
      DENIED,
    );
    await assertGraphError(
      await h.send('POST', `/v1.0/directory/deletedItems/${twinId}/restore`),
      403,
      'Authorization_RequestDenied',
    );
    const inBin = await h.get(`/v1.0/directory/deletedItems/${twinId}`);
    assert.equal(inBin.status, 200, 'still in the bin');
    const body = (await inBin.json()) as Record<string, unknown>;
    assert.match(String(body['@odata.context']), /\/v1\.0\/\$metadata#directoryObjects\/\$entity$/);
    assert.equal(body['@odata.type'], '#microsoft.graph.user');
    assert.equal(body.id, twinId);
    await grant(['User.DeleteRestore.All', 'User.Read.All']);
    assert.equal((await h.send('DELETE', `/v1.0/directory/deletedItems/${twinId}`)).status, 204);
    await assertGraphError(
      await h.get(`/v1.0/directory/deletedItems/${twinId}`),
      404,
      'Request_ResourceNotFound',
    );
    await assertGraphError(
      await h.send('DELETE', `/v1.0/directory/deletedItems/${twinId}`),
      404,
      'Request_ResourceNotFound',
    );
    await grant(['User.ReadWrite.All']);
    const other = await admin('POST', '/deleted-users', { userPrincipalName: 'gone.too@contoso.com' });
    const otherId = ((await other.json()) as { id: string }).id;
    assert.equal((await h.send('DELETE', `/v1.0/directory/deletedItems/${otherId}`)).status, 204);
  });
});
