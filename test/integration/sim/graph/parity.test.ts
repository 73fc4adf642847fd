import assert from 'node:assert/strict';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { assertGraphError, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const APETERS_ANCHOR = guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a');
const FRESH_ANCHOR = guidToImmutableId('11112222-3333-4444-8555-666677778888');
const EVENTUAL = { ConsistencyLevel: 'eventual' };
const DENIED = 'Insufficient privileges to complete the operation.';

type BatchAnswer = {
  responses: {
    id: string;
    status: number;
    headers: Record<string, string>;
    body?: Record<string, unknown>;
  }[];
};

/** One Graph call Anchor makes, and the application permissions Microsoft's tables list for it. */
interface GuardedCall {
  name: string;
  method: 'GET' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The least privileged permission: enough on its own. */
  least: string;
  /** A higher privileged permission that also works. */
  higher: string;
}

/** Every Graph route Anchor uses (graph-cloud-directory.ts), as it calls them. */
const CALLS: GuardedCall[] = [
  {
    name: 'search users',
    method: 'GET',
    url: '/v1.0/users?$search="displayName:aaron"&$select=id&$count=true',
    headers: EVENTUAL,
    least: 'User.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'get a user',
    method: 'GET',
    url: `/v1.0/users/${APES}?$select=id,onPremisesImmutableId`,
    least: 'User.Read.All',
    higher: 'User.ReadWrite.All',
  },
  {
    name: 'get a user (beta, onPremisesObjectIdentifier)',
    method: 'GET',
    url: `/beta/users/${APES}?$select=id,onPremisesObjectIdentifier`,
    least: 'User.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'list users by ImmutableId',
    method: 'GET',
    url: `/v1.0/users?$filter=onPremisesImmutableId eq '${FRESH_ANCHOR}'&$count=true&$select=id`,
    headers: EVENTUAL,
    least: 'User.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'update a user (onPremisesImmutableId)',
    method: 'PATCH',
    url: `/v1.0/users/${APES}`,
    body: { onPremisesImmutableId: null },
    least: 'User.ReadUpdate.All',
    higher: 'User.ReadWrite.All',
  },
  {
    name: 'list deleted users',
    method: 'GET',
    url: '/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,onPremisesImmutableId',
    least: 'User.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'get a deleted user',
    method: 'GET',
    url: `/v1.0/directory/deletedItems/${DEMO_GRAPH_USERS.recycledTwin}`,
    least: 'User.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'organization (v1.0)',
    method: 'GET',
    url: '/v1.0/organization?$select=id,onPremisesSyncEnabled',
    least: 'Organization.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'organization (beta)',
    method: 'GET',
    url: '/beta/organization?$select=id,onPremisesLastPasswordSyncDateTime',
    least: 'Organization.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'a domain',
    method: 'GET',
    url: '/v1.0/domains/contoso.com?$select=id,authenticationType',
    least: 'Domain.Read.All',
    higher: 'Directory.Read.All',
  },
  {
    name: 'active role assignments',
    method: 'GET',
    url: `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${APES}'`,
    least: 'RoleManagement.Read.Directory',
    higher: 'Directory.Read.All',
  },
  {
    name: 'eligible role schedules',
    method: 'GET',
    url: `/v1.0/roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '${APES}'`,
    least: 'RoleEligibilitySchedule.Read.Directory',
    higher: 'RoleManagement.Read.Directory',
  },
  {
    name: 'on-premises sync features',
    method: 'GET',
    url: '/v1.0/directory/onPremisesSynchronization',
    least: 'OnPremDirectorySynchronization.Read.All',
    higher: 'OnPremDirectorySynchronization.ReadWrite.All',
  },
];

describe('Graph simulator: application permissions on every route Anchor uses', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim({ ...demoGraphSeed(), onPremisesSynchronization: { readableByApps: true } });
  });
  after(() => h.stop());

  const grant = async (permissions: string[] | null) => {
    const res = await fetch(`${h.base}/_sim/apps/anchor`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions }),
    });
    assert.equal(res.status, 204);
  };
  const call = (c: GuardedCall) => h.send(c.method, c.url, c.body, c.headers);
  afterEach(() => grant(null));

  for (const c of CALLS) {
    it(`${c.name}: 403 Authorization_RequestDenied without ${c.least}; served with it or with ${c.higher}`, async () => {
      const unrelated = CALLS.map((o) => o.least).filter((p) => p !== c.least && p !== c.higher);
      for (const permissions of [[], unrelated]) {
        await grant(permissions);
        await assertGraphError(await call(c), 403, 'Authorization_RequestDenied', DENIED);
      }
      for (const permission of [c.least, c.higher]) {
        await grant([permission]);
        const res = await call(c);
        assert.ok(res.ok, `${c.name} with ${permission}: ${res.status} ${await res.text()}`);
      }
    });
  }

  it('checks the grant before looking the object up: a missing permission is 403, not 404', async () => {
    await grant(['Domain.Read.All']);
    await assertGraphError(await h.get('/v1.0/users/nobody@contoso.com'), 403, 'Authorization_RequestDenied');
    await assertGraphError(
      await h.send('PATCH', '/v1.0/users/nobody@contoso.com', { onPremisesImmutableId: null }),
      403,
      'Authorization_RequestDenied',
    );
  });

  it('does not let User.ReadUpdate.All read users (Microsoft lists it for "Update user" only)', async () => {
    await grant(['User.ReadUpdate.All']);
    await assertGraphError(await h.get(`/v1.0/users/${APES}`), 403, 'Authorization_RequestDenied');
    const set = await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: FRESH_ANCHOR });
    assert.equal(set.status, 204);
    await grant(null);
    const back = await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: null });
    assert.equal(back.status, 204);
  });

  it('refuses each $batch step on its own, inside a 200 batch answer', async () => {
    await grant(['User.Read.All']);
    const res = await h.send('POST', '/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${APES}?$select=id` },
        { id: '2', method: 'GET', url: '/organization?$select=id' },
        { id: '3', method: 'GET', url: '/domains/contoso.com' },
      ],
    });
    assert.equal(res.status, 200);
    const { responses } = (await res.json()) as BatchAnswer;
    assert.deepEqual(
      responses.map((r) => [r.id, r.status, (r.body?.error as { code?: string } | undefined)?.code]),
      [
        ['1', 200, undefined],
        ['2', 403, 'Authorization_RequestDenied'],
        ['3', 403, 'Authorization_RequestDenied'],
      ],
    );
  });

  it('refuses onPremisesSynchronization to every app while Graph honours only its delegated permission', async () => {
    const closed = await startSim(demoGraphSeed());
    try {
      await assertGraphError(
        await closed.get('/v1.0/directory/onPremisesSynchronization'),
        403,
        'Authorization_RequestDenied',
        DENIED,
      );
    } finally {
      await closed.stop();
    }
  });
});

