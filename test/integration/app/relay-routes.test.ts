import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app/create-app';
import type { AnchorApp } from '../../../src/app/create-app';
import { loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { verifyJob } from '../../../src/shared/relay-protocol/job-signing';
import { DemoDirectory } from '../../../src/sim/demo/demo-directory';
import { createGraphServices } from '../../../src/services/entra/graph-services';
import { MemoryStateStore } from '../../../src/services/state/memory-state-store';
import { RelayError } from '../../../src/services/relay/relay-client';
import { RELAY_PATHS } from '../../../src/shared/relay-protocol/messages';
import type { PollResponse } from '../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  SIGNATURE_WINDOW_MS,
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
} from '../../../src/shared/relay-protocol/request-signing';
import { demoGraphSeed } from '../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../src/sim/graph/graph-simulator';
import { message } from '../../support/activities';
import { freePort } from '../../support/anchor-process';
import { TEST_HEALTH_TOKEN, fetchHealth } from '../../support/health';
import { memoryLogger } from '../../support/memory-logger';
import {
  jobResult,
  pollRequest,
  relayEvent,
  schedulerState,
  signedRequest,
} from '../../support/relay-messages';
import type { SignedRelayRequest } from '../../support/relay-messages';

/**
 * The relay API over real HTTP on loopback. Demo mode always opens Agents Playgrounds and
 * production mode needs a domain controller, so the app is composed in-process here, exactly as
 * startDemo composes it (the Graph simulator, the demo directory, a memory store), without the
 * Playgrounds.
 */
