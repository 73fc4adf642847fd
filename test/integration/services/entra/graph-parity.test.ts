import assert from 'node:assert/strict';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import type { CloudDirectory } from '../../../../src/services/entra/cloud-directory';
import { GraphApi } from '../../../../src/services/entra/graph-api';
import { createGraphClient } from '../../../../src/services/entra/graph-client';
import { GraphCloudDirectory } from '../../../../src/services/entra/graph-cloud-directory';
import { createGraphCredential } from '../../../../src/services/entra/graph-credential';
import {
  GraphDeadlineError,
  GraphPermissionError,
  PrivilegedTargetError,
} from '../../../../src/services/entra/graph-errors';
import type { GraphOptions } from '../../../../src/services/entra/graph-options';
import { HealthMonitor } from '../../../../src/services/health/health-monitor';
import { PingProbe } from '../../../../src/services/health/ping-probe';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const LROBBINS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
const APETERS_ANCHOR = guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a');
const CLIENT_ID = 'anchor-parity';

/**
 * Where Graph differs from a naive stand-in and Anchor has to handle it: missing application
 * permissions, the beta-only password sync time, a recycle bin Graph will not filter by
 * ImmutableId, and $batch steps throttled one by one. The production Graph service against the
 * simulator, over HTTP.
 */
