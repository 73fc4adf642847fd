import assert from 'node:assert/strict';
import { DEMO_TENANT, demoCloudUsers, demoOrganization } from '../../../../src/sim/demo/demo-tenant';
import { DEMO_GRAPH_USERS } from '../../../../src/sim/demo/demo-graph-seed';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { assertGraphError, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

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

describe('Graph simulator: token endpoint and discovery', () => {
  const tenantId: string = DEMO_TENANT.tenantId;
  const sim = new GraphSimulator({
    tenantId,
    organization: demoOrganization(tenantId),
    users: demoCloudUsers(),
    clients: [{ clientId: 'anchor-app', clientSecret: 'right' }],
  });
  let base: string;
  before(async () => {
    base = await sim.start();
  });
  after(() => sim.stop());

  const token = (form: Record<string, string>, tenant = tenantId) =>
    fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
        ...form,
      }),
    });
  type AadError = {
    error: string;
    error_description: string;
    error_codes: number[];
    trace_id: string;
    correlation_id: string;
  };

  it('issues a token for the known client and secret', async () => {
    const res = await token({ client_id: 'anchor-app', client_secret: 'right' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { token_type: string; expires_in: number; access_token: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3599);
    assert.equal(body.access_token.split('.').length, 3);
  });

  it('accepts a well-formed client assertion and refuses a malformed one', async () => {
    const assertion = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJhIn0', 'c2ln'].join('.');
    const type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
    const good = await token({
      client_id: 'anchor-app',
      client_assertion: assertion,
      client_assertion_type: type,
    });
    assert.equal(good.status, 200);
    const bad = await token({
      client_id: 'anchor-app',
      client_assertion: 'not a jwt',
      client_assertion_type: type,
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(((await bad.json()) as AadError).error_codes, [50027]);
  });

  it('answers AADSTS errors for a wrong secret, an unknown client, no credential and a bad scope', async () => {
    const cases: [Record<string, string>, number, string, number][] = [
      [{ client_id: 'anchor-app', client_secret: 'wrong' }, 401, 'invalid_client', 7000215],
      [{ client_id: 'stranger', client_secret: 'x' }, 400, 'unauthorized_client', 700016],
      [{ client_id: 'anchor-app' }, 401, 'invalid_client', 7000218],
      [
        { client_id: 'anchor-app', client_secret: 'right', scope: 'User.Read' },
        400,
        'invalid_scope',
        1002012,
      ],
    ];
    for (const [form, status, error, code] of cases) {
      const res = await token(form);
      assert.equal(res.status, status, JSON.stringify(form));
      const body = (await res.json()) as AadError;
      assert.equal(body.error, error);
      assert.deepEqual(body.error_codes, [code]);
      assert.match(
        body.error_description,
        new RegExp(`^AADSTS${code}: .* Trace ID: [0-9a-f-]{36} Correlation ID: `),
      );
      assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
      assert.match(body.correlation_id, /^[0-9a-f-]{36}$/);
    }
    const wrongTenant = await token({ client_id: 'anchor-app', client_secret: 'right' }, 'not-a-tenant');
    assert.deepEqual(((await wrongTenant.json()) as AadError).error_codes, [90002]);
  });

  it('serves OpenID configuration and MSAL instance discovery pointing at itself', async () => {
    const oidc = (await (
      await fetch(`${base}/${tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    assert.equal(oidc.token_endpoint, `${base}/${tenantId}/oauth2/v2.0/token`);
    assert.equal(oidc.issuer, `${base}/${tenantId}/v2.0`);
    assert.equal(oidc.authorization_endpoint, `${base}/${tenantId}/oauth2/v2.0/authorize`);
    const authorize = encodeURIComponent(`${base}/${tenantId}/oauth2/v2.0/authorize`);
    const res = await fetch(
      `${base}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`,
    );
    const discovery = (await res.json()) as {
      tenant_discovery_endpoint: string;
      metadata: { aliases: string[] }[];
    };
    assert.equal(
      discovery.tenant_discovery_endpoint,
      `${base}/${tenantId}/v2.0/.well-known/openid-configuration`,
    );
    assert.deepEqual(discovery.metadata[0].aliases, [new URL(base).host]);
  });

  it('refuses an expired token with InvalidAuthenticationToken', async () => {
    const res = await token({ client_id: 'anchor-app', client_secret: 'right' });
    const { access_token } = (await res.json()) as { access_token: string };
    sim.tokens.expireAll();
    const expired = await fetch(`${base}/v1.0/users`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    await assertGraphError(
      expired,
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
    );
  });
});

describe('Graph simulator: reading users', () => {
  let h: SimHarness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.stop());
  const eventual = { ConsistencyLevel: 'eventual' };
  type List = { value: Record<string, unknown>[]; '@odata.count'?: number; '@odata.nextLink'?: string };

  it('filters onPremisesImmutableId only with ConsistencyLevel eventual and $count=true', async () => {
    const q = `/v1.0/users?$filter=onPremisesImmutableId eq 'cUwvjp0qPkulxn2OnwobLA=='&$select=id,userPrincipalName`;
    await assertGraphError(
      await h.get(q),
      400,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'onPremisesImmutableId' of resource 'User'.",
    );
    await assertGraphError(await h.get(q, eventual), 400, 'Request_UnsupportedQuery');
    await assertGraphError(await h.get(`${q}&$count=true`), 400, 'Request_BadRequest');
    const res = await h.get(`${q}&$count=true`, eventual);
    assert.equal(res.status, 200);
    const body = (await res.json()) as List;
    assert.equal(body['@odata.count'], 1);
    assert.deepEqual(body.value, [
      { id: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03', userPrincipalName: 'lrobbins@contoso.com' },
    ]);
  });

  it('filters with eq, startswith, and/or by default', async () => {
    const upns = async (filter: string) => {
      const res = await h.get(`/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=userPrincipalName`);
      assert.equal(res.status, 200, filter);
      return ((await res.json()) as List).value.map((u) => u.userPrincipalName).sort();
    };
    // The demo's synced users: Lynne, and the synced twins of Diego and Miriam.
    assert.deepEqual(await upns('onPremisesSyncEnabled eq true'), [
      'diegos4127@contoso.onmicrosoft.com',
      'lrobbins@contoso.com',
      'miriamg8315@contoso.onmicrosoft.com',
    ]);
    assert.deepEqual(await upns("userPrincipalName eq 'APES@contoso.com'"), ['apes@contoso.com']);
    assert.deepEqual(await upns("mail eq 'apeters@contoso.com'"), ['apeters@contoso.com']);
    assert.deepEqual(await upns("startswith(displayName,'A')"), ['apes@contoso.com', 'apeters@contoso.com']);
    assert.deepEqual(await upns("startswith(displayName,'Aaron') or mail eq 'leeg@contoso.com'"), [
      'apes@contoso.com',
      'leeg@contoso.com',
    ]);
    assert.deepEqual(await upns("startswith(displayName,'A') and userPrincipalName eq 'apes@contoso.com'"), [
      'apes@contoso.com',
    ]);
  });

  it('answers Graph 400s for an unknown property, a syntax error and $top over 999', async () => {
    await assertGraphError(
      await h.get("/v1.0/users?$filter=shoeSize eq '9'"),
      400,
      'BadRequest',
      "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    );
    await assertGraphError(
      await h.get("/v1.0/users?$filter=mail eq 'x' and"),
      400,
      'BadRequest',
      /^Invalid filter clause/,
    );
    await assertGraphError(
      await h.get('/v1.0/users?$top=1000'),
      400,
      'Request_BadRequest',
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
    await assertGraphError(await h.get('/v1.0/users?$select=id,shoeSize'), 400, 'BadRequest', /shoeSize/);
  });

  it('returns the v1.0 default property set without $select', async () => {
    const res = await h.get('/v1.0/users/apes@contoso.com');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.id, '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01');
    assert.ok('jobTitle' in body);
    assert.ok(!('onPremisesImmutableId' in body));
  });

  it('selects on-prem properties of one user by id', async () => {
    const res = await h.get(
      '/v1.0/users/0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03?$select=onPremisesImmutableId,onPremisesSyncEnabled,onPremisesSamAccountName,onPremisesDistinguishedName,proxyAddresses',
    );
    const body = (await res.json()) as Record<string, unknown>;
    delete body['@odata.context'];
    assert.deepEqual(body, {
      onPremisesImmutableId: 'cUwvjp0qPkulxn2OnwobLA==',
      onPremisesSyncEnabled: true,
      onPremisesSamAccountName: 'lrobbins',
      onPremisesDistinguishedName: null,
      proxyAddresses: ['SMTP:lrobbins@contoso.com'],
    });
  });

  it('returns onPremisesObjectIdentifier on beta only', async () => {
    const id = DEMO_GRAPH_USERS.objectIdentifier;
    await assertGraphError(
      await h.get(`/v1.0/users/${id}?$select=onPremisesObjectIdentifier`),
      400,
      'BadRequest',
      "Could not find a property named 'onPremisesObjectIdentifier' on type 'microsoft.graph.user'.",
    );
    const beta = (await (await h.get(`/beta/users/${id}`)).json()) as Record<string, unknown>;
    assert.equal(beta.onPremisesObjectIdentifier, '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f');
    const unset = (await (await h.get('/beta/users/apes@contoso.com')).json()) as Record<string, unknown>;
    assert.ok(!('onPremisesObjectIdentifier' in unset));
  });

  it('pages with $top and an opaque $skiptoken, and counts', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/v1.0/users?$top=3&$select=id&$count=true`;
    let pages = 0;
    while (url) {
      const res = await h.get(url.replace(h.base, ''), eventual);
      const body = (await res.json()) as List;
      // The demo seed's 12 live users: 8, plus Diego's and Miriam's cloud-only originals and synced twins.
      assert.equal(body['@odata.count'], 12);
      seen.push(...body.value.map((u) => String(u.id)));
      url = body['@odata.nextLink'];
      if (url) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?.*\$skiptoken=/);
      pages++;
    }
    assert.equal(pages, 4);
    assert.equal(new Set(seen).size, 12);
  });

  it('answers 400 for /me with an app token and for an unknown segment', async () => {
    await assertGraphError(
      await h.get('/v1.0/users/me'),
      400,
      'BadRequest',
      '/me request is only valid with delegated authentication flow.',
    );
    await assertGraphError(
      await h.get('/v1.0/groupz'),
      400,
      'BadRequest',
      "Resource not found for the segment 'groupz'.",
    );
  });
});
