import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { statusCardDataOf } from '../../src/bot/views/status';
import type { StatusCardData } from '../../src/bot/views/status';
import { RelayError } from '../../src/services/relay/relay-client';
import type { AdSyncSimState } from '../../src/sim/adsync-host/state';
import { demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import { createSelfSignedCertificate } from '../../src/sim/self-signed';
import { healthReport } from '../support/health';
import { memoryLogger } from '../support/memory-logger';
import { HARNESS_RELAY_ID as RELAY_ID, RelayHarness } from '../support/relay-harness';

/**
 * The whole relay path with nothing faked: the relay as a real child process, polling the real
 * bot (createApp, over HTTP on loopback) and driving the stand-in ADSync host through
 * node-powershell. Jobs go in through the bot's own RelayClient, as the link workflow sends
 * them.
 */
describe('relay end to end: bot ↔ relay process ↔ stand-in ADSync host', function () {
  this.timeout(90_000);
  const { logger } = memoryLogger();
  let dir: string;
  let graph: GraphSimulator;
  let h: RelayHarness;
  let sim: AdSyncSimState;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-relay-e2e-'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    h = await RelayHarness.create({ graph, dir, logger });
    sim = h.adsync;
    await h.startBot();
    h.startRelay();
    await h.until('the first heartbeat', async () => (await h.relayHealth()).state === 'ok');
  });

  after(async () => {
    await h?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a heartbeat with the version and the scheduler state, seen in /healthz', async () => {
    const health = await h.relayHealth();
    assert.equal(health.state, 'ok');
    assert.equal(health.relayId, RELAY_ID);
    assert.ok(health.version);
    await h.until(
      'the scheduler state in the heartbeat',
      async () => (await h.relayHealth()).syncCycleEnabled === true,
    );
  });

  it('puts the scheduler, its next cycle, staging mode and the pause lease of /healthz on the status card', async () => {
    const card = async () => statusCardDataOf(await healthReport(`http://127.0.0.1:${h.port}`), new Date());
    const line = (data: StatusCardData, label: string) => data.syncServer.find((l) => l.label === label);
    await h.until(
      'the next cycle in the heartbeat',
      async () => !!(await h.relayHealth()).nextSyncCycleStartTimeInUTC,
    );
    const before = await card();
    assert.match(
      line(before, 'Sync scheduler')?.value ?? '',
      /^enabled, next cycle \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    assert.equal(line(before, 'Sync scheduler')?.color, 'Good');
    assert.equal(line(before, 'Staging mode')?.value, 'off');
    assert.equal(line(before, 'Pause lease')?.value, 'none: Anchor has not paused the scheduler');

    await h.client.run('pause', { requestId: 'req-status-card' });
    try {
      await h.until('the pause in the heartbeat', async () => !!(await h.relayHealth()).pauseLeaseExpiresAt);
      const paused = await card();
      assert.equal(line(paused, 'Sync scheduler')?.color, 'Attention');
      assert.match(
        line(paused, 'Pause lease')?.value ?? '',
        /^Anchor paused the scheduler until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC at the latest$/,
      );
      assert.equal(line(paused, 'Pause lease')?.color, 'Warning');
    } finally {
      await h.client.run('resume', { requestId: 'req-status-card' });
    }
    assert.equal(sim.read().syncCycleEnabled, true);
  });

  it('runs status, pause and resume through the bot, and the sync server follows', async () => {
    const started = Date.now();
    const status = await h.client.run('status');
    assert.equal(status.outcome, 'done');
    assert.equal(status.scheduler.syncCycleEnabled, true);
    assert.ok(Date.now() - started < 5000, `status took ${Date.now() - started} ms`);

    const paused = await h.client.run('pause', { requestId: 'req-e2e-1' });
    assert.equal(paused.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, false);
    assert.ok(paused.scheduler.pauseLeaseExpiresAt, 'a pause takes a lease');

    const resumed = await h.client.run('resume', { requestId: 'req-e2e-1' });
    assert.equal(resumed.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, true);
    assert.equal(resumed.scheduler.pauseLeaseExpiresAt, null);
  });

  it('waits out "AAD is busy" and then starts the delta cycle', async () => {
    sim.update((s) => ({ ...s, busyCycles: 2 }));
    const result = await h.client.run('delta');
    assert.equal(result.outcome, 'done', result.message);
    const deltas = sim.history().filter((e) => e.cmdlet === 'Start-ADSyncSyncCycle');
    assert.ok(deltas.length >= 3, `only ${deltas.length} delta attempts`);
  });

  it('refuses pause and delta on a server in staging mode, with the reason', async () => {
    sim.update((s) => ({ ...s, stagingModeEnabled: true }));
    try {
      for (const op of ['pause', 'delta'] as const) {
        await assert.rejects(h.client.run(op), (err: unknown) => {
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
      await assert.rejects(h.client.run('pause'), (err: unknown) => {
        assert.ok(err instanceof RelayError, String(err));
        assert.equal(err.kind, 'failed');
        assert.match(err.message, /time|4000|4 s/i);
        return true;
      });
    } finally {
      sim.update((s) => ({ ...s, hang: null }));
    }
    const next = await h.client.run('resume');
    assert.equal(next.outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, true);
  });

  it('resumes the scheduler by itself when the pause lease runs out after the bot died mid-link', async () => {
    await h.stopRelay();
    h.startRelay({ RELAY_PAUSE_LEASE_MS: '3000' });
    await h.until('the restarted relay polls', async () => (await h.relayHealth()).state === 'ok');
    assert.equal((await h.client.run('pause', { requestId: 'req-e2e-lease' })).outcome, 'done');
    assert.equal(sim.read().syncCycleEnabled, false);

    await h.stopBot(); // the bot is gone: nobody will send resume
    await h.until(
      'the relay resumes the scheduler on its own',
      () => sim.read().syncCycleEnabled === true,
      15_000,
    );
    assert.match(h.relayLog, /lease/i);

    await h.startBot(); // the bot comes back and hears about it
    await h.until('the lease-resumed event reaches the bot', async () =>
      (await h.app!.relayEvents!.list()).some((e) => e.kind === 'lease-resumed'),
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
          { host: '127.0.0.1', port: h.port, path: req.url, method: req.method, headers: req.headers },
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
      if (!h.app) await h.startBot();
      await h.stopRelay();
    });

    after(async () => {
      await h.stopRelay();
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
    });

    it('refuses a bot certificate it does not trust, and says so', async () => {
      const lastSeen = (await h.relayHealth()).lastSeen;
      h.startRelay({ RELAY_BOT_URL: frontUrl });
      await h.until('the relay reports the untrusted certificate', () =>
        /does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\); set RELAY_CA_FILE/.test(h.relayLog),
      );
      assert.equal((await h.relayHealth()).lastSeen, lastSeen, 'no poll got through');
      await h.stopRelay();
    });

    it('polls and runs jobs over HTTPS when RELAY_CA_FILE trusts the bot', async () => {
      h.startRelay({ RELAY_BOT_URL: frontUrl, RELAY_CA_FILE: caFile });
      await h.until('a poll over HTTPS', async () => (await h.relayHealth()).state === 'ok');
      assert.equal((await h.client.run('status')).outcome, 'done');
    });
  });
});
