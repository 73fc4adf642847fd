import assert from 'node:assert/strict';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import type { SimCloudUser } from '../../../../src/sim/graph/model';
import { assertGraphError, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
type BatchAnswer = {
  responses: {
    id: string;
    status: number;
    headers: Record<string, string>;
    body?: Record<string, unknown>;
  }[];
};

describe('Graph simulator: $batch', () => {
  let h: SimHarness;
  beforeEach(async () => {
    h = await startSim();
  });
  afterEach(() => h.stop());

  it('dispatches sub-requests through the same routes, each with its own headers', async () => {
    const res = await h.send('POST', '/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/users/${APES}?$select=id,displayName` },
        {
          id: '2',
          method: 'GET',
          url: '/users?$search="displayName:aaron"&$select=id',
          headers: { ConsistencyLevel: 'eventual' },
        },
        { id: '3', method: 'GET', url: '/users?$search="displayName:aaron"' },
        {
          id: '4',
          method: 'PATCH',
          url: `/users/${APES}`,
          headers: { 'Content-Type': 'application/json' },
          body: { onPremisesImmutableId: 'yYuRNW0Z6kCXeYide7dT8A==' },
        },
        { id: '5', method: 'PATCH', url: `/users/${APES}`, body: { onPremisesImmutableId: null } },
        { id: '6', method: 'GET', url: '/users/nobody@contoso.com', dependsOn: ['4'] },
        { id: '7', method: 'GET', url: 'users/nobody@contoso.com', dependsOn: ['6'] },
      ],
    });
    assert.equal(res.status, 200);
    const { responses } = (await res.json()) as BatchAnswer;
    const byId = Object.fromEntries(responses.map((r) => [r.id, r]));
    assert.equal(byId['1'].status, 200);
    assert.equal(byId['1'].body?.displayName, 'Aaron Pescasio');
    assert.equal(byId['2'].status, 200);
    assert.deepEqual(byId['2'].body?.value, [{ id: APES }]);
    assert.equal(byId['3'].status, 400);
    assert.equal((byId['3'].body?.error as { code: string }).code, 'Request_UnsupportedQuery');
    assert.equal(byId['4'].status, 204);
    assert.equal(byId['4'].body, undefined);
    assert.equal(byId['5'].status, 400);
    assert.match(
      (byId['5'].body?.error as { message: string }).message,
      /Write request id : 5 does not contain Content-Type header or body\./,
    );
    assert.equal(byId['6'].status, 404);
    assert.equal(byId['7'].status, 424);
    const user = (await (await h.get(`/v1.0/users/${APES}?$select=onPremisesImmutableId`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(user.onPremisesImmutableId, 'yYuRNW0Z6kCXeYide7dT8A==');
  });

  it('refuses more than 20 requests, duplicate ids and a malformed body', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${APES}`,
    }));
    await assertGraphError(
      await h.send('POST', '/v1.0/$batch', { requests }),
      400,
      'BadRequest',
      /maximum of 20/,
    );
    assert.equal((await h.send('POST', '/v1.0/$batch', { requests: requests.slice(0, 20) })).status, 200);
    await assertGraphError(
      await h.send('POST', '/v1.0/$batch', { requests: [requests[0], requests[0]] }),
      400,
      'BadRequest',
      /unique/,
    );
    await assertGraphError(await h.send('POST', '/v1.0/$batch', { nope: [] }), 400, 'BadRequest');
  });

  it('needs a token for the batch itself', async () => {
    const res = await fetch(`${h.base}/v1.0/$batch`, {
      method: 'POST',
      body: '{"requests":[]}',
      headers: { 'content-type': 'application/json' },
    });
    await assertGraphError(res, 401, 'InvalidAuthenticationToken');
  });
});

describe('Graph simulator: throttling and faults', () => {
  let h: SimHarness;
  beforeEach(async () => {
    h = await startSim();
  });
  afterEach(() => h.stop());
  const write = () => h.send('PATCH', `/v1.0/users/${APES}`, { displayName: 'Aaron Pescasio' });

  it('answers 429 with Retry-After once the per-app write quota is spent', async () => {
    h.sim.throttle.configure({ writeLimit: 2, writeWindowMs: 1000 });
    assert.equal((await write()).status, 204);
    assert.equal((await write()).status, 204);
    const third = await write();
    await assertGraphError(third, 429, 'TooManyRequests');
    assert.equal(third.headers.get('retry-after'), '1');
    // Reads are not writes: they still pass.
    assert.equal((await h.get(`/v1.0/users/${APES}`)).status, 200);
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal((await write()).status, 204);
  });

  it('throttles batched writes one by one', async () => {
    h.sim.throttle.configure({ writeLimit: 2, writeWindowMs: 60_000 });
    const step = (id: string) => ({
      id,
      method: 'PATCH',
      url: `/users/${APES}`,
      headers: { 'content-type': 'application/json' },
      body: { displayName: 'Aaron Pescasio' },
    });
    const res = await h.send('POST', '/v1.0/$batch', { requests: [step('a'), step('b'), step('c')] });
    const { responses } = (await res.json()) as BatchAnswer;
    assert.deepEqual(
      responses.map((r) => r.status),
      [204, 204, 429],
    );
    assert.equal(responses[2].headers['Retry-After'], '60');
  });

  it('applies a read RU budget per app (list users costs 2)', async () => {
    h.sim.throttle.configure({ readUnitLimit: 5, readWindowMs: 30_000 });
    assert.equal((await h.get('/v1.0/users')).status, 200);
    assert.equal((await h.get('/v1.0/users')).status, 200);
    assert.equal((await h.get(`/v1.0/users/${APES}`)).status, 200);
    const over = await h.get(`/v1.0/users/${APES}`);
    await assertGraphError(over, 429, 'TooManyRequests');
    assert.ok(Number(over.headers.get('retry-after')) >= 29);
  });

  it('serves injected 503/504/429 faults, then the real answer', async () => {
    h.sim.faults.inject({ path: '/v1.0/users', method: 'GET', status: 503, count: 2, retryAfterSeconds: 3 });
    h.sim.faults.inject({ path: /^\/v1\.0\/users\/[^/]+$/, status: 504 });
    const first = await h.get(`/v1.0/users/${APES}`);
    await assertGraphError(first, 503, 'serviceNotAvailable');
    assert.equal(first.headers.get('retry-after'), '3');
    await assertGraphError(await h.get('/v1.0/users'), 503, 'serviceNotAvailable');
    await assertGraphError(await h.get(`/v1.0/users/${APES}`), 504, 'UnknownError');
    assert.equal(h.sim.faults.pending, 0);
    assert.equal((await h.get(`/v1.0/users/${APES}`)).status, 200);
    assert.deepEqual(
      h.sim.requests.slice(-4).map((r) => r.status),
      [503, 503, 504, 200],
    );
  });

  it('takes faults and throttle settings over the /_sim admin API', async () => {
    const post = (path: string, method: string, body: unknown) =>
      fetch(`${h.base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal(
      (
        await post('/_sim/faults', 'POST', {
          path: '/v1.0/users',
          status: 429,
          count: 1,
          retryAfterSeconds: 2,
        })
      ).status,
      204,
    );
    const throttled = await h.get('/v1.0/users');
    await assertGraphError(throttled, 429, 'TooManyRequests');
    assert.equal(throttled.headers.get('retry-after'), '2');
    assert.equal((await post('/_sim/throttle', 'PUT', { writeLimit: 1, writeWindowMs: 5000 })).status, 204);
    assert.equal((await write()).status, 204);
    assert.equal((await write()).status, 429);
    const log = (await (await fetch(`${h.base}/_sim/requests`)).json()) as { value: { status: number }[] };
    assert.deepEqual(
      log.value.slice(-2).map((r) => r.status),
      [204, 429],
    );
  });
});

describe('Graph simulator: paging over 10,000 users', () => {
  let h: SimHarness;
  before(async () => {
    const seed = demoGraphSeed();
    const many: SimCloudUser[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      displayName: `Bulk User ${i}`,
      userPrincipalName: `bulk${i}@contoso.com`,
      proxyAddresses: [],
      accountEnabled: true,
      userType: 'Member',
      createdDateTime: '2025-01-01T00:00:00Z',
      onPremisesImmutableId: null,
      onPremisesSyncEnabled: i % 2 === 0 ? true : null,
      onPremisesLastSyncDateTime: null,
      onPremisesSamAccountName: null,
      onPremisesUserPrincipalName: null,
    }));
    h = await startSim({ ...seed, users: [...seed.users, ...many] });
  });
  // The demo seed's own live users come on top of the 10,000 (12 with Diego's and Miriam's twins);
  // half of the bulk users are synced, and so are the seed's synced users (Lynne and the two twins).
  const seedUsers = demoGraphSeed().users;
  const total = 10_000 + seedUsers.length;
  const synced = 5_000 + seedUsers.filter((u) => u.onPremisesSyncEnabled === true).length;
  after(() => h.stop());

  const walk = async (first: string, headers: Record<string, string> = {}) => {
    const ids: string[] = [];
    let pages = 0;
    let count: number | undefined;
    for (let url: string | undefined = first; url; pages++) {
      const res = await h.get(url.replace(h.base, ''), headers);
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        value: { id: string }[];
        '@odata.nextLink'?: string;
        '@odata.count'?: number;
      };
      count ??= body['@odata.count'];
      ids.push(...body.value.map((u) => u.id));
      url = body['@odata.nextLink'];
    }
    return { ids, pages, count };
  };

  it('walks every user once with the default page size of 100', async () => {
    const { ids, pages } = await walk('/v1.0/users?$select=id');
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, total);
    assert.equal(pages, Math.ceil(total / 100));
  });

  it('walks with $top=999, a filter and $count', async () => {
    const { ids, pages, count } = await walk(
      '/v1.0/users?$select=id&$top=999&$count=true&$filter=onPremisesSyncEnabled eq true',
      {
        ConsistencyLevel: 'eventual',
      },
    );
    assert.equal(count, synced);
    assert.equal(ids.length, synced);
    assert.equal(new Set(ids).size, synced);
    assert.equal(pages, Math.ceil(synced / 999));
  });

  it('keeps pages free of duplicates when users are deleted mid-walk', async () => {
    const first = (await (await h.get('/v1.0/users?$select=id&$top=500')).json()) as {
      value: { id: string }[];
      '@odata.nextLink': string;
    };
    for (const u of first.value.slice(0, 50)) h.sim.state.softDelete(u.id);
    const rest = await walk(first['@odata.nextLink']);
    const all = [...first.value.map((u) => u.id), ...rest.ids];
    assert.equal(new Set(all).size, all.length);
    assert.equal(all.length, total);
  });
});
