import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphOptions } from '../../../../src/services/entra/graph-options';
import { createGraphServices } from '../../../../src/services/entra/graph-services';
import type { CloudDirectory } from '../../../../src/services/entra/cloud-directory';
import {
  GraphDeadlineError,
  GraphThrottledError,
  ImmutableIdConflictError,
  OnPremisesMasteredError,
  UserNotFoundError,
} from '../../../../src/services/entra/graph-errors';
import {
  DEMO_TENANT,
  cloudOnlyUser,
  demoCloudUsers,
  demoOrganization,
} from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { createSelfSignedCertificate } from '../../../../src/sim/self-signed';

const AARON = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const ANNA = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
const LYNNE = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
const LYNNE_IMMUTABLE_ID = 'cUwvjp0qPkulxn2OnwobLA==';
const AARON_IMMUTABLE_ID = 'yYuRNW0Z6kCXeYide7dT8A==';

/**
 * The Graph service against the real GraphSimulator over HTTP, through the production classes:
 * ClientSecretCredential (MSAL) → https loopback authority, Graph SDK client → our middleware →
 * global fetch → simulator.
 */
describe('Graph service against the simulator (HTTP)', () => {
  let sim: GraphSimulator;
  let options: GraphOptions;
  let cloud: CloudDirectory;

  before(async () => {
    sim = new GraphSimulator({
      tenantId: DEMO_TENANT.tenantId,
      organization: demoOrganization(DEMO_TENANT.tenantId),
      users: demoCloudUsers(),
    });
    const graphUrl = await sim.start();
    const authorityUrl = await sim.startAuthority();
    options = {
      baseUrl: graphUrl,
      credential: {
        kind: 'client-secret',
        tenantId: DEMO_TENANT.tenantId,
        clientId: '9d1c7a52-3b8e-4f06-a1d2-5e6f7a8b9c0d',
        clientSecret: 'integration-secret',
      },
      authorityHost: authorityUrl,
      authorityCaPem: sim.authorityCaPem,
      disableInstanceDiscovery: true,
      timeoutMs: 10_000,
      maxRetries: 3,
    };
    cloud = createGraphServices(options).cloud;
  });

  after(async () => {
    await sim?.stop();
  });

  describe('credential and client', () => {
    it('gets a token from the https loopback authority with the real ClientSecretCredential', async () => {
      const { credential } = createGraphServices(options);
      const token = await credential.getToken('https://graph.microsoft.com/.default');
      assert.ok(token?.token);
      // The simulator issued it: Graph accepts it, and refuses a made-up one.
      const ask = (token: string) =>
        fetch(`${sim.baseUrl}/v1.0/organization`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await ask(token!.token)).status, 200);
      assert.equal((await ask('made-up')).status, 401);
    });

    it('signs in with a client certificate (PEM with key) through the real ClientCertificateCredential', async () => {
      const { key, cert } = await createSelfSignedCertificate({ keyType: 'rsa' });
      const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-graph-cert-'));
      try {
        const certificatePath = path.join(dir, 'graph-app.pem');
        writeFileSync(certificatePath, `${key}\n${cert}`);
        const byCertificate = createGraphServices({
          ...options,
          credential: {
            kind: 'client-certificate',
            tenantId: DEMO_TENANT.tenantId,
            clientId: 'cert-app',
            certificatePath,
          },
        });
        const org = await byCertificate.cloud.getOrganizationSync();
        assert.equal(org.tenantId, DEMO_TENANT.tenantId);
        const token = await byCertificate.credential.getToken('https://graph.microsoft.com/.default');
        assert.ok(token?.token);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads the organization sync status from v1.0 and the last password sync from beta', async () => {
      sim.requests.length = 0;
      const org = await cloud.getOrganizationSync();
      assert.equal(org.tenantId, DEMO_TENANT.tenantId);
      assert.equal(org.onPremisesSyncEnabled, true);
      assert.ok(Date.parse(org.onPremisesLastSyncDateTime ?? '') > 0);
      assert.ok(!('onPremisesLastPasswordSyncDateTime' in org), 'v1.0 does not have it');
      const passwordSync = await cloud.getLastPasswordSync();
      assert.ok(passwordSync.known && Date.parse(passwordSync.value ?? '') > 0, JSON.stringify(passwordSync));
      assert.deepEqual(
        sim.requests.map((r) => r.url.split('?')[0]),
        ['/v1.0/organization', '/beta/organization'],
      );
    });

    it('fails with a typed authentication error when the authority is not trusted', async () => {
      const untrusted = createGraphServices({ ...options, authorityCaPem: undefined }).cloud;
      await assert.rejects(untrusted.getOrganizationSync(), { name: 'GraphAuthenticationError' });
    });
  });

  describe('users', () => {
    it('searches with $search and ConsistencyLevel, selecting only what is shown', async () => {
      const result = await cloud.searchUsers('aaron');
      assert.equal(result.truncated, false);
      assert.deepEqual(
        result.items.map((u) => u.userPrincipalName),
        ['apes@contoso.com'],
      );
      assert.deepEqual(Object.keys(result.items[0]).sort(), [
        'accountEnabled',
        'department',
        'displayName',
        'employeeId',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'onPremisesSyncEnabled',
        'proxyAddresses',
        'surname',
        'userPrincipalName',
        'userType',
      ]);
    });

    it('reports a search cut at the limit as truncated', async () => {
      // Aaron and Anna; 'contoso' would find nobody now: mail and UPN match from the start only.
      const result = await cloud.searchUsers('a', { limit: 1 });
      assert.equal(result.items.length, 1);
      assert.equal(result.truncated, true);
    });

    describe('search text as Graph reads it', () => {
      const extra = [
        ['0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1f01', 'att.support@contoso.com', 'AT&T Support'],
        ['0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1f02', 'rmcdonald@contoso.com', 'Ronald McDonald'],
        ['0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1f03', 'pobrien@contoso.com', 'Pat O"Brien'],
      ] as const;
      before(() => {
        for (const [id, upn, displayName] of extra) sim.state.addUser(cloudOnlyUser(id, upn, displayName));
      });
      after(() => {
        for (const [id] of extra) sim.state.users.delete(id);
      });
      const found = async (text: string) =>
        (await cloud.searchUsers(text)).items.map((u) => u.userPrincipalName).sort();

      it('finds "AT&T" although Graph v1.0 refuses an & in a search term', async () => {
        assert.deepEqual(await found('AT&T'), ['att.support@contoso.com']);
      });

      it('finds a name at a case change ("donald" in McDonald) and an address from its start only', async () => {
        assert.deepEqual(await found('donald'), ['rmcdonald@contoso.com']);
        assert.deepEqual(await found('rmcd'), ['rmcdonald@contoso.com']);
        assert.deepEqual(await found('mcdonald@'), []);
        assert.deepEqual(await found('Ronald McDonald'), ['rmcdonald@contoso.com']);
      });

      it('escapes a double quote in the text instead of breaking the query', async () => {
        assert.deepEqual(await found('O"Brien'), ['pobrien@contoso.com']);
      });
    });

    it('gets a user with every property preflight needs', async () => {
      const user = await cloud.getUser('lrobbins@contoso.com');
      assert.equal(user.id, LYNNE);
      assert.equal(user.onPremisesImmutableId, LYNNE_IMMUTABLE_ID);
      assert.equal(user.onPremisesSyncEnabled, true);
      assert.equal(user.onPremisesSamAccountName, 'lrobbins');
      assert.equal(user.onPremisesUserPrincipalName, 'lrobbins@contoso.com');
      assert.deepEqual(user.proxyAddresses, ['SMTP:lrobbins@contoso.com']);
      assert.equal(user.accountEnabled, true);
      assert.equal(user.userType, 'Member');
      assert.equal(user.createdDateTime, '2021-01-20T08:00:00Z');
      assert.ok('onPremisesLastSyncDateTime' in user);
    });

    it("answers an unknown user with UserNotFoundError carrying Graph's code and request id", async () => {
      await assert.rejects(cloud.getUser('nobody@contoso.com'), (err: unknown) => {
        assert.ok(err instanceof UserNotFoundError);
        assert.equal(err.status, 404);
        assert.equal(err.code, 'Request_ResourceNotFound');
        assert.match(err.requestId ?? '', /^[0-9a-f-]{36}$/);
        assert.match(err.message, /nobody@contoso\.com/);
        return true;
      });
    });

    it('reads several users in one $batch and leaves out the missing ones', async () => {
      const users = await cloud.getUsers([AARON, '00000000-0000-4000-8000-000000000000', ANNA]);
      assert.deepEqual(
        users.map((u) => u.id),
        [AARON, ANNA],
      );
    });
  });

  describe('ImmutableId', () => {
    it('finds the live user holding an ImmutableId ($filter + $count + ConsistencyLevel)', async () => {
      const holders = await cloud.findImmutableIdHolders(LYNNE_IMMUTABLE_ID);
      assert.deepEqual(
        holders.users.map((u) => u.id),
        [LYNNE],
      );
      assert.deepEqual(holders.deletedUsers, []);
      assert.equal(holders.truncated, false);
    });

    it('sets and clears onPremisesImmutableId (clear = JSON null)', async () => {
      await cloud.setImmutableId(AARON, AARON_IMMUTABLE_ID);
      assert.equal((await cloud.getUser(AARON)).onPremisesImmutableId, AARON_IMMUTABLE_ID);
      await cloud.clearImmutableId(AARON);
      assert.equal((await cloud.getUser(AARON)).onPremisesImmutableId, null);
    });

    it('maps a duplicate value to ImmutableIdConflictError naming the holder', async () => {
      await assert.rejects(cloud.setImmutableId(ANNA, LYNNE_IMMUTABLE_ID), (err: unknown) => {
        assert.ok(err instanceof ImmutableIdConflictError);
        // Graph puts ObjectConflict in the details, under a top-level Request_BadRequest.
        assert.equal(err.code, 'Request_BadRequest');
        assert.ok(err.details.some((d) => d.code === 'ObjectConflict'));
        assert.match(err.message, /Another object with the same value for property onPremisesImmutableId/);
        assert.equal(err.conflictingObjectId, LYNNE);
        return true;
      });
    });

    it('maps a write to a synced user to OnPremisesMasteredError', async () => {
      await assert.rejects(cloud.setImmutableId(LYNNE, AARON_IMMUTABLE_ID), (err: unknown) => {
        assert.ok(err instanceof OnPremisesMasteredError);
        assert.equal(err.origin, 'synced');
        return true;
      });
    });
  });

  describe('tenant and roles', () => {
    it("reads the UPN domain's authenticationType", async () => {
      const domain = await cloud.getDomainAuthentication('apes@contoso.com');
      assert.equal(domain.domain, 'contoso.com');
      assert.equal(domain.authenticationType, 'Managed');
    });

    it('lists the verified domains only, lower-case, for pair matching', async () => {
      sim.state.domains.push({
        id: 'Pending.Contoso.net',
        authenticationType: 'Managed',
        isDefault: false,
        isInitial: false,
        isVerified: false,
      });
      try {
        assert.deepEqual((await cloud.listVerifiedDomains()).sort(), [
          'contoso.com',
          'contoso.onmicrosoft.com',
          'fabrikam.com',
        ]);
      } finally {
        sim.state.domains.pop();
      }
    });

    it('lists active and eligible role assignments (none for a plain user)', async () => {
      const roles = await cloud.getUserRoles(AARON);
      assert.deepEqual(roles, { active: [], eligible: [], pim: 'available', truncated: false });
    });

    it('reports onPremisesObjectIdentifier as known or unknown, never as an error', async () => {
      const value = await cloud.getOnPremisesObjectIdentifier(AARON);
      if (value.known) assert.equal(value.value, null);
      else assert.match(value.reason, /onPremisesObjectIdentifier/);
    });

    it('reports the sync features as unknown when Graph answers 403 to an app token', async () => {
      const features = await cloud.getSyncFeatures();
      assert.equal(features.known, false);
    });
  });

  describe('reliability over HTTP', () => {
    let front: FaultyFront;
    let faulty: CloudDirectory;

    beforeEach(async () => {
      front = new FaultyFront(options.baseUrl);
      await front.start();
      faulty = createGraphServices({ ...options, baseUrl: front.url }).cloud;
    });
    afterEach(() => front.stop());

    it('retries 429 and 503 as Retry-After says, then succeeds', async () => {
      front.faults.push({ status: 429, retryAfter: '1' }, { status: 503, retryAfter: '0' });
      const started = Date.now();
      const org = await faulty.getOrganizationSync();
      const elapsed = Date.now() - started;
      assert.equal(org.tenantId, DEMO_TENANT.tenantId);
      assert.equal(front.requests.filter((r) => r.includes('/organization')).length, 3);
      assert.ok(elapsed >= 1000, `waited ${elapsed} ms, Retry-After asked for 1000`);
      assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    });

    it('gives up at once with GraphThrottledError when Retry-After is past the deadline', async () => {
      front.faults.push({ status: 429, retryAfter: '120' });
      const started = Date.now();
      await assert.rejects(faulty.getOrganizationSync(), (err: unknown) => {
        assert.ok(err instanceof GraphThrottledError);
        assert.equal(err.status, 429);
        assert.equal(err.retryAfterMs, 120_000);
        assert.equal(err.code, 'TooManyRequests');
        return true;
      });
      assert.ok(Date.now() - started < 1000);
    });

    it('stops a hanging request at the deadline with GraphDeadlineError', async () => {
      front.faults.push({ hangMs: 5000 });
      const started = Date.now();
      await assert.rejects(faulty.getOrganizationSync({ deadline: Date.now() + 1500 }), GraphDeadlineError);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1400 && elapsed < 2500, `stopped after ${elapsed} ms`);
    });
  });
});

/** One scripted answer of the front: a throttle, or a response that never comes in time. */
interface Fault {
  status?: number;
  retryAfter?: string;
  hangMs?: number;
}

/** An http front before the simulator that answers scripted faults first, then forwards. */
class FaultyFront {
  readonly faults: Fault[] = [];
  readonly requests: string[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    const fault = this.faults.shift();
    if (fault?.hangMs) {
      setTimeout(() => res.destroy(), fault.hangMs).unref();
      return;
    }
    if (fault?.status) {
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        'request-id': '11111111-2222-4333-8444-555555555555',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      res.end(
        JSON.stringify({
          error: {
            code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
            message: 'Too many requests.',
            innerError: { 'request-id': '11111111-2222-4333-8444-555555555555', date: '2026-11-25T10:00:00' },
          },
        }),
      );
      return;
    }
    const out = http.request(
      `${this.upstream}${req.url}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(out);
  }
}
