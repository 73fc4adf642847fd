import assert from 'node:assert/strict';
import { verifyJob } from '../../../../src/shared/relay-protocol/job-signing';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { RelayEventLog } from '../../../../src/services/relay/event-log';
import { RelayGateway } from '../../../../src/services/relay/gateway';
import type { RelayHttpReply } from '../../../../src/services/relay/gateway';
import { RelayJobQueue } from '../../../../src/services/relay/job-queue';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { RELAY_PATHS } from '../../../../src/shared/relay-protocol/messages';
import type { PollResponse } from '../../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  SIGNATURE_WINDOW_MS,
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
} from '../../../../src/shared/relay-protocol/request-signing';
import { memoryLogger } from '../../../support/memory-logger';
import { jobResult, pollRequest, relayEvent, signedRequest } from '../../../support/relay-messages';
import type { SignedRelayRequest } from '../../../support/relay-messages';

const bot = generateSigningKeyPair();
const relayA = generateSigningKeyPair();
const relayB = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
const A = privateKeyFrom(relayA.privateKey);
const B = privateKeyFrom(relayB.privateKey);

function setup() {
  const { logger, lines } = memoryLogger();
  const store = new MemoryStateStore();
  const queue = new RelayJobQueue(store);
  const presence = new RelayPresence(60_000, { store, relayIds: ['aadc01', 'aadc02'] });
  const events = new RelayEventLog(store);
  const gateway = new RelayGateway({
    settings: {
      publicKeys: new Map([
        ['aadc01', publicKeyFrom(relayA.publicKey)],
        ['aadc02', publicKeyFrom(relayB.publicKey)],
      ]),
      primaryRelayId: 'aadc01',
      botSigningKey: privateKeyFrom(bot.privateKey),
      botKeyId: 'anchor-bot',
    },
    queue,
    presence,
    events,
    logger,
  });
  let n = 0;
  const http = (req: SignedRelayRequest) => ({ ...req, correlationId: `corr-${++n}` });
  const poll = (req: SignedRelayRequest) => gateway.poll(http(req));
  const result = (req: SignedRelayRequest, jobId: string) => gateway.result(http(req), jobId);
  const event = (req: SignedRelayRequest) => gateway.event(http(req));
  return { store, queue, presence, events, lines, poll, result, event };
}

const pollBy = (relayId: string, key = A, now?: number) =>
  signedRequest(RELAY_PATHS.poll, pollRequest(relayId), relayId, key, now);

/** The body of a refusal, checked to say nothing about why. */
function assertGeneric401(reply: RelayHttpReply): void {
  assert.equal(reply.status, 401);
  const body = reply.body as Record<string, string>;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'correlationId', 'message']);
  assert.equal(body.message, 'The request is not signed by a known relay.');
}

