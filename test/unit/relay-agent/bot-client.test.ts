import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotClient } from '../../../src/relay-agent/bot-client';
import { BotRefusedError, BotUnreachableError } from '../../../src/relay-agent/signed-http';
import { signJob } from '../../../src/shared/relay-protocol/job-signing';
import type { RelayJob } from '../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
  signatureFromHeaders,
  verifySignature,
} from '../../../src/shared/relay-protocol/request-signing';

const relayKeys = generateSigningKeyPair();
const botKeys = generateSigningKeyPair();
const NOW = Date.parse('2026-11-25T09:00:00Z');

function job(overrides: Partial<RelayJob> = {}): RelayJob {
  return {
    id: 'job-1',
    relayId: 'relay-1',
    operation: 'pause',
    requestId: 'req-9',
    issuedAt: '2026-11-25T08:59:59.000Z',
    expiresAt: '2026-11-25T09:05:00.000Z',
    ...overrides,
  };
}

function client(botUrl = 'http://127.0.0.1:9'): BotClient {
  return new BotClient({
    botUrl,
    relayId: 'relay-1',
    privateKey: privateKeyFrom(relayKeys.privateKey),
    botKeyId: 'anchor-bot',
    botPublicKey: publicKeyFrom(botKeys.publicKey),
    timeoutMs: 2000,
  });
}

const botKey = privateKeyFrom(botKeys.privateKey);
const signed = (j: RelayJob, at = NOW) =>
  JSON.parse(JSON.stringify(signJob(j, 'anchor-bot', botKey, at))) as unknown;