describe('relay API (real HTTP on loopback)', function () {
  this.timeout(60_000);
  const bot = generateSigningKeyPair();
  const relayA = generateSigningKeyPair();
  const relayB = generateSigningKeyPair();
  const A = privateKeyFrom(relayA.privateKey);
  const B = privateKeyFrom(relayB.privateKey);
  const botKeys = new Map([['anchor-bot', publicKeyFrom(bot.publicKey)]]);
  const { logger, lines } = memoryLogger();
  let graph: GraphSimulator;
  let app: AnchorApp;
  let base: string;

  before(async () => {
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    const graphUrl = await graph.start(0);
    const config = loadConfig(
      {
        PORT: String(await freePort()),
        RELAY_KEYS: `aadc01=${relayA.publicKey},aadc02=${relayB.publicKey}`,
        BOT_SIGNING_KEY: bot.privateKey,
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
    app = createApp(config, { directory, store: new MemoryStateStore(), cloud }, logger);
    base = `http://127.0.0.1:${await app.start()}`;
  });

  after(async () => {
    await app?.stop();
    await graph?.stop();
  });

  const send = (req: SignedRelayRequest, to = base) =>
    fetch(`${to}${req.path}`, {
      method: req.method,
      headers: { 'content-type': 'application/json', ...req.headers },
      body: req.body,
    });
  const poll = (relayId = 'aadc01', key = A, overrides = {}) =>
    send(signedRequest(RELAY_PATHS.poll, pollRequest(relayId, overrides), relayId, key));
  const relayHealth = async () => {
    const body = (await (await fetchHealth(base)).json()) as {
      dependencies: Record<string, Record<string, unknown>>;
    };
    return body.dependencies.relay;
  };

  async function assert401(res: Response): Promise<void> {
    assert.equal(res.status, 401);
    const body = (await res.json()) as Record<string, string>;
    assert.equal(body.message, 'The request is not signed by a known relay.');
    assert.match(body.correlationId, /\S/);
    const log = lines().find((l) => l.correlationId === body.correlationId);
    assert.equal(
      log?.msg,
      'relay request refused: signature',
      'the reason is logged under the correlation id',
    );
  }

  describe('before any valid poll', () => {
    it('refuses a tampered body, a stale timestamp and an unsigned request with 401; no heartbeat', async () => {
      const signed = signedRequest(RELAY_PATHS.poll, pollRequest('aadc01'), 'aadc01', A);
      await assert401(await send({ ...signed, body: signed.body.replace('"ready":true', '"ready":false') }));
      const stale = Date.now() - SIGNATURE_WINDOW_MS - 60_000;
      await assert401(await send(signedRequest(RELAY_PATHS.poll, pollRequest('aadc01'), 'aadc01', A, stale)));
      // Not even parsed: an unsigned request with a broken body is 401, not 400.
      await assert401(
        await send({ method: 'POST', path: RELAY_PATHS.poll, body: '{"relayId":', headers: {} }),
      );
      const health = await relayHealth();
      assert.equal(health.state, 'unknown');
      assert.equal(health.detail, 'the relay has not polled yet');
    });
  });

  describe('with a polling relay', () => {
    before(async () => {
      assert.equal((await poll()).status, 200);
    });

    it('shows the heartbeat in /healthz with what the relay reported', async () => {
      const res = await poll('aadc01', A, {
        version: '0.6.4',
        scheduler: schedulerState({ syncCycleEnabled: true, stagingModeEnabled: false }),
      });
      assert.deepEqual(await res.json(), { job: null });
      const health = await relayHealth();
      assert.equal(health.state, 'ok');
      assert.equal(health.version, '0.6.4');
      assert.equal(health.syncCycleEnabled, true);
      assert.equal(health.staging, false);
      assert.ok(Date.now() - Date.parse(String(health.lastSeen)) < 10_000);
    });

    it('reports the relay down with its problem when it says it is not ready', async () => {
      await poll('aadc01', A, { ready: false, problem: 'pwsh: command not found' });
      const health = await relayHealth();
      assert.equal(health.state, 'down');
      assert.match(String(health.detail), /pwsh: command not found/);
      await assert.rejects(
        app.relayClient!.run('status'),
        (e: unknown) => e instanceof RelayError && e.kind === 'offline',
      );
      await poll();
    });

    it('refuses a replayed poll with 401 and hands it no job', async () => {
      const signed = signedRequest(RELAY_PATHS.poll, pollRequest('aadc01'), 'aadc01', A);
      assert.equal((await send(signed)).status, 200);
      const record = await app.relayJobs!.enqueue('aadc01', 'status', { timeoutMs: 60_000 });
      await assert401(await send(signed));
      assert.equal((await app.relayJobs!.get(record.job.id))?.state, 'queued');
      await app.relayJobs!.withdraw(record.job.id);
    });

    it('hands a queued job to the relay signed by the bot, and its result completes run()', async () => {
      const run = app.relayClient!.run('pause', { requestId: 'req-42' });
      let job: PollResponse['job'] = null;
      for (let i = 0; i < 50 && !job; i++) {
        ({ job } = (await (await poll()).json()) as PollResponse);
        if (!job) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(job, 'the poll got no job');
      verifyJob(job, botKeys, new NonceCache());
      assert.equal(job.job.operation, 'pause');
      assert.equal(job.job.requestId, 'req-42');
      assert.equal(job.job.relayId, 'aadc01');

      const path = RELAY_PATHS.result(job.job.id);
      const result = jobResult(job.job.id, 'aadc01', {
        message: 'scheduler paused',
        scheduler: schedulerState({ syncCycleEnabled: false }),
      });
      const res = await send(signedRequest(path, result, 'aadc01', A));
      assert.equal(res.status, 204);
      const done = await run;
      assert.equal(done.message, 'scheduler paused');
      assert.equal(done.scheduler.syncCycleEnabled, false);
      assert.equal((await app.relayJobs!.get(job.job.id))?.state, 'done');
    });

    it('refuses a result for another relay’s job with 403 and for an unknown job with 404', async () => {
      const record = await app.relayJobs!.enqueue('aadc02', 'delta', { timeoutMs: 60_000 });
      const { job } = (await (await poll('aadc02', B)).json()) as PollResponse;
      assert.equal(job?.job.id, record.job.id);
      const path = RELAY_PATHS.result(record.job.id);
      const forged = await send(signedRequest(path, jobResult(record.job.id, 'aadc01'), 'aadc01', A));
      assert.equal(forged.status, 403);
      assert.equal((await app.relayJobs!.get(record.job.id))?.state, 'running');
      const noSuchJob = randomUUID();
      const unknown = RELAY_PATHS.result(noSuchJob);
      const missing = await send(signedRequest(unknown, jobResult(noSuchJob, 'aadc01'), 'aadc01', A));
      assert.equal(missing.status, 404);
    });

    it('keeps a lease-resumed event', async () => {
      const res = await send(signedRequest(RELAY_PATHS.events, relayEvent('aadc01'), 'aadc01', A));
      assert.equal(res.status, 204);
      const events = await app.relayEvents!.list();
      assert.equal(events.at(-1)?.kind, 'lease-resumed');
      assert.ok(lines().some((l) => l.msg === 'relay event: lease-resumed' && l.level === 'warn'));
    });
  });

  it('answers 503 on every relay route and says so in /healthz when no relay is configured', async () => {
    const config = loadConfig(
      { PORT: String(await freePort()), HEALTH_TOKEN: TEST_HEALTH_TOKEN },
      DEMO_DEFAULTS,
    );
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityUrl,
      authorityCaPem: graph.authorityCaPem,
    });
    const directory = new DemoDirectory(demoDirectoryUsers(), config.sourceAnchor);
    const bare = createApp(config, { directory, store: new MemoryStateStore(), cloud }, logger);
    const bareBase = `http://127.0.0.1:${await bare.start()}`;
    try {
      assert.equal(bare.relayClient, null);
      for (const path of [RELAY_PATHS.poll, RELAY_PATHS.result('x'), RELAY_PATHS.events]) {
        const res = await send(signedRequest(path, pollRequest('aadc01'), 'aadc01', A), bareBase);
        assert.equal(res.status, 503);
        assert.equal(((await res.json()) as { message: string }).message, 'no relay is configured');
      }
      const health = (await (await fetchHealth(bareBase)).json()) as {
        dependencies: Record<string, { state: string; detail: string }>;
      };
      assert.deepEqual(
        [health.dependencies.relay.state, health.dependencies.relay.detail],
        ['unknown', 'no relay is configured (RELAY_KEYS is not set)'],
      );
    } finally {
      await bare.stop();
    }
  });

  it('still parses Bot Framework activities on /api/messages (the body parser is per route now)', async () => {
    const replies: unknown[] = [];
    const connector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        replies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"1"}');
      });
    });
    await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
    try {
      const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...message(
            { aadObjectId: DEMO_TENANT.requester.aadObjectId, tenantId: DEMO_TENANT.tenantId },
            'help',
          ),
          id: 'activity-1',
          serviceUrl,
          recipient: { id: 'bot' },
        }),
      });
      assert.ok(res.status < 300, `status ${res.status}`);
      assert.ok(replies.length >= 1, 'the bot answered nothing');
    } finally {
      await new Promise((r) => connector.close(r));
    }
  });
});
