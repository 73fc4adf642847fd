import assert from 'node:assert/strict';
import { createGraphServices } from '../../../../src/services/entra/graph-services';
import type { GraphTeamsApps } from '../../../../src/services/entra/graph-teams-apps';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { DEMO_TEAMS_APP, withDemoTeams } from '../../../../src/sim/demo/demo-teams';
import { playgroundPersonalChatId } from '../../../../src/sim/demo/playground';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import type { GraphSimulatorSeed } from '../../../../src/sim/graph/graph-simulator';

const ADELE = DEMO_TENANT.approver.aadObjectId;
const PATTI = DEMO_TENANT.others[0].aadObjectId;
const GROUP = 'b0000000-0000-4000-8000-0000000000a1';
const NESTED = 'b0000000-0000-4000-8000-0000000000a2';

describe('GraphTeamsApps on the Graph simulator (real Graph client, token, retry)', () => {
  let sim: GraphSimulator;
  let teams: GraphTeamsApps;

  async function start(extra: Partial<GraphSimulatorSeed> = {}) {
    const seed = withDemoTeams(demoGraphSeed());
    sim = new GraphSimulator({
      ...seed,
      users: [
        ...seed.users,
        {
          ...seed.users[0],
          id: PATTI,
          userPrincipalName: 'pattif@contoso.com',
          displayName: 'Patti Fernandez',
        },
      ],
      teamwork: { ...seed.teamwork, unlicensedUserIds: [PATTI] },
      groups: [
        { id: GROUP, displayName: 'Anchor admins', members: [NESTED] },
        { id: NESTED, displayName: 'Tier 0', members: [ADELE] },
      ],
      ...extra,
    });
    await sim.start();
    await sim.startAuthority();
    teams = createGraphServices({
      baseUrl: sim.baseUrl,
      credential: { kind: 'client-secret', tenantId: seed.tenantId, clientId: 'anchor', clientSecret: 's' },
      authorityHost: sim.authorityUrl,
      authorityCaPem: sim.authorityCaPem,
      disableInstanceDiscovery: true,
      timeoutMs: 10_000,
      maxRetries: 2,
    }).teams;
  }
  afterEach(() => sim?.stop());

  it('installs Anchor for Adele, then finds her chat when it is installed already (409)', async () => {
    await start();
    assert.deepEqual(await teams.installForUser(ADELE, DEMO_TEAMS_APP.id), { kind: 'installed' });
    assert.equal(sim.state.teamwork.installedFor(ADELE).length, 1, 'the simulator holds the installation');
    assert.deepEqual(await teams.installForUser(ADELE, DEMO_TEAMS_APP.id), {
      kind: 'already-installed',
      chatId: playgroundPersonalChatId(DEMO_TENANT.approver),
    });
    assert.equal(sim.state.teamwork.installedFor(ADELE).length, 1, 'still one');
  });

  it('words each refusal for the requester: app not in the catalog, no Teams licence, permission missing', async () => {
    await start({
      clients: [
        {
          clientId: 'anchor',
          permissions: [
            'User.Read.All',
            'TeamsAppInstallation.ReadWriteSelfForUser.All',
            'GroupMember.Read.All',
          ],
        },
      ],
    });
    const missing = await teams.installForUser(ADELE, '00000000-0000-4000-8000-000000000000');
    assert.equal(missing.kind, 'refused');
    assert.match(
      missing.kind === 'refused' ? missing.why : '',
      /not in your Teams app catalog under TEAMS_APP_CATALOG_ID/,
    );
    const unlicensed = await teams.installForUser(PATTI, DEMO_TEAMS_APP.id);
    assert.match(
      unlicensed.kind === 'refused' ? unlicensed.why : '',
      /Teams would not install Anchor for them \(Graph 403 Forbidden: .*license/,
    );
    sim.state.clients[0].permissions = ['User.Read.All'];
    const denied = await teams.installForUser(ADELE, DEMO_TEAMS_APP.id);
    assert.match(
      denied.kind === 'refused' ? denied.why : '',
      /grant it TeamsAppInstallation.ReadWriteSelfForUser.All/,
    );
    assert.equal(sim.state.teamwork.installedFor(ADELE).length, 0, 'nothing installed by a refusal');
  });

  it('reads the admin group’s users through nested groups, and throws when the group cannot be read', async () => {
    await start();
    assert.deepEqual(await teams.transitiveUsers(GROUP), [{ id: ADELE, displayName: 'Adele Vance' }]);
    await assert.rejects(teams.transitiveUsers('c0ffee00-0000-4000-8000-000000000009'), /Graph answered 404/);
  });
});