describe('relay bot client: job checks', () => {
  describe('directory job parameters', () => {
    const mapping = { syncScopeOus: ['OU=Staff,DC=x'], sourceAnchor: 'auto' as const };
    const read = (params: unknown) =>
      job({ operation: 'directory-search', requestId: null, params: params as RelayJob['params'] });

    it('accepts typed, bounded parameters', () => {
      const params = { text: 'apes', limit: 25, mapping };
      assert.deepEqual(client().check(signed(read(params)), NOW), { accepted: true, job: read(params) });
    });

    const bad: [string, unknown][] = [
      ['an unknown key', { text: 'apes', limit: 25, mapping, filter: '(objectClass=*)' }],
      ['257 characters', { text: 'x'.repeat(257), limit: 25, mapping }],
      ['a NUL', { text: 'a\u0000b', limit: 25, mapping }],
      ['a limit of 101', { text: 'apes', limit: 101, mapping }],
      ['no mapping', { text: 'apes', limit: 25 }],
      ['no parameters', undefined],
    ];
    for (const [name, params] of bad) {
      it(`refuses ${name}, reporting it as a refused result`, () => {
        const result = client().check(signed(read(params)), NOW);
        assert.ok(!result.accepted);
        assert.match(result.reason, /^the job's parameters are malformed/);
        assert.equal(result.reportAsResult, true);
        assert.equal(result.failure, 'invalid-params');
      });
    }

    it('refuses parameters on a sync-server job', () => {
      const result = client().check(signed(job({ params: { text: 'x', limit: 1, mapping } })), NOW);
      assert.ok(!result.accepted);
      assert.equal(result.reason, 'a pause job takes no parameters');
    });
  });

  it('accepts a job signed by the bot for this relay', () => {
    const result = client().check(signed(job()), NOW);
    assert.deepEqual(result, { accepted: true, job: job() });
  });

  it('refuses a tampered job (operation changed after signing), without reporting it as a result', () => {
    const tampered = signed(job()) as { job: RelayJob };
    tampered.job.operation = 'restart-service';
    const result = client().check(tampered, NOW);
    assert.equal(result.accepted, false);
    assert.ok(!result.accepted);
    assert.match(result.reason, /bad-signature/);
    assert.equal(result.reportAsResult, false);
  });

  it('refuses a job signed with another key or key id', () => {
    const other = generateSigningKeyPair();
    const forged = JSON.parse(
      JSON.stringify(signJob(job(), 'anchor-bot', privateKeyFrom(other.privateKey), NOW)),
    );
    const r1 = client().check(forged, NOW);
    assert.ok(!r1.accepted && /bad-signature/.test(r1.reason));
    const r2 = client().check(JSON.parse(JSON.stringify(signJob(job(), 'evil', botKey, NOW))), NOW);
    assert.ok(!r2.accepted && /unknown-key/.test(r2.reason));
  });

  it('refuses a replayed job and a stale one', () => {
    const c = client();
    const once = signed(job());
    assert.equal(c.check(once, NOW).accepted, true);
    const again = c.check(once, NOW + 1000);
    assert.ok(!again.accepted && /replayed/.test(again.reason));
    const stale = c.check(signed(job({ id: 'job-2' }), NOW - 6 * 60_000), NOW);
    assert.ok(!stale.accepted && /stale/.test(stale.reason));
  });

  it('refuses a job for another relay and does not report a result for it', () => {
    const r = client().check(signed(job({ relayId: 'relay-2' })), NOW);
    assert.ok(!r.accepted);
    assert.match(r.reason, /for relay "relay-2", not this one/);
    assert.equal(r.reportAsResult, false);
  });

  it('refuses an operation outside the allowlist and an expired job, reporting both as results', () => {
    const unknown = client().check(
      signed(job({ operation: 'Invoke-Expression' as RelayJob['operation'] })),
      NOW,
    );
    assert.ok(!unknown.accepted);
    assert.match(unknown.reason, /"Invoke-Expression" is not an allowed operation/);
    assert.equal(unknown.reportAsResult, true);
    assert.equal(unknown.failure, 'operation-not-allowed');
    const expired = client().check(signed(job({ id: 'job-3', expiresAt: '2026-11-25T08:59:00.000Z' })), NOW);
    assert.ok(!expired.accepted && /expired/.test(expired.reason) && expired.reportAsResult);
    assert.equal(expired.failure, 'job-expired');
  });

  it('verifies the job as received, whatever the key order the bot used', () => {
    const j = job();
    const reordered: RelayJob = {
      expiresAt: j.expiresAt,
      operation: j.operation,
      id: j.id,
      relayId: j.relayId,
      issuedAt: j.issuedAt,
      requestId: j.requestId,
    };
    assert.equal(client().check(signed(reordered), NOW).accepted, true);
  });

  it('refuses a malformed job', () => {
    const r = client().check({ job: { id: 'x' } }, NOW);
    assert.ok(!r.accepted && /malformed/.test(r.reason) && !r.reportAsResult);
  });
});

describe('relay bot client: signed requests', () => {
  let server: http.Server;
  let status = 200;
  let answer = '{"job":null}';
  const seen: { path: string; body: string; verified: string }[] = [];
  const nonces = new NonceCache();

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        let verified = 'ok';
        try {
          verifySignature(
            { method: req.method ?? '', path: req.url ?? '', body },
            signatureFromHeaders(req.headers),
            new Map([['relay-1', publicKeyFrom(relayKeys.publicKey)]]),
            nonces,
          );
        } catch (err) {
          verified = String(err);
        }
        seen.push({ path: req.url ?? '', body, verified });
        // restify, loaded by other suites, patches writeHead so it no longer returns the response.
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
    status = 200;
    answer = '{"job":null}';
  });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('signs the poll, the result and the event so the bot can verify each', async () => {
    const c = client(url());
    const heartbeat = {
      relayId: 'relay-1',
      version: '0.1.0',
      ready: true,
      problem: null,
      scheduler: {
        syncCycleEnabled: true,
        stagingModeEnabled: false,
        cycleInProgress: false,
        serviceState: 'Running',
        nextSyncCycleStartTimeInUTC: null,
        pauseLeaseExpiresAt: null,
      },
    };
    assert.deepEqual(await c.poll(heartbeat), { job: null, held: false });
    status = 204;
    answer = '';
    await c.sendResult({
      jobId: 'job/1',
      relayId: 'relay-1',
      outcome: 'done',
      message: 'ok',
      scheduler: heartbeat.scheduler,
      startedAt: 'a',
      finishedAt: 'b',
    });
    await c.sendEvent({ relayId: 'relay-1', kind: 'lease-resumed', at: 'now', message: 'resumed' });
    assert.deepEqual(
      seen.map((s) => [s.path, s.verified]),
      [
        ['/api/relay/poll', 'ok'],
        ['/api/relay/jobs/job%2F1/result', 'ok'],
        ['/api/relay/events', 'ok'],
      ],
    );
    assert.deepEqual(JSON.parse(seen[0].body), heartbeat);
  });

  it('returns the job of a poll answer unchecked, for check()', async () => {
    const s = signed(job());
    answer = JSON.stringify({ job: s });
    assert.deepEqual((await client(url()).poll({} as never)).job, s);
  });

  it('asks for a long poll in the signed body and says whether the bot held it', async () => {
    answer = JSON.stringify({ job: null, held: true });
    assert.deepEqual(await client(url()).poll({ relayId: 'relay-1' } as never, { waitSeconds: 25 }), {
      job: null,
      held: true,
    });
    assert.equal(seen.at(-1)?.verified, 'ok');
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { relayId: 'relay-1', wait: 25 });
    // A short poll says nothing about waiting: exactly the body an older bot knows.
    answer = JSON.stringify({ job: null });
    assert.deepEqual(await client(url()).poll({ relayId: 'relay-1' } as never), { job: null, held: false });
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { relayId: 'relay-1' });
  });

  it('says "refused" for a 401 and "unreachable" for a 5xx, 429 or a closed port', async () => {
    status = 401;
    answer = '{"error":"unauthorized"}';
    await assert.rejects(
      client(url()).poll({} as never),
      (e: unknown) => e instanceof BotRefusedError && e.status === 401,
    );
    status = 503;
    await assert.rejects(client(url()).poll({} as never), BotUnreachableError);
    status = 429;
    await assert.rejects(client(url()).poll({} as never), BotUnreachableError);
    await assert.rejects(client('http://127.0.0.1:9').poll({} as never), /unreachable: ECONNREFUSED/);
  });
});