describe('Graph simulator: onPremisesLastPasswordSyncDateTime is beta-only', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.stop());
  const org = async (url: string) =>
    ((await (await h.get(url)).json()) as { value: Record<string, unknown>[] }).value[0];

  it('v1.0 refuses to select it (400, as for any property its metadata lacks) and leaves it out by default', async () => {
    await assertGraphError(
      await h.get('/v1.0/organization?$select=id,onPremisesLastPasswordSyncDateTime'),
      400,
      'BadRequest',
      "Could not find a property named 'onPremisesLastPasswordSyncDateTime' on type 'microsoft.graph.organization'.",
    );
    const all = await org('/v1.0/organization');
    assert.ok(!('onPremisesLastPasswordSyncDateTime' in all), JSON.stringify(all));
    assert.equal(all.onPremisesSyncEnabled, true);
  });

  it('beta returns it, selected or by default', async () => {
    const selected = await org('/beta/organization?$select=id,onPremisesLastPasswordSyncDateTime');
    assert.deepEqual(Object.keys(selected), ['id', 'onPremisesLastPasswordSyncDateTime']);
    assert.ok(Date.parse(String(selected.onPremisesLastPasswordSyncDateTime)) > 0);
    assert.ok('onPremisesLastPasswordSyncDateTime' in (await org('/beta/organization')));
  });
});

