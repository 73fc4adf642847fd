import assert from 'node:assert/strict';
import { createApp } from '../../../src/app/create-app';
import type { AnchorApp } from '../../../src/app/create-app';
import { loadConfig } from '../../../src/config/load-config';
import { createGraphServices } from '../../../src/services/entra/graph-services';
import { MemoryStateStore } from '../../../src/services/state/memory-state-store';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { DemoDirectory } from '../../../src/sim/demo/demo-directory';
import { demoGraphSeed } from '../../../src/sim/demo/demo-graph-seed';
import { DEMO_GRAPH_APP, DEMO_TENANT, demoDirectoryUsers } from '../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../src/sim/graph/graph-simulator';
import { freePort } from '../../support/anchor-process';
import { TEST_HEALTH_TOKEN, healthReport } from '../../support/health';
import { memoryLogger } from '../../support/memory-logger';

/**
 * `/healthz` over real HTTP, with the app composed as startDemo composes it (the Graph simulator,
 * the demo directory, a memory store): Graph's health is an authenticated read of the
 * organization, so an app registration without Organization.Read.All shows as Graph down with
 * the permission to grant, and the password sync time (beta only) plays no part in it.
 */
describe('/healthz: Graph as Anchor meets it (real HTTP)', function () {
  this.timeout(60_000);
  let graph: GraphSimulator;
  let app: AnchorApp;
  let base: string;

  /** Grants Anchor's identity these application permissions (null: every one it asks for). */
  async function grant(permissions: string[] | null): Promise<void> {
    const res = await fetch(`${graph.baseUrl}/_sim/apps/${DEMO_GRAPH_APP.clientId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions }),
    });
    assert.equal(res.status, 204);
  }

  before(async () => {
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    const graphUrl = await graph.start(0);
    const relay = generateSigningKeyPair();
    const config = loadConfig(
      {
        PORT: String(await freePort()),
        RELAY_KEYS: `aadc01=${relay.publicKey}`,
        BOT_SIGNING_KEY: generateSigningKeyPair().privateKey,
        HEALTH_TOKEN: TEST_HEALTH_TOKEN,
      },
      DEMO_DEFAULTS,
    );
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graphUrl,
      authorityHost: await graph.startAuthority(),
      authorityCaPem: graph.authorityCaPem,
    });
    const directory = new DemoDirectory(demoDirectoryUsers(), config.sourceAnchor);
    app = createApp(config, { directory, store: new MemoryStateStore(), cloud }, memoryLogger().logger);
    base = `http://127.0.0.1:${await app.start()}`;
  });

  after(async () => {
    await app?.stop();
    await graph?.stop();
  });

  it('reports Graph down, naming Organization.Read.All, while the app may not read the organization; ok once granted', async () => {
    try {
      await grant([
        'User.Read.All',
        'User.ReadUpdate.All',
        'Domain.Read.All',
        'RoleManagement.Read.Directory',
      ]);
      const refused = await healthReport(base);
      assert.equal(refused.status, 'degraded');
      assert.equal(refused.dependencies.graph.state, 'down');
      assert.match(
        refused.dependencies.graph.detail,
        /may not read the organization: grant it the Organization\.Read\.All application permission \(admin consent\)/,
      );

      await grant(['Organization.Read.All']);
      const granted = await healthReport(base);
      assert.equal(granted.dependencies.graph.state, 'ok', granted.dependencies.graph.detail);
    } finally {
      await grant(null);
    }
  });

  it('asks Graph v1.0 for nothing it does not have: no onPremisesLastPasswordSyncDateTime', async () => {
    const from = graph.requests.length;
    const report = await healthReport(base);
    assert.equal(report.dependencies.graph.state, 'ok', report.dependencies.graph.detail);
    const asked = graph.requests.slice(from).map((r) => decodeURIComponent(r.url));
    assert.deepEqual(asked, ['/v1.0/organization?$select=id']);
  });
});
