import assert from 'node:assert/strict';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { BUILT_IN_ROLES } from '../../../../src/sim/graph/role-definitions';
import { assertGraphError, fetchToken, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const APETERS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
const LROBBINS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
const APES_ANCHOR = guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0');
const APETERS_ANCHOR = guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a');

describe('Graph simulator: PATCH onPremisesImmutableId and the recycle bin', () => {
  let h: SimHarness;
  beforeEach(async () => {
    h = await startSim();
  });
  afterEach(() => h.stop());
  const patch = (id: string, body: unknown, version = 'v1.0') =>
    h.send('PATCH', `/${version}/users/${id}`, body);
  const immutableIdOf = async (id: string) =>
    (
      (await (await h.get(`/v1.0/users/${id}?$select=onPremisesImmutableId`)).json()) as Record<
        string,
        unknown
      >
    ).onPremisesImmutableId;

  it('sets and clears with null (204), and refuses an empty string', async () => {
    const set = await patch(APES, { onPremisesImmutableId: APES_ANCHOR });
    assert.equal(set.status, 204);
    assert.equal(await set.text(), '');
    assert.equal(await immutableIdOf(APES), APES_ANCHOR);
    await assertGraphError(
      await patch(APES, { onPremisesImmutableId: '' }),
      400,
      'Request_BadRequest',
      "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.",
    );
    assert.equal(await immutableIdOf(APES), APES_ANCHOR);
    assert.equal((await patch(APES, { onPremisesImmutableId: null })).status, 204);
    assert.equal(await immutableIdOf(APES), null);
  });

  it('refuses $ and _ in the value', async () => {
    for (const value of ['abc$def', 'abc_def']) {
      await assertGraphError(
        await patch(APES, { onPremisesImmutableId: value }),
        400,
        'Request_BadRequest',
        "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.",
      );
    }
  });

  it('answers ObjectConflict naming the other user, also for a recycle-bin holder', async () => {
    const active = await assertGraphError(
      await patch(APES, { onPremisesImmutableId: 'cUwvjp0qPkulxn2OnwobLA==' }),
      400,
      'Request_BadRequest',
      'Another object with the same value for property onPremisesImmutableId already exists.',
    );
    assert.deepEqual(
      active.error.details?.map((d) => [d.code, d.target]),
      [
        ['ObjectConflict', 'onPremisesImmutableId'],
        ['ConflictingObjects', `User_${LROBBINS}`],
      ],
    );
    const recycled = await assertGraphError(
      await patch(APETERS, { onPremisesImmutableId: APETERS_ANCHOR }),
      400,
      'Request_BadRequest',
    );
    assert.equal(recycled.error.details?.[1].target, `User_${DEMO_GRAPH_USERS.recycledTwin}`);

    // The duplicate-case fix: hard-delete the twin, then the update goes through.
    const list = await h.get(
      `/v1.0/directory/deletedItems/microsoft.graph.user?$filter=onPremisesImmutableId eq '${APETERS_ANCHOR}'&$count=true&$select=id,userPrincipalName,deletedDateTime`,
      { ConsistencyLevel: 'eventual' },
    );
    const deleted = (await list.json()) as { value: { id: string; userPrincipalName: string }[] };
    assert.deepEqual(
      deleted.value.map((u) => u.id),
      [DEMO_GRAPH_USERS.recycledTwin],
    );
    assert.equal(
      (await h.send('DELETE', `/v1.0/directory/deletedItems/${DEMO_GRAPH_USERS.recycledTwin}`)).status,
      204,
    );
    await assertGraphError(
      await h.send('DELETE', `/v1.0/directory/deletedItems/${DEMO_GRAPH_USERS.recycledTwin}`),
      404,
      'Request_ResourceNotFound',
    );
    assert.equal((await patch(APETERS, { onPremisesImmutableId: APETERS_ANCHOR })).status, 204);
  });

  it('refuses a synced user ("on-premises mastered") and a converted one ("external service")', async () => {
    await assertGraphError(
      await patch(LROBBINS, { onPremisesImmutableId: APES_ANCHOR }),
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
    await assertGraphError(
      await patch(DEMO_GRAPH_USERS.converted, { onPremisesImmutableId: APES_ANCHOR }),
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for objects that have originated within an external service.',
    );
  });

  it('refuses a user in a federated domain until the UPN moves to a managed domain', async () => {
    const id = DEMO_GRAPH_USERS.federated;
    await assertGraphError(
      await patch(id, { onPremisesImmutableId: APES_ANCHOR }),
      400,
      'Request_BadRequest',
      /federated/,
    );
    assert.equal((await patch(id, { userPrincipalName: 'gradya@contoso.onmicrosoft.com' })).status, 204);
    assert.equal((await patch(id, { onPremisesImmutableId: APES_ANCHOR })).status, 204);
    assert.equal((await patch(id, { userPrincipalName: 'gradya@fabrikam.com' })).status, 204);
    await assertGraphError(
      await patch(id, { userPrincipalName: 'gradya@unverified.example' }),
      400,
      'Request_BadRequest',
      /verified domain names/,
    );
  });

  it('answers 404 for an unknown user and 400 for an undeclared property', async () => {
    await assertGraphError(
      await patch('00000000-0000-0000-0000-000000000000', { onPremisesImmutableId: APES_ANCHOR }),
      404,
      'Request_ResourceNotFound',
      "Resource '00000000-0000-0000-0000-000000000000' does not exist or one of its queried reference-property objects are not present.",
    );
    await assertGraphError(
      await patch(APES, { onPremisesObjectIdentifier: null }),
      400,
      'Request_BadRequest',
      /does not exist as a declared property/,
    );
  });

  it('clears onPremisesObjectIdentifier on beta', async () => {
    const id = DEMO_GRAPH_USERS.objectIdentifier;
    assert.equal((await patch(id, { onPremisesObjectIdentifier: null }, 'beta')).status, 204);
    const body = (await (
      await h.get(`/beta/users/${id}?$select=onPremisesObjectIdentifier`)
    ).json()) as Record<string, unknown>;
    assert.equal(body.onPremisesObjectIdentifier, null);
  });

  it('refuses updating a privileged user without an admin role for the app (403)', async () => {
    await assertGraphError(
      await patch(DEMO_GRAPH_USERS.privileged, { onPremisesImmutableId: APES_ANCHOR }),
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  });
});

describe('Graph simulator: domains, organization, roles, onPremisesSynchronization', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.stop());
  const json = async (path: string) =>
    (await (await h.get(path)).json()) as Record<string, unknown> & { value: Record<string, unknown>[] };

  it('lists domains with their authentication type and gets one by name', async () => {
    const { value } = await json('/v1.0/domains');
    assert.deepEqual(
      value.map((d) => [d.id, d.authenticationType, d.isDefault, d.isInitial, d.isVerified]),
      [
        ['contoso.com', 'Managed', true, false, true],
        ['contoso.onmicrosoft.com', 'Managed', false, true, true],
        ['fabrikam.com', 'Federated', false, false, true],
      ],
    );
    assert.equal((await json('/v1.0/domains/fabrikam.com')).authenticationType, 'Federated');
    await assertGraphError(await h.get('/v1.0/domains/nope.example'), 404, 'Request_ResourceNotFound');
  });

  it('returns the organization sync health with $select (the password sync time from beta only)', async () => {
    const { value } = await json(
      '/v1.0/organization?$select=onPremisesSyncEnabled,onPremisesLastSyncDateTime',
    );
    assert.deepEqual(Object.keys(value[0]), ['onPremisesSyncEnabled', 'onPremisesLastSyncDateTime']);
    assert.equal(value[0].onPremisesSyncEnabled, true);
    const beta = await json('/beta/organization?$select=onPremisesLastPasswordSyncDateTime');
    assert.deepEqual(Object.keys(beta.value[0]), ['onPremisesLastPasswordSyncDateTime']);
    const full = await json('/v1.0/organization');
    assert.equal((full.value[0].verifiedDomains as unknown[]).length, 3);
  });

  it('lists active role assignments by principal, with $expand=roleDefinition', async () => {
    const { value } = await json(
      `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${DEMO_GRAPH_USERS.privileged}'&$expand=roleDefinition`,
    );
    assert.equal(value.length, 1);
    assert.equal(value[0].principalId, DEMO_GRAPH_USERS.privileged);
    assert.equal(value[0].roleDefinitionId, BUILT_IN_ROLES.globalAdministrator.id);
    assert.equal(value[0].directoryScopeId, '/');
    assert.deepEqual(
      (({ displayName, templateId, isBuiltIn }) => ({ displayName, templateId, isBuiltIn }))(
        value[0].roleDefinition as Record<string, unknown>,
      ),
      {
        displayName: 'Global Administrator',
        templateId: BUILT_IN_ROLES.globalAdministrator.templateId,
        isBuiltIn: true,
      },
    );
    const none = await json(
      `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${APES}'`,
    );
    assert.deepEqual(none.value, []);
  });

  it('lists eligible (PIM) role schedules by principal', async () => {
    const { value } = await json(
      `/v1.0/roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '${DEMO_GRAPH_USERS.eligible}'&$expand=roleDefinition`,
    );
    assert.equal(value.length, 1);
    assert.equal(
      (value[0].roleDefinition as Record<string, unknown>).displayName,
      'Privileged Role Administrator',
    );
    assert.equal(value[0].memberType, 'Direct');
  });

  it('refuses onPremisesSynchronization to an app by default, and serves it when the seed allows', async () => {
    await assertGraphError(
      await h.get('/v1.0/directory/onPremisesSynchronization'),
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
    const open = await startSim({
      ...demoGraphSeed(),
      onPremisesSynchronization: {
        readableByApps: true,
        features: { blockCloudObjectTakeoverThroughHardMatchEnabled: true },
      },
    });
    try {
      const body = (await (await open.get('/v1.0/directory/onPremisesSynchronization')).json()) as {
        value: { id: string; features: Record<string, boolean> }[];
      };
      assert.equal(body.value[0].features.blockCloudObjectTakeoverThroughHardMatchEnabled, true);
      assert.equal(body.value[0].features.blockSoftMatchEnabled, true);
    } finally {
      await open.stop();
    }
  });

  it('lets an app with an admin role update a privileged user', async () => {
    const seed = {
      ...demoGraphSeed(),
      clients: [
        {
          clientId: 'admin-app',
          clientSecret: 'x',
          roles: [BUILT_IN_ROLES.privilegedAuthenticationAdministrator.id],
        },
      ],
    };
    const admin = await startSim({
      ...seed,
      clients: [...seed.clients, { clientId: 'anchor', clientSecret: 's3cret' }],
    });
    try {
      const token = await fetchToken(admin.base, seed.tenantId, 'admin-app', 'x');
      const res = await fetch(`${admin.base}/v1.0/users/${DEMO_GRAPH_USERS.privileged}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ onPremisesImmutableId: APES_ANCHOR }),
      });
      assert.equal(res.status, 204);
    } finally {
      await admin.stop();
    }
  });
});
