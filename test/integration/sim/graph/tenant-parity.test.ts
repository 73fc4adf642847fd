import assert from 'node:assert/strict';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import type { GraphSimulatorSeed } from '../../../../src/sim/graph/graph-simulator';
import { BUILT_IN_ROLES, customRole } from '../../../../src/sim/graph/role-definitions';
import { assertGraphError, fetchToken, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const APETERS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
const ANCHOR_VALUE = guidToImmutableId('99990000-1111-4222-8333-444455556666');
const TIER0 = 'a0a0a0a0-0000-4000-8000-000000000001';
const CUSTOM = customRole('c0c0c0c0-0000-4000-8000-000000000001', 'Mailbox Helpers');
const R = BUILT_IN_ROLES;

/** Apps of the tenant by the directory role their service principal holds (none: permission only). */
const CALLERS = {
  none: [],
  authAdmin: [R.authenticationAdministrator.id],
  userAdmin: [R.userAdministrator.id],
  privilegedAuthAdmin: [R.privilegedAuthenticationAdministrator.id],
  globalAdmin: [R.globalAdministrator.id],
} as const;
type Caller = keyof typeof CALLERS;

function seed(): GraphSimulatorSeed {
  const base = demoGraphSeed();
  return {
    ...base,
    roleDefinitions: [...Object.values(R).map((r) => ({ ...r })), CUSTOM],
    clients: [
      { clientId: 'anchor', clientSecret: 's3cret' },
      ...Object.entries(CALLERS).map(([clientId, roles]) => ({
        clientId,
        clientSecret: 'x',
        roles: [...roles],
      })),
    ],
  };
}

/**
 * The simulator's tenant rules that Anchor depends on and that are easy to simulate wrongly, over
 * HTTP: who may change a sensitive property of whom, role-assignable groups, tenants without
 * Entra ID P2, federated domains, and the lag of advanced queries.
 */
describe('Graph simulator: tenant rules (HTTP)', () => {
  let h: SimHarness;
  const tokens = new Map<Caller, string>();
  beforeEach(async () => {
    h = await startSim(seed());
    for (const caller of Object.keys(CALLERS) as Caller[]) {
      tokens.set(caller, await fetchToken(h.base, h.sim.state.tenantId, caller, 'x'));
    }
  });
  afterEach(() => h.stop());

  const patchAs = (caller: Caller, id: string, body: unknown) =>
    fetch(`${h.base}/v1.0/users/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${tokens.get(caller)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The callers allowed to set (then clear) onPremisesImmutableId of `id`, in table order. */
  async function allowed(id: string): Promise<Caller[]> {
    const ok: Caller[] = [];
    for (const caller of Object.keys(CALLERS) as Caller[]) {
      const res = await patchAs(caller, id, { onPremisesImmutableId: ANCHOR_VALUE });
      if (res.status === 204) {
        ok.push(caller);
        assert.equal((await patchAs(caller, id, { onPremisesImmutableId: null })).status, 204);
      } else {
        await assertGraphError(
          res,
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      }
    }
    return ok;
  }
  const assign = (principalId: string, roleDefinitionId: string) =>
    h.sim.state.roleAssignments.push({
      id: `${principalId}-${roleDefinitionId}`,
      principalId,
      roleDefinitionId,
    });

  describe('who can perform sensitive actions (onPremisesImmutableId)', () => {
    it('lets every caller change a user without an admin role, and one in a role every column ticks', async () => {
      assert.deepEqual(await allowed(APES), [
        'none',
        'authAdmin',
        'userAdmin',
        'privilegedAuthAdmin',
        'globalAdmin',
      ]);
      assign(APES, R.guestInviter.id);
      assert.deepEqual(await allowed(APES), [
        'none',
        'authAdmin',
        'userAdmin',
        'privilegedAuthAdmin',
        'globalAdmin',
      ]);
    });

    it('follows the table for the roles it lists', async () => {
      assign(APES, R.helpdeskAdministrator.id);
      assert.deepEqual(await allowed(APES), ['userAdmin', 'privilegedAuthAdmin', 'globalAdmin']);
      assign(APETERS, R.authenticationAdministrator.id);
      assert.deepEqual(await allowed(APETERS), ['authAdmin', 'privilegedAuthAdmin', 'globalAdmin']);
      assert.deepEqual(await allowed(DEMO_GRAPH_USERS.privileged), ['privilegedAuthAdmin', 'globalAdmin']);
    });

    it('needs a Privileged Authentication or Global Administrator for roles the table does not list, and for any custom role', async () => {
      assign(APES, R.exchangeAdministrator.id);
      assert.deepEqual(await allowed(APES), ['privilegedAuthAdmin', 'globalAdmin']);
      assign(APETERS, CUSTOM.id);
      assert.deepEqual(await allowed(APETERS), ['privilegedAuthAdmin', 'globalAdmin']);
    });

    it('needs one too for a member or an owner of a role-assignable group, whatever roles the group has', async () => {
      h.sim.state.groups.push({
        id: TIER0,
        displayName: 'Tier 0',
        isAssignableToRole: true,
        members: [APES],
        owners: [APETERS],
      });
      assert.deepEqual(await allowed(APES), ['privilegedAuthAdmin', 'globalAdmin']);
      assert.deepEqual(await allowed(APETERS), ['privilegedAuthAdmin', 'globalAdmin']);
      // An ordinary group changes nothing.
      h.sim.state.groups[0].isAssignableToRole = false;
      assert.deepEqual(await allowed(APES), [
        'none',
        'authAdmin',
        'userAdmin',
        'privilegedAuthAdmin',
        'globalAdmin',
      ]);
    });

    it('only guards sensitive properties: a display name is not one', async () => {
      assert.equal(
        (await patchAs('none', DEMO_GRAPH_USERS.privileged, { displayName: 'Nestor W.' })).status,
        204,
      );
      await assertGraphError(
        await patchAs('none', DEMO_GRAPH_USERS.privileged, { accountEnabled: false }),
        403,
        'Authorization_RequestDenied',
      );
    });
  });

  describe("a user's role-assignable groups", () => {
    const EVENTUAL = { ConsistencyLevel: 'eventual' };
    beforeEach(() => {
      h.sim.state.groups.push(
        { id: TIER0, displayName: 'Tier 0', isAssignableToRole: true, members: [APES], owners: [APETERS] },
        {
          id: 'b0b0b0b0-0000-4000-8000-000000000002',
          displayName: 'Staff',
          isAssignableToRole: false,
          members: [APES],
          owners: [],
        },
      );
    });
    const query = '$filter=isAssignableToRole eq true&$count=true&$select=id,displayName,isAssignableToRole';

    it('lists memberships and ownerships with a cast and a filter, as an advanced query', async () => {
      const member = (await (
        await h.get(`/v1.0/users/${APES}/transitiveMemberOf/microsoft.graph.group?${query}`, EVENTUAL)
      ).json()) as {
        value: Record<string, unknown>[];
        '@odata.count': number;
      };
      assert.deepEqual(member.value, [
        {
          '@odata.type': '#microsoft.graph.group',
          id: TIER0,
          displayName: 'Tier 0',
          isAssignableToRole: true,
        },
      ]);
      assert.equal(member['@odata.count'], 1);
      const owner = (await (
        await h.get(`/v1.0/users/${APETERS}/ownedObjects/microsoft.graph.group?${query}`, EVENTUAL)
      ).json()) as {
        value: Record<string, unknown>[];
      };
      assert.deepEqual(
        owner.value.map((g) => g.id),
        [TIER0],
      );
      const none = (await (
        await h.get(`/v1.0/users/${APETERS}/transitiveMemberOf/microsoft.graph.group?${query}`, EVENTUAL)
      ).json()) as {
        value: unknown[];
      };
      assert.deepEqual(none.value, []);
    });

    it('refuses the cast and filter without ConsistencyLevel and $count', async () => {
      await assertGraphError(
        await h.get(
          `/v1.0/users/${APES}/transitiveMemberOf/microsoft.graph.group?$filter=isAssignableToRole eq true`,
        ),
        400,
        'Request_UnsupportedQuery',
      );
    });

    it('gives only id and type to an app that may read users but not groups, and 403 to one that may read neither', async () => {
      await fetch(`${h.base}/_sim/apps/anchor`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ permissions: ['User.Read.All'] }),
      });
      const limited = (await (
        await h.get(`/v1.0/users/${APES}/transitiveMemberOf/microsoft.graph.group?${query}`, EVENTUAL)
      ).json()) as {
        value: unknown[];
      };
      assert.deepEqual(limited.value, [{ '@odata.type': '#microsoft.graph.group', id: TIER0 }]);
      await fetch(`${h.base}/_sim/apps/anchor`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ permissions: ['Domain.Read.All'] }),
      });
      await assertGraphError(
        await h.get(`/v1.0/users/${APES}/ownedObjects/microsoft.graph.group?${query}`, EVENTUAL),
        403,
        'Authorization_RequestDenied',
      );
    });
  });

  it('answers roleEligibilitySchedules with 400 AadPremiumLicenseRequired without Entra ID P2, and keeps active roles readable', async () => {
    const settings = await fetch(`${h.base}/_sim/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entraIdP2: false }),
    });
    assert.equal(settings.status, 204);
    const filter = `$filter=principalId eq '${DEMO_GRAPH_USERS.privileged}'`;
    await assertGraphError(
      await h.get(`/v1.0/roleManagement/directory/roleEligibilitySchedules?${filter}`),
      400,
      'AadPremiumLicenseRequired',
      /Microsoft Entra ID P2/,
    );
    const active = (await (
      await h.get(`/v1.0/roleManagement/directory/roleAssignments?${filter}`)
    ).json()) as {
      value: unknown[];
    };
    assert.equal(active.value.length, 1);
  });

  it('refuses every ImmutableId change in a federated domain, clearing included', async () => {
    const id = DEMO_GRAPH_USERS.federated;
    h.sim.state.users.get(id)!.onPremisesImmutableId = ANCHOR_VALUE;
    for (const value of [null, guidToImmutableId('12121212-1111-4222-8333-444455556666')]) {
      await assertGraphError(
        await h.send('PATCH', `/v1.0/users/${id}`, { onPremisesImmutableId: value }),
        400,
        'Request_BadRequest',
        /federated domain/,
      );
    }
    assert.equal(h.sim.state.users.get(id)!.onPremisesImmutableId, ANCHOR_VALUE);
  });

  it('lets advanced queries lag behind writes when told to, while reads by id stay current', async () => {
    const lagged = await fetch(`${h.base}/_sim/settings`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advancedQueryLagMs: 1500 }),
    });
    assert.equal(lagged.status, 204);
    const holders = async () =>
      (
        (await (
          await h.get(
            `/v1.0/users?$filter=onPremisesImmutableId eq '${ANCHOR_VALUE}'&$count=true&$select=id`,
            {
              ConsistencyLevel: 'eventual',
            },
          )
        ).json()) as { value: { id: string }[] }
      ).value.map((u) => u.id);
    const byId = async () =>
      (
        (await (await h.get(`/v1.0/users/${APES}?$select=onPremisesImmutableId`)).json()) as Record<
          string,
          unknown
        >
      ).onPremisesImmutableId;

    assert.equal(
      (await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: ANCHOR_VALUE })).status,
      204,
    );
    assert.equal(await byId(), ANCHOR_VALUE);
    assert.deepEqual(await holders(), [], 'the index has not seen the write yet');
    await new Promise((r) => setTimeout(r, 1700));
    assert.deepEqual(await holders(), [APES]);

    assert.equal((await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: null })).status, 204);
    assert.equal(await byId(), null);
    assert.deepEqual(await holders(), [APES], 'a value just cleared is still listed');
    await new Promise((r) => setTimeout(r, 1700));
    assert.deepEqual(await holders(), []);
  });

  it('finds "AT&T" on beta but answers 400 for an & in a v1.0 search term', async () => {
    h.sim.state.users.get(APES)!.displayName = 'AT&T Support';
    const search = (version: string) =>
      h.get(`/${version}/users?$search=${encodeURIComponent('"displayName:AT&T"')}&$select=id`, {
        ConsistencyLevel: 'eventual',
      });
    const beta = (await (await search('beta')).json()) as { value: { id: string }[] };
    assert.deepEqual(
      beta.value.map((u) => u.id),
      [APES],
    );
    const v1 = await search('v1.0');
    assert.equal(v1.status, 400, await v1.clone().text());
  });
});
