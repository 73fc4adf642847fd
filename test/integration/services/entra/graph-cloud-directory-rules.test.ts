import assert from 'node:assert/strict';
import type { CloudDirectory } from '../../../../src/services/entra/cloud-directory';
import {
  GraphRequestError,
  InvalidImmutableIdError,
  ImmutableIdConflictError,
  OnPremisesMasteredError,
  PrivilegedTargetError,
} from '../../../../src/services/entra/graph-errors';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { cloudOn } from '../../../support/graph-sim';

const ANNA = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
const ANNA_ANCHOR = guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a');
const FRESH_ANCHOR = guidToImmutableId('11112222-3333-4444-8555-666677778888');

/**
 * The rules preflight depends on, through the production Graph service against the simulator's
 * demo tenant (recycle bin, federated domain, roles, hardening flags), over HTTP.
 */
describe('Graph service: the tenant rules preflight relies on (HTTP)', () => {
  let sim: GraphSimulator;
  let cloud: CloudDirectory;

  before(async () => {
    sim = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
  });

  after(async () => {
    await sim?.stop();
  });

  it('finds a recycle-bin user holding the ImmutableId', async () => {
    const holders = await cloud.findImmutableIdHolders(ANNA_ANCHOR);
    assert.deepEqual(holders.users, []);
    assert.deepEqual(
      holders.deletedUsers.map((u) => u.id),
      [DEMO_GRAPH_USERS.recycledTwin],
    );
    assert.ok(holders.deletedUsers[0].deletedDateTime);
  });

  it('refuses the value held in the recycle bin with ImmutableIdConflictError naming the deleted twin', async () => {
    await assert.rejects(cloud.setImmutableId(ANNA, ANNA_ANCHOR), (err: unknown) => {
      assert.ok(err instanceof ImmutableIdConflictError, String(err));
      assert.equal(err.conflictingObjectId, DEMO_GRAPH_USERS.recycledTwin);
      assert.match(err.requestId ?? '', /^[0-9a-f-]{36}$/);
      return true;
    });
  });

  it('refuses $ and _ in the value with InvalidImmutableIdError, changing nothing', async () => {
    for (const bad of ['abc$def', 'abc_def']) {
      await assert.rejects(cloud.setImmutableId(ANNA, bad), InvalidImmutableIdError);
    }
    assert.equal((await cloud.getUser(ANNA)).onPremisesImmutableId, null);
  });

  it('reports the federated UPN domain, and Graph refuses the ImmutableId there', async () => {
    const federated = await cloud.getUser(DEMO_GRAPH_USERS.federated);
    assert.equal(
      (await cloud.getDomainAuthentication(federated.userPrincipalName)).authenticationType,
      'Federated',
    );
    assert.equal((await cloud.getDomainAuthentication('apes@contoso.com')).authenticationType, 'Managed');
    await assert.rejects(cloud.setImmutableId(DEMO_GRAPH_USERS.federated, FRESH_ANCHOR), (err: unknown) => {
      assert.ok(err instanceof Error && 'status' in err && err.status === 400, String(err));
      return true;
    });
  });

  it('maps a user converted to cloud after sync to OnPremisesMasteredError (external service)', async () => {
    await assert.rejects(cloud.setImmutableId(DEMO_GRAPH_USERS.converted, FRESH_ANCHOR), (err: unknown) => {
      assert.ok(err instanceof OnPremisesMasteredError, String(err));
      assert.equal(err.origin, 'external-service');
      assert.match(err.message, /originated within an external service/);
      return true;
    });
  });

  it('lists an active Global Administrator assignment and an eligible (PIM) one, with role names', async () => {
    const privileged = await cloud.getUserRoles(DEMO_GRAPH_USERS.privileged);
    assert.deepEqual(
      privileged.active.map((r) => r.roleName),
      ['Global Administrator'],
    );
    const eligible = await cloud.getUserRoles(DEMO_GRAPH_USERS.eligible);
    assert.deepEqual(eligible.active, []);
    assert.deepEqual(
      eligible.eligible.map((r) => r.roleName),
      ['Privileged Role Administrator'],
    );
  });

  it('reads onPremisesObjectIdentifier from beta when Graph returns it', async () => {
    const held = await cloud.getOnPremisesObjectIdentifier(DEMO_GRAPH_USERS.objectIdentifier);
    assert.deepEqual(held, { known: true, value: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' });
  });

  it('reads the sync features once the app may, and reports them unknown while it may not', async () => {
    const before = await cloud.getSyncFeatures();
    assert.equal(before.known, false);
    sim.state.onPremisesSyncReadableByApps = true;
    try {
      const after = await cloud.getSyncFeatures();
      assert.ok(after.known);
      assert.equal(typeof after.value.blockCloudObjectTakeoverThroughHardMatchEnabled, 'boolean');
    } finally {
      sim.state.onPremisesSyncReadableByApps = false;
    }
  });

  it('reads a tenant without Entra ID P2 as "no eligible roles", keeping the active ones', async () => {
    sim.state.entraIdP2 = false;
    try {
      const privileged = await cloud.getUserRoles(DEMO_GRAPH_USERS.privileged);
      assert.equal(privileged.pim, 'not-licensed');
      assert.deepEqual(
        privileged.active.map((r) => r.roleName),
        ['Global Administrator'],
      );
      assert.deepEqual(privileged.eligible, []);
    } finally {
      sim.state.entraIdP2 = true;
    }
    assert.equal((await cloud.getUserRoles(DEMO_GRAPH_USERS.eligible)).pim, 'available');
  });

  it('lists role-assignable groups the user is a member or an owner of, and no ordinary group', async () => {
    sim.state.groups.push(
      {
        id: 'a0a0a0a0-0000-4000-8000-0000000000b1',
        displayName: 'Tier 0',
        isAssignableToRole: true,
        members: [ANNA],
        owners: [],
      },
      {
        id: 'a0a0a0a0-0000-4000-8000-0000000000b2',
        displayName: 'Helpdesk',
        isAssignableToRole: true,
        members: [],
        owners: [ANNA],
      },
      {
        id: 'a0a0a0a0-0000-4000-8000-0000000000b3',
        displayName: 'Staff',
        isAssignableToRole: false,
        members: [ANNA],
        owners: [ANNA],
      },
    );
    try {
      const memberships = await cloud.getRoleAssignableGroups(ANNA);
      assert.deepEqual(memberships, {
        groups: [
          {
            id: 'a0a0a0a0-0000-4000-8000-0000000000b1',
            displayName: 'Tier 0',
            relation: 'member',
            confirmed: true,
          },
          {
            id: 'a0a0a0a0-0000-4000-8000-0000000000b2',
            displayName: 'Helpdesk',
            relation: 'owner',
            confirmed: true,
          },
        ],
        truncated: false,
      });
    } finally {
      sim.state.groups.length = 0;
    }
  });

  it('maps the 403 on the ImmutableId of a role-assignable group member to "the target is privileged"', async () => {
    sim.state.groups.push({
      id: 'a0a0a0a0-0000-4000-8000-0000000000b1',
      displayName: 'Tier 0',
      isAssignableToRole: true,
      members: [ANNA],
      owners: [],
    });
    try {
      await assert.rejects(cloud.setImmutableId(ANNA, FRESH_ANCHOR), (err: unknown) => {
        assert.ok(err instanceof PrivilegedTargetError, String(err));
        assert.equal(err.status, 403);
        assert.doesNotMatch(err.message, /app registration is not allowed/);
        return true;
      });
      assert.equal((await cloud.getUser(ANNA)).onPremisesImmutableId, null);
    } finally {
      sim.state.groups.length = 0;
    }
  });

  it('cannot clear a value in a federated domain either, so a value written there could not be undone', async () => {
    sim.state.users.get(DEMO_GRAPH_USERS.federated)!.onPremisesImmutableId = FRESH_ANCHOR;
    try {
      await assert.rejects(cloud.clearImmutableId(DEMO_GRAPH_USERS.federated), (err: unknown) => {
        assert.ok(err instanceof GraphRequestError && err.status === 400, String(err));
        assert.match(err.message, /federated domain/);
        return true;
      });
    } finally {
      sim.state.users.get(DEMO_GRAPH_USERS.federated)!.onPremisesImmutableId = null;
    }
  });
});
