import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app/create-app';
import type { AnchorApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { createGraphServices } from '../../src/services/entra/graph-services';
import type { RelayClient } from '../../src/services/relay/relay-client';
import { BlobStateStore } from '../../src/services/state/blob-state-store';
import { MemoryStateStore } from '../../src/services/state/memory-state-store';
import type { StateStore } from '../../src/services/state/state-store';
import { DEMO_DEFAULTS } from '../../src/sim/demo/demo-defaults';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import type { AnchorProcess } from '../support/anchor-process';
import { Azurite } from '../support/azurite';
import { CuttingProxy } from '../support/cutting-proxy';
import { sharedAzurite } from '../support/fixtures';
import { memoryLogger } from '../support/memory-logger';
import { relayPairing, startRelayProcess } from '../support/relay-process';
import { until } from '../support/until';

/**
 * Long polling with nothing faked: the real bot app (createApp, over HTTP on loopback) and the real
 * relay process with the stand-in ADSync host. The relay's poll interval is set to a minute where
 * the point is that a job does not wait for it: a job that completes within seconds came on the
 * poll the bot was holding.
 */
describe('relay long polling: bot app ↔ relay process', function () {
  this.timeout(120_000);
  const pairing = relayPairing();
  let dir: string;
  let graph: GraphSimulator;
  const apps: AnchorApp[] = [];
  const relays: AnchorProcess[] = [];
  const proxies: CuttingProxy[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-long-poll-'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
  });

  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    for (const proxy of proxies.splice(0)) await proxy.stop();
    for (const app of apps.splice(0)) await app.stop();
  });

  after(async () => {
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bot instance on an ephemeral port with `store`; resolves with it and its URL. */
  async function startBot(store: StateStore) {
    const { logger, lines } = memoryLogger('info');
    const config = { ...loadConfig(pairing.botEnv, DEMO_DEFAULTS), host: '127.0.0.1', port: 0 };
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityUrl,
      authorityCaPem: graph.authorityCaPem,
    });
    const app = createApp(
      config,
      { directory: new DemoDirectory(demoDirectoryUsers()), store, cloud },
      logger,
    );
    apps.push(app);
    const port = await app.start();
    return { app, url: `http://127.0.0.1:${port}`, lines };
  }

  function startRelay(botUrl: string, env: Record<string, string>): AnchorProcess {
    const n = relays.length;
    const relay = startRelayProcess(
      botUrl,
      pairing,
      mkdtempSync(path.join(dir, `relay-${n}-`)),
      path.join(dir, `adsync-${n}.json`),
      env,
    );
    relays.push(relay);
    return relay;
  }

  const clientOf = (app: AnchorApp): RelayClient => {
    assert.ok(app.relayClient, 'the bot runs with a relay');
    return app.relayClient;
  };

  /** Waits until `app` has heard from the relay, then a little more: its next poll is held. */
  async function polling(app: AnchorApp): Promise<void> {
    await until('the relay polls', async () => clientOf(app).lastHeartbeat(), 30_000, 100);
    await new Promise((r) => setTimeout(r, 500));
  }

  /** Lines the app logged as "relay job handed out", by job id. */
  const handedOut = (lines: () => Record<string, unknown>[]) =>
    lines()
      .filter((l) => l.msg === 'relay job handed out')
      .map((l) => l.jobId);

  it('hands a job to the poll it is holding, and lets the poll go when the bot stops', async () => {
    const bot = await startBot(new MemoryStateStore());
    startRelay(bot.url, { RELAY_POLL_INTERVAL_MS: '60000', RELAY_LONG_POLL_SECONDS: '50' });
    await polling(bot.app);
    // Under the minute a short poll would wait: these came on held polls.
    for (let i = 0; i < 3; i++) {
      const result = await clientOf(bot.app).run('status', { timeoutMs: 15_000 });
      assert.equal(result.outcome, 'done');
    }
    assert.equal(handedOut(bot.lines).length, 3);
    // Stopping does not wait out the relay's 50 s wait.
    apps.splice(apps.indexOf(bot.app), 1);
    await Promise.race([
      bot.app.stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('stop waited on a held poll')), 10_000)),
    ]);
  });

  it('a relay holding a poll on instance A picks up a job queued on instance B (shared Blob Storage, Azurite)', async () => {
    const azurite = await sharedAzurite();
    const container = Azurite.containerName();
    const store = () => new BlobStateStore({ container, connectionString: azurite.connectionString });
    const a = await startBot(store());
    const b = await startBot(store());
    startRelay(a.url, { RELAY_POLL_INTERVAL_MS: '60000', RELAY_LONG_POLL_SECONDS: '50' });
    await polling(a.app);
    await until('B sees the relay', async () => clientOf(b.app).lastHeartbeat(), 30_000, 100);
    for (const operation of ['status', 'sync-health'] as const) {
      const result = await clientOf(b.app).run(operation, { timeoutMs: 15_000 });
      assert.equal(result.outcome, 'done', result.message);
      assert.ok(handedOut(a.lines).includes(result.jobId), 'A handed out the job B queued');
    }
    assert.deepEqual(handedOut(b.lines), [], 'the relay never polled B');
  });

  it('runs jobs through a proxy that closes held requests after 5 s, falling back to short polls', async () => {
    const bot = await startBot(new MemoryStateStore());
    const port = Number(new URL(bot.url).port);
    const proxy = new CuttingProxy({ host: '127.0.0.1', port }, 5000);
    proxies.push(proxy);
    const relay = startRelay(await proxy.start(), { RELAY_LONG_POLL_SECONDS: '25' });
    await polling(bot.app);
    // Inside the first held poll: the job comes on it, before any cut.
    assert.equal((await clientOf(bot.app).run('status', { timeoutMs: 15_000 })).outcome, 'done');
    // Cut after cut, the relay polls on, and after three in a row says once that it polls short.
    await relay.waitFor(/held polls are cut/, 40_000);
    assert.ok(proxy.cuts >= 3, `${proxy.cuts} cuts`);
    for (let i = 0; i < 3; i++) {
      assert.equal((await clientOf(bot.app).run('status', { timeoutMs: 15_000 })).outcome, 'done');
    }
    assert.equal(relay.text.match(/held polls are cut/g)?.length, 1, relay.text.slice(-3000));
    assert.doesNotMatch(relay.text, /poll failed/, 'a cut is not an error');
  });
});
