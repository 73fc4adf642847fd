import assert from 'node:assert/strict';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import type { GraphSimulatorSeed } from '../../../../src/sim/graph/graph-simulator';
import { assertGraphError, fetchToken, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APP = 'a1b2c3d4-0000-4000-8000-00000000a001';
const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const APETERS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
const LROBBINS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
const ADMINS = 'b0000000-0000-4000-8000-0000000000a1';
const NESTED = 'b0000000-0000-4000-8000-0000000000a2';

function seed(extra: Partial<GraphSimulatorSeed> = {}): GraphSimulatorSeed {
  return {
    ...demoGraphSeed(),
    teamwork: { apps: [{ id: APP, displayName: 'Anchor' }], unlicensedUserIds: [LROBBINS] },
    groups: [
      { id: ADMINS, displayName: 'Anchor admins', members: [APES, NESTED] },
      { id: NESTED, displayName: 'Tier 0', members: [APETERS, ADMINS] },
    ],
    ...extra,
  };
}

const bind = (appId: string) => ({
  'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${appId}`,
});

describe('Graph simulator: Teams app installation for a user, and transitive group members', () => {
  let h: SimHarness;
  afterEach(() => h?.stop());

  it('installs once (201, no body), then answers 409; lists the install and its chat', async () => {
    h = await startSim(seed());
    const first = await h.send('POST', `/v1.0/users/${APES}/teamwork/installedApps`, bind(APP));
    assert.equal(first.status, 201);
    assert.equal(await first.text(), '');
    await assertGraphError(
      await h.send('POST', `/v1.0/users/${APES}/teamwork/installedApps`, bind(APP)),
      409,
      'Conflict',
    );
    const list = (await (
      await h.get(
        `/v1.0/users/${APES}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/id eq '${APP}'`,
      )
    ).json()) as { value: { id: string; teamsApp: { id: string } }[] };
    assert.equal(list.value.length, 1);
    assert.equal(list.value[0].teamsApp.id, APP);
    const chat = (await (
      await h.get(`/v1.0/users/${APES}/teamwork/installedApps/${encodeURIComponent(list.value[0].id)}/chat`)
    ).json()) as { id: string; chatType: string };
    assert.match(chat.id, /^19:/);
    assert.equal(chat.chatType, 'oneOnOne');
  });

  it('refuses an app the catalog does not hold, a user without a Teams licence, a body without a bind, an unknown user', async () => {
    h = await startSim(seed());
    await assertGraphError(
      await h.send(
        'POST',
        `/v1.0/users/${APES}/teamwork/installedApps`,
        bind('c0ffee00-0000-4000-8000-000000000000'),
      ),
      404,
      'NotFound',
      /not found in the app catalog/,
    );
    await assertGraphError(
      await h.send('POST', `/v1.0/users/${LROBBINS}/teamwork/installedApps`, bind(APP)),
      403,
      'Forbidden',
      /license for Microsoft Teams/,
    );
    await assertGraphError(
      await h.send('POST', `/v1.0/users/${APES}/teamwork/installedApps`, { teamsApp: APP }),
      400,
      'BadRequest',
    );
    await assertGraphError(
      await h.send(
        'POST',
        `/v1.0/users/c0ffee00-0000-4000-8000-000000000001/teamwork/installedApps`,
        bind(APP),
      ),
      404,
      'Request_ResourceNotFound',
    );
    const list = (await (await h.get(`/v1.0/users/${LROBBINS}/teamwork/installedApps`)).json()) as {
      value: unknown[];
    };
    assert.deepEqual(list.value, [], 'nothing was installed by a refused request');
  });

  it('lists a group’s users through nested groups, each once', async () => {
    h = await startSim(seed());
    const res = await h.get(
      `/v1.0/groups/${ADMINS}/transitiveMembers/microsoft.graph.user?$select=id,displayName`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as { value: { id: string; displayName: string }[] };
    assert.deepEqual(body.value.map((u) => u.id).sort(), [APES, APETERS].sort());
    await assertGraphError(
      await h.get(`/v1.0/groups/c0ffee00-0000-4000-8000-000000000002/transitiveMembers/microsoft.graph.user`),
      404,
      'Request_ResourceNotFound',
    );
  });

  it('checks the app’s permissions: installing needs TeamsAppInstallation.ReadWriteSelfForUser.All, members GroupMember.Read.All', async () => {
    h = await startSim(
      seed({ clients: [{ clientId: 'anchor', clientSecret: 's3cret', permissions: ['User.Read.All'] }] }),
    );
    await assertGraphError(
      await h.send('POST', `/v1.0/users/${APES}/teamwork/installedApps`, bind(APP)),
      403,
      'Authorization_RequestDenied',
    );
    await assertGraphError(
      await h.get(`/v1.0/groups/${ADMINS}/transitiveMembers/microsoft.graph.user`),
      403,
      'Authorization_RequestDenied',
    );
    h.sim.state.clients[0].permissions = [
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'GroupMember.Read.All',
    ];
    const token = await fetchToken(h.base, h.sim.state.tenantId);
    assert.ok(token);
    assert.equal((await h.send('POST', `/v1.0/users/${APES}/teamwork/installedApps`, bind(APP))).status, 201);
    assert.equal((await h.get(`/v1.0/groups/${ADMINS}/transitiveMembers/microsoft.graph.user`)).status, 200);
  });
});
