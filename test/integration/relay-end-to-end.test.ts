import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import type { AnchorApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { PROJECT_ROOT } from '../../src/paths';
import { DemoDirectory } from '../../src/services/demo-directory';
import { createGraphServices } from '../../src/services/graph-services';
import { MemoryStateStore } from '../../src/services/memory-state-store';
import { RelayError } from '../../src/services/relay-client';
import type { RelayClient } from '../../src/services/relay-client';
import { generateSigningKeyPair } from '../../src/services/request-signing';
import { AdSyncSimState } from '../../src/sim/adsync-host/state';
import { demoGraphSeed } from '../../src/sim/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../src/sim/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph-simulator';
import { createSelfSignedCertificate } from '../../src/sim/self-signed';
import { AnchorProcess, freePort } from '../support/anchor-process';
import { memoryLogger } from '../support/memory-logger';

const STAND_IN_PWSH = path.join(PROJECT_ROOT, 'src/sim/adsync-host/bin/pwsh');
const RELAY_ID = 'aadc01';

/**
 * The whole relay path with nothing faked: the relay as a real child process, polling the real
 * bot (createApp, over HTTP on loopback) and driving the stand-in ADSync host through
 * node-powershell. Jobs go in through the bot's own RelayClient, as the link workflow will send
 * them.
 */
describe('relay end to end: bot ↔ relay process ↔ stand-in ADSync host', function () {
  this.timeout(90_000);
  const botKeys = generateSigningKeyPair();
  const relayKeys = generateSigningKeyPair();
  const { logger } = memoryLogger();
  let dir: string;
  let sim: AdSyncSimState;
  let graph: GraphSimulator;
  let port: number;
  let app: AnchorApp | undefined;
  let relay: AnchorProcess | undefined;
  const relayLog = () => relay?.text ?? '';
  let client: RelayClient;

  async function startBot(): Promise<void> {
    const config = loadConfig({
      PORT: String(port),
      RELAY_KEYS: `${RELAY_ID}=${relayKeys.publicKey}`,
      BOT_SIGNING_KEY: botKeys.privateKey,
    });
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityUrl,
      authorityCaPem: graph.authorityCaPem,
    });
    app = createApp(
      config,
      { directory: new DemoDirectory(demoDirectoryUsers()), store: new MemoryStateStore(), cloud },
      logger,
    );
    await app.start();
    client = app.relayClient!;
  }

  function startRelay(extra: Record<string, string> = {}): void {
    relay = AnchorProcess.start(
      {
        RELAY_ID,
        RELAY_BOT_URL: `http://127.0.0.1:${port}`,
        RELAY_PRIVATE_KEY: relayKeys.privateKey,
        RELAY_BOT_PUBLIC_KEY: botKeys.publicKey,
        RELAY_POLL_INTERVAL_MS: '300',
        RELAY_OPERATION_TIMEOUT_MS: '4000',
        RELAY_BUSY_RETRY_MS: '300',
        RELAY_DELTA_DEADLINE_MS: '15000',
        RELAY_PWSH: STAND_IN_PWSH,
        RELAY_STATE_FILE: path.join(dir, 'relay-state.json'),
        ADSYNC_SIM_STATE: path.join(dir, 'adsync.json'),
        ...extra,
      },
      'src/relay/index.ts',
    );
  }

  async function stopRelay(): Promise<void> {
    const child = relay;
    relay = undefined;
    await child?.stop();
  }

  async function until(
    what: string,
    check: () => boolean | Promise<boolean>,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what} did not happen within ${timeoutMs} ms. Relay log:\n${relayLog().slice(-3000)}`);
  }

  const relayHealth = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return ((await res.json()) as { dependencies: Record<string, Record<string, unknown>> }).dependencies
      .relay;
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-relay-e2e-'));
    sim = new AdSyncSimState(path.join(dir, 'adsync.json'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    port = await freePort();
    await startBot();
    startRelay();
    await until('the first heartbeat', async () => (await relayHealth()).state === 'ok');
  });

  after(async () => {
    await stopRelay();
    await app?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a heartbeat with the version and the scheduler state, seen in /healthz', async () => {
    const health = await relayHealth();
    assert.equal(health.state, 'ok');
    assert.equal(health.relayId, RELAY_ID);
    assert.ok(health.version);
    await until(
      'the scheduler state in the heartbeat',
      async () => (await relayHealth()).syncCycleEnabled === true,
    );
  });

  it('runs status, pause and resume through the bot, and the sync server follows', async () => {
    const started = Date.now();
    const status = await client.run('status');
    assert.equal(status.outcome, 'done');
    assert.equal(status.scheduler.syncCycleEnabled, true);
    assert.ok(Date.now() - started < 5000, `status took ${Date.now() - started} ms`);

    const paused = await client.run('pause', { requestId: 'req-e2e-1' });
    assert.equal(paused.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, false);
    assert.ok(paused.scheduler.pauseLeaseExpiresAt, 'a pause takes a lease');

    const resumed = await client.run('resume', { requestId: 'req-e2e-1' });
    assert.equal(resumed.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, true);
    assert.equal(resumed.scheduler.pauseLeaseExpiresAt, null);
  });

  it('waits out "AAD is busy" and then starts the delta cycle', async () => {
    sim.update((s) => ({ ...s, busyCycles: 2 }));
    const result = await client.run('delta');
    assert.equal(result.outcome, 'done', result.message);
    const deltas = sim.history().filter((h) => h.cmdlet === 'Start-ADSyncSyncCycle');
    assert.ok(deltas.length >= 3, `only ${deltas.length} delta attempts`);
  });

  it('refuses pause and delta on a server in staging mode, with the reason', async () => {
    sim.update((s) => ({ ...s, stagingModeEnabled: true }));
    try {
      for (const op of ['pause', 'delta'] as const) {
        await assert.rejects(client.run(op), (err: unknown) => {
          assert.ok(err instanceof RelayError, String(err));
          assert.equal(err.kind, 'refused');
          assert.match(err.message, /staging/i);
          return true;
        });
      }
      assert.equal(sim.read().syncCycleEnabled, true);
    } finally {
      sim.update((s) => ({ ...s, stagingModeEnabled: false }));
    }
  });

  it('times out a hung cmdlet, disposes the shell and answers the next job from a fresh one', async () => {
    sim.update((s) => ({ ...s, hang: 'Set-ADSyncScheduler' }));
    try {
      await assert.rejects(client.run('pause'), (err: unknown) => {
        assert.ok(err instanceof RelayError, String(err));
        assert.equal(err.kind, 'failed');
        assert.match(err.message, /time|4000|4 s/i);
        return true;
      });
    } finally {
      sim.update((s) => ({ ...s, hang: null }));
    }
    const next = await client.run('resume');
    assert.equal(next.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, true);
  });

  it('resumes the scheduler by itself when the pause lease runs out after the bot died mid-link', async () => {
    await stopRelay();
    startRelay({ RELAY_PAUSE_LEASE_MS: '3000' });
    await until('the restarted relay polls', async () => (await relayHealth()).state === 'ok');
    assert.equal((await client.run('pause', { requestId: 'req-e2e-lease' })).outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, false);

    await app!.stop(); // the bot is gone: nobody will send resume
    app = undefined;
    await until(
      'the relay resumes the scheduler on its own',
      () => sim.read().syncCycleEnabled === true,
      15_000,
    );
    assert.match(relayLog(), /lease/i);

    await startBot(); // the bot comes back and hears about it
    await until('the lease-resumed event reaches the bot', async () =>
      (await app!.relayEvents!.list()).some((e) => e.kind === 'lease-resumed'),
    );
  });

  describe('over HTTPS, with the bot behind a TLS front (as App Service terminates TLS)', () => {
    let front: https.Server;
    let frontUrl: string;
    let caFile: string;

    before(async () => {
      const { key, cert } = await createSelfSignedCertificate();
      caFile = path.join(dir, 'front-ca.pem');
      writeFileSync(caFile, cert);
      front = https.createServer({ key, cert }, (req, res) => {
        const upstream = http.request(
          { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          res.statusCode = 502;
          res.end();
        });
        req.pipe(upstream);
      });
      await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
      frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
      if (!app) await startBot();
      await stopRelay();
    });

    after(async () => {
      await stopRelay();
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
    });

    it('refuses a bot certificate it does not trust, and says so', async () => {
      const lastSeen = (await relayHealth()).lastSeen;
      startRelay({ RELAY_BOT_URL: frontUrl });
      await until('the relay reports the untrusted certificate', () =>
        /does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\); set RELAY_CA_FILE/.test(relayLog()),
      );
      assert.equal((await relayHealth()).lastSeen, lastSeen, 'no poll got through');
      await stopRelay();
    });

    it('polls and runs jobs over HTTPS when RELAY_CA_FILE trusts the bot', async () => {
      startRelay({ RELAY_BOT_URL: frontUrl, RELAY_CA_FILE: caFile });
      await until('a poll over HTTPS', async () => (await relayHealth()).state === 'ok');
      assert.equal((await client.run('status')).outcome, 'done');
    });
  });
});