describe('Graph simulator: deletedItems filtered by onPremisesImmutableId, refused on demand', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.stop());
  const querySupport = async (value: boolean) => {
    const res = await fetch(`${h.base}/_sim/query-support`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deletedUsersFilterByImmutableId: value }),
    });
    assert.equal(res.status, 204);
  };
  const filtered = () =>
    h.get(
      `/v1.0/directory/deletedItems/microsoft.graph.user?$filter=onPremisesImmutableId eq '${APETERS_ANCHOR}'&$count=true&$select=id`,
      EVENTUAL,
    );

  it('answers the filter by default, refuses it with Request_UnsupportedQuery once told to, and still lists', async () => {
    try {
      const ok = (await (await filtered()).json()) as { value: { id: string }[] };
      assert.deepEqual(
        ok.value.map((u) => u.id),
        [DEMO_GRAPH_USERS.recycledTwin],
      );

      await querySupport(false);
      await assertGraphError(
        await filtered(),
        400,
        'Request_UnsupportedQuery',
        "Unsupported or invalid query filter clause specified for property 'onPremisesImmutableId' of resource 'User'.",
      );
      // The users filter is untouched, and the recycle bin can still be listed.
      const live = await h.get(
        `/v1.0/users?$filter=onPremisesImmutableId eq '${APETERS_ANCHOR}'&$count=true&$select=id`,
        EVENTUAL,
      );
      assert.equal(live.status, 200);
      const list = (await (
        await h.get('/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,onPremisesImmutableId')
      ).json()) as { value: { id: string; onPremisesImmutableId: string }[] };
      assert.deepEqual(list.value, [
        { id: DEMO_GRAPH_USERS.recycledTwin, onPremisesImmutableId: APETERS_ANCHOR },
      ]);
    } finally {
      await querySupport(true);
    }
  });

  it('refuses a malformed setting with 400', async () => {
    const res = await fetch(`${h.base}/_sim/query-support`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deletedUsersFilterByImmutableId: 'no' }),
    });
    assert.equal(res.status, 400);
    assert.equal(
      ((await (await fetch(`${h.base}/_sim/query-support`)).json()) as Record<string, unknown>)
        .deletedUsersFilterByImmutableId,
      true,
    );
  });
});

describe('Graph simulator: throttling one $batch step', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.stop());

  it('answers the throttled step 429 with Retry-After inside a 200 batch; direct requests are untouched', async () => {
    const fault = await fetch(`${h.base}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: `/v1.0/users/${APES}`, status: 429, retryAfterSeconds: 2, inBatch: true }),
    });
    assert.equal(fault.status, 204);
    assert.equal(
      (await h.get(`/v1.0/users/${APES}?$select=id`)).status,
      200,
      'a direct request is not a batch step',
    );

    const res = await h.send('POST', '/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${DEMO_GRAPH_USERS.privileged}?$select=id` },
        { id: '2', method: 'GET', url: `/users/${APES}?$select=id` },
      ],
    });
    assert.equal(res.status, 200);
    const { responses } = (await res.json()) as BatchAnswer;
    assert.equal(responses[0].status, 200);
    assert.equal(responses[1].status, 429);
    assert.equal(responses[1].headers['Retry-After'], '2');
    assert.equal((responses[1].body?.error as { code: string }).code, 'TooManyRequests');
    assert.equal(h.sim.faults.pending, 0);
  });
});