describe('Graph service: Graph as Anchor meets it (HTTP)', function () {
  this.timeout(30_000);
  let sim: GraphSimulator;
  let options: GraphOptions;

  /** The production Graph service, with a small recycle-bin scan cap when a test asks for one. */
  function cloudWith(recycleBinScanCap?: number, timeoutMs = options.timeoutMs): CloudDirectory {
    const settings = { ...options, timeoutMs };
    const client = createGraphClient(settings, createGraphCredential(settings));
    return new GraphCloudDirectory(new GraphApi(client, settings.baseUrl), { timeoutMs, recycleBinScanCap });
  }

  /** Grants the app these application permissions (null: every permission Anchor asks for). */
  function grant(permissions: string[] | null): void {
    const app = sim.state.clients.find((c) => c.clientId === CLIENT_ID)!;
    app.permissions = permissions ?? undefined;
  }

  /**
   * The simulator's request log since `from`, as `METHOD /version/path status` (query left out);
   * `step` marks a $batch step (the batch POST itself is not logged, its steps are).
   */
  const requestsSince = (from: number) =>
    sim.requests
      .slice(from)
      .map((r) => `${r.inBatch ? 'step ' : ''}${r.method} ${r.url.split('?')[0]} ${r.status}`);

  before(async () => {
    sim = new GraphSimulator({ ...demoGraphSeed(DEMO_TENANT.tenantId), clients: [{ clientId: CLIENT_ID }] });
    await sim.start();
    await sim.startAuthority();
    options = {
      baseUrl: sim.baseUrl,
      credential: {
        kind: 'client-secret',
        tenantId: DEMO_TENANT.tenantId,
        clientId: CLIENT_ID,
        clientSecret: 's',
      },
      authorityHost: sim.authorityUrl,
      authorityCaPem: sim.authorityCaPem,
      disableInstanceDiscovery: true,
      timeoutMs: 10_000,
      maxRetries: 2,
    };
  });

  afterEach(() => {
    grant(null);
    sim.faults.clear();
    sim.state.deletedUsersFilterByImmutableId = true;
  });

  after(async () => {
    await sim?.stop();
  });

  describe('missing application permissions, named in the error', () => {
    const cases: [string, string[], (c: CloudDirectory) => Promise<unknown>, RegExp][] = [
      [
        'ping (health): Organization.Read.All',
        ['User.Read.All'],
        (c) => c.ping(),
        /may not read the organization: grant it the Organization\.Read\.All application permission/,
      ],
      [
        'a user: User.Read.All',
        ['Organization.Read.All', 'User.ReadUpdate.All'],
        (c) => c.getUser(APES),
        /may not read users: grant it the User\.Read\.All application permission/,
      ],
      [
        'a search: User.Read.All',
        ['Organization.Read.All'],
        (c) => c.searchUsers('aaron'),
        /may not read users: grant it the User\.Read\.All/,
      ],
      [
        'users in a $batch: User.Read.All',
        ['Organization.Read.All'],
        (c) => c.getUsers([APES, LROBBINS]),
        /may not read users: grant it the User\.Read\.All/,
      ],
      [
        'the holders of a value: User.Read.All',
        ['Domain.Read.All'],
        (c) => c.findImmutableIdHolders(APETERS_ANCHOR),
        /grant it the User\.Read\.All/,
      ],
      [
        'a domain: Domain.Read.All',
        ['User.Read.All'],
        (c) => c.getDomainAuthentication('apes@contoso.com'),
        /may not read domains: grant it the Domain\.Read\.All/,
      ],
      [
        'roles: RoleManagement.Read.Directory',
        ['User.Read.All'],
        (c) => c.getUserRoles(APES),
        /may not read directory role assignments: grant it the RoleManagement\.Read\.Directory/,
      ],
    ];
    it('the ImmutableId write: a 403 names both causes Graph cannot tell apart', async () => {
      grant(['User.Read.All']);
      await assert.rejects(
        cloudWith().setImmutableId(APES, guidToImmutableId('11112222-3333-4444-8555-666677778888')),
        (err: unknown) => {
          assert.ok(err instanceof PrivilegedTargetError, String(err));
          assert.match(err.message, /the target is privileged/);
          assert.match(err.message, /lacks User\.ReadUpdate\.All \(/);
          return true;
        },
      );
    });
    for (const [name, permissions, run, message] of cases) {
      it(`${name}`, async () => {
        grant(permissions);
        await assert.rejects(run(cloudWith()), (err: unknown) => {
          assert.ok(err instanceof GraphPermissionError, String(err));
          assert.equal(err.status, 403);
          assert.equal(err.code, 'Authorization_RequestDenied');
          assert.match(err.message, message);
          return true;
        });
      });
    }

    it('health reports Graph down, naming Organization.Read.All, until it is granted', async () => {
      const health = new HealthMonitor({
        mode: 'test',
        version: '0',
        probes: [new PingProbe('graph', cloudWith())],
      });
      grant(['User.Read.All', 'Domain.Read.All', 'RoleManagement.Read.Directory']);
      const refused = await health.report();
      assert.equal(refused.status, 'degraded');
      assert.equal(refused.dependencies.graph.state, 'down');
      assert.match(refused.dependencies.graph.detail, /Organization\.Read\.All/);
      assert.match(refused.dependencies.graph.detail, /403 Authorization_RequestDenied/);
      grant(['Organization.Read.All']);
      const ok = await health.report();
      assert.equal(ok.dependencies.graph.state, 'ok');
    });

    it('reads the on-premises sync features with OnPremDirectorySynchronization.Read.All, unknown without', async () => {
      sim.state.onPremisesSyncReadableByApps = true;
      try {
        grant(['User.Read.All']);
        const without = await cloudWith().getSyncFeatures();
        assert.equal(without.known, false);
        grant(['User.Read.All', 'OnPremDirectorySynchronization.Read.All']);
        const withIt = await cloudWith().getSyncFeatures();
        assert.ok(withIt.known, JSON.stringify(withIt));
        assert.equal(withIt.value.blockCloudObjectTakeoverThroughHardMatchEnabled, false);
      } finally {
        sim.state.onPremisesSyncReadableByApps = false;
      }
    });
  });

  describe('onPremisesLastPasswordSyncDateTime is beta-only', () => {
    it('ping and the organization sync status read v1.0 without it; the password sync time comes from beta', async () => {
      const cloud = cloudWith();
      const from = sim.requests.length;
      await cloud.ping();
      const org = await cloud.getOrganizationSync();
      assert.equal(org.onPremisesSyncEnabled, true);
      const passwordSync = await cloud.getLastPasswordSync();
      assert.ok(passwordSync.known && Date.parse(passwordSync.value ?? '') > 0, JSON.stringify(passwordSync));
      assert.deepEqual(requestsSince(from), [
        'GET /v1.0/organization 200',
        'GET /v1.0/organization 200',
        'GET /beta/organization 200',
      ]);
      const urls = sim.requests.slice(from).map((r) => decodeURIComponent(r.url));
      assert.ok(!urls[0].includes('PasswordSync') && !urls[1].includes('PasswordSync'), urls.join('\n'));
    });
  });

  describe('deleted users by ImmutableId', () => {
    it('filters the recycle bin when Graph accepts the filter', async () => {
      const from = sim.requests.length;
      const holders = await cloudWith().findImmutableIdHolders(APETERS_ANCHOR);
      assert.deepEqual(
        holders.deletedUsers.map((u) => u.id),
        [DEMO_GRAPH_USERS.recycledTwin],
      );
      assert.equal(holders.recycleBinScan, undefined);
      assert.deepEqual(requestsSince(from).sort(), [
        'GET /v1.0/directory/deletedItems/microsoft.graph.user 200',
        'GET /v1.0/users 200',
        // The filtered listing may lag, so the holder it lists is read again by id (A5).
        `step GET /v1.0/directory/deletedItems/${DEMO_GRAPH_USERS.recycledTwin} 200`,
      ]);
    });

    it('lists the recycle bin with $select and filters it locally when Graph refuses the filter', async () => {
      sim.state.deletedUsersFilterByImmutableId = false;
      const from = sim.requests.length;
      const holders = await cloudWith().findImmutableIdHolders(APETERS_ANCHOR);
      assert.deepEqual(
        holders.deletedUsers.map((u) => u.id),
        [DEMO_GRAPH_USERS.recycledTwin],
      );
      assert.deepEqual(holders.recycleBinScan, { scanned: 1, complete: true });
      assert.equal(holders.truncated, false);
      const deletedCalls = sim.requests
        .slice(from)
        .filter((r) => r.url.includes('deletedItems'))
        .map((r) => [r.status, decodeURIComponent(r.url)] as const);
      assert.equal(deletedCalls.length, 2, JSON.stringify(deletedCalls));
      assert.equal(deletedCalls[0][0], 400);
      assert.equal(deletedCalls[1][0], 200);
      assert.match(deletedCalls[1][1], /\$select=[^&]*onPremisesImmutableId/);
      assert.doesNotMatch(deletedCalls[1][1], /\$filter/);
      // Nobody else holds a fresh value: found nothing, and said it read the whole bin.
      const none = await cloudWith().findImmutableIdHolders(
        guidToImmutableId('99999999-3333-4444-8555-666677778888'),
      );
      assert.deepEqual(none.deletedUsers, []);
      assert.deepEqual(none.recycleBinScan, { scanned: 1, complete: true });
    });

    it('pages through every deleted user, and reports a scan stopped at its cap', async () => {
      sim.state.deletedUsersFilterByImmutableId = false;
      // More than one page of 999, with ids that sort before the twin's, so a capped scan stops
      // before it reaches the twin.
      const extra = Array.from(
        { length: 1200 },
        (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      for (const id of extra) {
        sim.state.addDeletedUser({
          id,
          displayName: `Gone ${id}`,
          userPrincipalName: `${id.replace(/-/g, '')}gone@contoso.com`,
          proxyAddresses: [],
          accountEnabled: true,
          userType: 'Member',
          createdDateTime: '2025-01-01T00:00:00Z',
          onPremisesImmutableId: null,
          onPremisesSyncEnabled: true,
          onPremisesLastSyncDateTime: null,
          onPremisesSamAccountName: null,
          onPremisesUserPrincipalName: null,
        });
      }
      try {
        const from = sim.requests.length;
        const all = await cloudWith().findImmutableIdHolders(APETERS_ANCHOR);
        assert.deepEqual(all.recycleBinScan, { scanned: 1201, complete: true });
        assert.deepEqual(
          all.deletedUsers.map((u) => u.id),
          [DEMO_GRAPH_USERS.recycledTwin],
        );
        assert.deepEqual(
          requestsSince(from).filter((r) => r.includes('deletedItems')),
          [400, 200, 200].map((status) => `GET /v1.0/directory/deletedItems/microsoft.graph.user ${status}`),
          'the refused filter, then two pages',
        );

        const capped = await cloudWith(1000).findImmutableIdHolders(APETERS_ANCHOR);
        assert.deepEqual(capped.recycleBinScan, { scanned: 1000, complete: false });
        assert.deepEqual(capped.deletedUsers, [], 'the twin was beyond the cap');
      } finally {
        for (const id of extra) sim.state.deletedUsers.delete(id);
      }
    });

    it('does not scan on any other failure of the filtered read', async () => {
      sim.faults.inject({ path: '/v1.0/directory/deletedItems', status: 500 });
      const from = sim.requests.length;
      await assert.rejects(cloudWith().findImmutableIdHolders(APETERS_ANCHOR), { status: 500 });
      assert.deepEqual(
        requestsSince(from).filter((r) => r.includes('deletedItems')),
        ['GET /v1.0/directory/deletedItems/microsoft.graph.user 500'],
      );
    });
  });

  describe('$batch steps throttled one by one', () => {
    it('sends a throttled step again after its Retry-After and succeeds within the deadline', async () => {
      sim.faults.inject({ path: `/v1.0/users/${APES}`, status: 429, retryAfterSeconds: 1, inBatch: true });
      const from = sim.requests.length;
      const started = Date.now();
      const users = await cloudWith().getUsers([APES, LROBBINS]);
      const elapsed = Date.now() - started;
      assert.deepEqual(users.map((u) => u.id).sort(), [APES, LROBBINS].sort());
      assert.ok(elapsed >= 1000, `waited ${elapsed} ms, Retry-After asked for 1000`);
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
      // The first batch: the throttled step and the other; the second batch: only the throttled one.
      assert.deepEqual(requestsSince(from), [
        `step GET /v1.0/users/${APES} 429`,
        `step GET /v1.0/users/${LROBBINS} 200`,
        `step GET /v1.0/users/${APES} 200`,
      ]);
    });

    it('fails with GraphDeadlineError, without waiting, when Retry-After runs past the deadline', async () => {
      sim.faults.inject({ path: `/v1.0/users/${APES}`, status: 429, retryAfterSeconds: 30, inBatch: true });
      const from = sim.requests.length;
      const started = Date.now();
      await assert.rejects(cloudWith(undefined, 3000).getUsers([APES, LROBBINS]), (err: unknown) => {
        assert.ok(err instanceof GraphDeadlineError, String(err));
        assert.match(err.message, /did not answer within 3000 ms/);
        return true;
      });
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.deepEqual(requestsSince(from), [
        `step GET /v1.0/users/${APES} 429`,
        `step GET /v1.0/users/${LROBBINS} 200`,
      ]);
    });
  });
});
