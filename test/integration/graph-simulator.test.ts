import assert from 'node:assert/strict';
import { DEMO_TENANT, demoCloudUsers, demoOrganization } from '../../src/sim/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph-simulator';

describe('Graph simulator (HTTP)', () => {
  const sim = new GraphSimulator({
    tenantId: DEMO_TENANT.tenantId,
    organization: demoOrganization(DEMO_TENANT.tenantId),
    users: demoCloudUsers(),
  });
  let base: string;
  let token: string;

  before(async () => {
    base = await sim.start();
    const res = await fetch(`${base}/${DEMO_TENANT.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'anchor',
        client_secret: 'demo-secret',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    assert.equal(res.status, 200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  after(() => sim.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  it('refuses a request without a token with InvalidAuthenticationToken', async () => {
    const res = await fetch(`${base}/v1.0/users`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
    assert.equal(body.error.code, 'InvalidAuthenticationToken');
    assert.equal(body.error.innerError['request-id'], res.headers.get('request-id'));
  });

  it('needs ConsistencyLevel: eventual for $search, as Graph does', async () => {
    const res = await get('/v1.0/users?$search="displayName:aaron"');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'Request_UnsupportedQuery');
  });

  it('searches and selects with ConsistencyLevel: eventual', async () => {
    const res = await get(
      '/v1.0/users?$search="displayName:aaron" OR "mail:aaron"&$select=id,userPrincipalName',
      {
        ConsistencyLevel: 'eventual',
      },
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as { value: unknown[] };
    assert.deepEqual(body.value, [
      { id: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01', userPrincipalName: 'apes@contoso.com' },
    ]);
  });

  it('answers an unknown user with 404 Request_ResourceNotFound', async () => {
    const res = await get('/v1.0/users/nobody@contoso.com');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'Request_ResourceNotFound');
  });
});