describe('RelayGateway', () => {
  describe('refuses a request whose signature does not hold with 401, changing nothing', () => {
    const cases: [string, (r: SignedRelayRequest) => SignedRelayRequest, string][] = [
      ['a tampered body', (r) => ({ ...r, body: r.body.replace('0.6.0', '0.6.1') }), 'bad-signature'],
      ['a signature for another path', (r) => ({ ...r, path: RELAY_PATHS.events }), 'bad-signature'],
      [
        'a signature by another key',
        (r) => ({
          ...r,
          headers: signedRequest(r.path, r.body, 'aadc01', privateKeyFrom(stranger.privateKey)).headers,
        }),
        'bad-signature',
      ],
      ['no signature', (r) => ({ ...r, headers: {} }), 'malformed'],
      [
        'an unknown relay id',
        (r) => ({
          ...r,
          headers: signedRequest(r.path, r.body, 'aadc99', privateKeyFrom(stranger.privateKey)).headers,
        }),
        'unknown-key',
      ],
      [
        'a stale timestamp',
        (r) => signedRequest(r.path, r.body, 'aadc01', A, Date.now() - SIGNATURE_WINDOW_MS - 1000),
        'stale',
      ],
    ];
    for (const [name, spoil, reason] of cases) {
      it(name, async () => {
        const { poll, presence, queue, lines } = setup();
        const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
        const spoiled = spoil(pollBy('aadc01'));
        const reply = await poll(spoiled);
        assertGeneric401(reply);
        assert.doesNotMatch(JSON.stringify(reply.body), new RegExp(reason));
        assert.equal(await presence.lastHeartbeat('aadc01'), null, 'no heartbeat recorded');
        assert.equal((await queue.get(job.id))?.state, 'queued', 'no job handed out');
        const log = lines().find((l) => l.msg === 'relay request refused: signature');
        assert.equal(log?.reason, reason);
        assert.equal(log?.relayId, spoiled.headers['x-anchor-key-id']);
        assert.equal(log?.correlationId, (reply.body as { correlationId: string }).correlationId);
      });
    }

    it('a replayed request', async () => {
      const { poll, queue } = setup();
      const request = pollBy('aadc01');
      assert.equal((await poll(request)).status, 200);
      await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      assertGeneric401(await poll(request));
      assert.notEqual(await queue.claimNext('aadc01'), null, 'the replay took no job');
    });

    it('a forged result or event', async () => {
      const { result, event, queue, events } = setup();
      const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      await queue.claimNext('aadc01');
      const forgedKey = privateKeyFrom(stranger.privateKey);
      const path = RELAY_PATHS.result(job.id);
      assertGeneric401(
        await result(signedRequest(path, jobResult(job.id, 'aadc01'), 'aadc01', forgedKey), job.id),
      );
      assert.equal((await queue.get(job.id))?.state, 'running');
      assertGeneric401(
        await event(signedRequest(RELAY_PATHS.events, relayEvent('aadc01'), 'aadc01', forgedKey)),
      );
      assert.deepEqual(await events.list(), []);
    });
  });

  describe('refuses a signed body of the wrong shape with 400, changing nothing', () => {
    const bodies: [string, unknown][] = [
      ['not JSON', '{"relayId":'],
      ['a missing scheduler', { ...pollRequest('aadc01'), scheduler: undefined }],
      ['ready as a string', { ...pollRequest('aadc01'), ready: 'yes' }],
      ['an array', [pollRequest('aadc01')]],
    ];
    for (const [name, body] of bodies) {
      it(name, async () => {
        const { poll, presence } = setup();
        const reply = await poll(signedRequest(RELAY_PATHS.poll, body, 'aadc01', A));
        assert.equal(reply.status, 400);
        assert.equal(await presence.lastHeartbeat('aadc01'), null);
      });
    }

    it('a result of an unknown outcome, a result for another job id, an event of an unknown kind', async () => {
      const { result, event, queue } = setup();
      const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      await queue.claimNext('aadc01');
      const path = RELAY_PATHS.result(job.id);
      const bad = { ...jobResult(job.id, 'aadc01'), outcome: 'maybe' };
      assert.equal((await result(signedRequest(path, bad, 'aadc01', A), job.id)).status, 400);
      const otherId = jobResult('another-job', 'aadc01');
      assert.equal((await result(signedRequest(path, otherId, 'aadc01', A), job.id)).status, 400);
      assert.equal((await queue.get(job.id))?.state, 'running');
      const kind = { ...relayEvent('aadc01'), kind: 'reboot' };
      assert.equal((await event(signedRequest(RELAY_PATHS.events, kind, 'aadc01', A))).status, 400);
    });
  });

  it('answers a poll with the next job, signed by the bot, and records the heartbeat', async () => {
    const { poll, queue, presence } = setup();
    const empty = await poll(pollBy('aadc01'));
    assert.deepEqual(empty, { status: 200, body: { job: null } });
    const queued = await queue.enqueue('aadc01', 'delta', { requestId: 'req-1', timeoutMs: 60_000 });
    const reply = await poll(pollBy('aadc01'));
    const { job } = reply.body as PollResponse;
    assert.ok(job);
    assert.deepEqual(job.job, queued.job);
    assert.equal(job.keyId, 'anchor-bot');
    verifyJob(job, new Map([['anchor-bot', publicKeyFrom(bot.publicKey)]]), new NonceCache());
    assert.equal((await queue.get(queued.job.id))?.state, 'running');
    assert.equal((await presence.lastHeartbeat('aadc01'))?.poll?.version, '0.6.0');
  });

  it('refuses a relay speaking for another relay with 403', async () => {
    const { poll, presence } = setup();
    const reply = await poll(signedRequest(RELAY_PATHS.poll, pollRequest('aadc02'), 'aadc01', A));
    assert.equal(reply.status, 403);
    assert.equal(await presence.lastHeartbeat('aadc02'), null);
  });

  it('records a result (204), refuses another relay’s job (403), an unknown job (404), a finished one (409)', async () => {
    const { result, queue } = setup();
    const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
    await queue.claimNext('aadc01');
    const path = RELAY_PATHS.result(job.id);
    const fromB = await result(signedRequest(path, jobResult(job.id, 'aadc02'), 'aadc02', B), job.id);
    assert.equal(fromB.status, 403);
    assert.equal((await queue.get(job.id))?.state, 'running');
    assert.deepEqual(await result(signedRequest(path, jobResult(job.id, 'aadc01'), 'aadc01', A), job.id), {
      status: 204,
    });
    assert.equal((await queue.get(job.id))?.state, 'done');
    const again = await result(signedRequest(path, jobResult(job.id, 'aadc01'), 'aadc01', A), job.id);
    assert.equal(again.status, 409);
    const unknown = RELAY_PATHS.result('no-such-job');
    const missing = await result(
      signedRequest(unknown, jobResult('no-such-job', 'aadc01'), 'aadc01', A),
      'no-such-job',
    );
    assert.equal(missing.status, 404);
  });

  it('keeps a lease-resumed event and logs it at warn', async () => {
    const { event, events, lines } = setup();
    const reply = await event(signedRequest(RELAY_PATHS.events, relayEvent('aadc01'), 'aadc01', A));
    assert.deepEqual(reply, { status: 204 });
    const kept = await events.list();
    assert.equal(kept.length, 1);
    assert.equal(kept[0].kind, 'lease-resumed');
    assert.equal(kept[0].relayId, 'aadc01');
    const log = lines().find((l) => l.msg === 'relay event: lease-resumed');
    assert.equal(log?.level, 'warn');
  });
});
