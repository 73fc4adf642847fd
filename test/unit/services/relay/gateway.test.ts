import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { verifyJob } from '../../../../src/shared/relay-protocol/job-signing';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import type { StateStore } from '../../../../src/services/state/state-store';
import { RelayEventLog } from '../../../../src/services/relay/event-log';
import { RelayGateway } from '../../../../src/services/relay/gateway';
import type { RelayHttpReply } from '../../../../src/services/relay/gateway';
import { RelayJobQueue } from '../../../../src/services/relay/job-queue';
import { NonceLedger } from '../../../../src/services/relay/nonce-ledger';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { MAX_POLL_WAIT_SECONDS, RELAY_PATHS } from '../../../../src/shared/relay-protocol/messages';
import type { PollResponse } from '../../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  SIGNATURE_WINDOW_MS,
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
} from '../../../../src/shared/relay-protocol/request-signing';
import { HOSTILE_VALUES } from '../../../support/hostile-values';
import { memoryLogger } from '../../../support/memory-logger';
import { RecordingStore } from '../../../support/recording-store';
import { jobResult, pollRequest, relayEvent, signedRequest } from '../../../support/relay-messages';
import type { SignedRelayRequest } from '../../../support/relay-messages';

const bot = generateSigningKeyPair();
const relayA = generateSigningKeyPair();
const relayB = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
const A = privateKeyFrom(relayA.privateKey);
const B = privateKeyFrom(relayB.privateKey);

function setup(store: StateStore = new MemoryStateStore(), recheckMs?: number) {
  const { logger, lines } = memoryLogger();
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
    nonces: new NonceLedger(store),
    recheckMs,
  });
  let n = 0;
  const http = (req: SignedRelayRequest) => ({ ...req, correlationId: `corr-${++n}` });
  const poll = (req: SignedRelayRequest, signal?: AbortSignal) => gateway.poll({ ...http(req), signal });
  const result = (req: SignedRelayRequest, jobId: string) => gateway.result(http(req), jobId);
  const event = (req: SignedRelayRequest) => gateway.event(http(req));
  return { store, queue, presence, events, lines, gateway, poll, result, event };
}

const pollBy = (relayId: string, key = A, now?: number) =>
  signedRequest(RELAY_PATHS.poll, pollRequest(relayId), relayId, key, now);

/** What a value becomes in a URL path: its text, or its JSON when it is not a string. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A path segment as a relay would send it, even for text encodeURIComponent refuses (a lone surrogate). */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

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
      const otherId = jobResult(randomUUID(), 'aadc01');
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
    const noSuchJob = randomUUID();
    const unknown = RELAY_PATHS.result(noSuchJob);
    const missing = await result(
      signedRequest(unknown, jobResult(noSuchJob, 'aadc01'), 'aadc01', A),
      noSuchJob,
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

  describe('hostile input: a clean 4xx with a generic body, nothing read or stored', () => {
    /** The three routes, each with `value` where the request names a job id, a relay id or a field. */
    const routes = (jobId: string) => ({
      'poll relayId': (v: unknown) => ({
        path: RELAY_PATHS.poll,
        jobId,
        body: { ...pollRequest('aadc01'), relayId: v },
      }),
      'poll ready': (v: unknown) => ({
        path: RELAY_PATHS.poll,
        jobId,
        body: { ...pollRequest('aadc01'), ready: v },
      }),
      'result path job id': (v: unknown) => ({
        path: `/api/relay/jobs/${pathSegment(asText(v))}/result`,
        jobId: asText(v),
        body: jobResult(asText(v), 'aadc01'),
      }),
      'result body job id': (v: unknown) => ({
        path: RELAY_PATHS.result(jobId),
        jobId,
        body: { ...jobResult(jobId, 'aadc01'), jobId: v },
      }),
      'result outcome': (v: unknown) => ({
        path: RELAY_PATHS.result(jobId),
        jobId,
        body: { ...jobResult(jobId, 'aadc01'), outcome: v },
      }),
      'result startedAt': (v: unknown) => ({
        path: RELAY_PATHS.result(jobId),
        jobId,
        body: { ...jobResult(jobId, 'aadc01'), startedAt: v },
      }),
      'event kind': (v: unknown) => ({
        path: RELAY_PATHS.events,
        jobId,
        body: { ...relayEvent('aadc01'), kind: v },
      }),
      'event at': (v: unknown) => ({
        path: RELAY_PATHS.events,
        jobId,
        body: { ...relayEvent('aadc01'), at: v },
      }),
      'whole body': (v: unknown) => ({ path: RELAY_PATHS.events, jobId, body: v }),
    });

    for (const name of Object.keys(routes(''))) {
      it(`${name}: every hostile value, unsigned and signed`, async () => {
        const store = new RecordingStore();
        const { gateway, queue } = setup(store);
        const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
        await queue.claimNext('aadc01');
        const mark = store.mark();
        for (const hostile of HOSTILE_VALUES) {
          if (name === 'poll ready' && typeof hostile.value === 'boolean') continue;
          const r = routes(job.id)[name as keyof ReturnType<typeof routes>](hostile.value);
          const signed = signedRequest(r.path, r.body, 'aadc01', A);
          for (const req of [{ ...signed, headers: {} }, signed]) {
            const http = { ...req, correlationId: 'c' };
            const answer =
              r.path === RELAY_PATHS.poll
                ? await gateway.poll(http)
                : r.path === RELAY_PATHS.events
                  ? await gateway.event(http)
                  : await gateway.result(http, r.jobId);
            const what = `${name} = ${hostile.name} (${req.headers === signed.headers ? 'signed' : 'unsigned'})`;
            assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status}`);
            const body = answer.body as Record<string, string>;
            assert.deepEqual(Object.keys(body).sort(), ['code', 'correlationId', 'message'], what);
            assert.ok(body.message.length < 120, `${what}: ${body.message}`);
            assert.doesNotMatch(body.message, /Invalid|expected|received|zod|\bat \S+:\d+/i, what);
          }
        }
        assert.deepEqual(store.since(mark), [], 'nothing was read or stored, no nonce taken');
        assert.equal((await queue.get(job.id))?.state, 'running');
      });
    }

    it('refuses a version or service state that is no word (empty, 10 kB, hidden characters, not a string)', async () => {
      const store = new RecordingStore();
      const { poll } = setup(store);
      const words = new Set(['__proto__', 'constructor']);
      for (const { name, value } of HOSTILE_VALUES.filter((v) => !words.has(v.value as string))) {
        const scheduler = { ...pollRequest('aadc01').scheduler, serviceState: value };
        for (const body of [
          { ...pollRequest('aadc01'), version: value },
          { ...pollRequest('aadc01'), scheduler },
        ]) {
          const answer = await poll(signedRequest(RELAY_PATHS.poll, body, 'aadc01', A));
          assert.equal(answer.status, name === 'null' && body.scheduler === scheduler ? 200 : 400, name);
        }
      }
      assert.deepEqual(
        store.since(0, 'write').filter((c) => c.key.startsWith('relay/presence')).length,
        1,
        'only the null service state was recorded',
      );
    });

    it('a signed request refused for its shape takes no nonce: the fixed request is accepted after it', async () => {
      const { poll } = setup();
      const bad = pollBy('aadc01');
      const good = { ...bad };
      const badBody = signedRequest(
        RELAY_PATHS.poll,
        { ...pollRequest('aadc01'), ready: 'yes' },
        'aadc01',
        A,
      );
      assert.equal((await poll(badBody)).status, 400);
      assert.equal((await poll(badBody)).status, 400, 'the same malformed request again: 400, not a replay');
      assert.equal((await poll(good)).status, 200);
    });
  });

  describe('nonces in the shared store', () => {
    it('refuses a request replayed to a second gateway (another instance) on the same store', async () => {
      const store = new MemoryStateStore();
      const first = setup(store);
      const second = setup(store);
      const request = pollBy('aadc01');
      assert.equal((await first.poll(request)).status, 200);
      const { job } = await first.queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      assertGeneric401(await second.poll(request));
      assert.equal((await second.queue.get(job.id))?.state, 'queued', 'the replay took no job');
      const log = second.lines().find((l) => l.msg === 'relay request refused: signature');
      assert.equal(log?.reason, 'replayed');
      assert.equal((await second.poll(pollBy('aadc01'))).status, 200, 'a fresh request is accepted');
    });

    it('accepts exactly one of the same request sent to two gateways at once', async () => {
      const store = new MemoryStateStore();
      const [a, b] = [setup(store), setup(store)];
      for (let i = 0; i < 10; i++) {
        const request = pollBy('aadc01');
        const answers = await Promise.all([a.poll(request), b.poll(request)]);
        assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401]);
      }
    });
  });
  describe('long polling: a poll with wait is held until a job is queued or the wait runs out', () => {
    const longPoll = (wait: number) =>
      signedRequest(RELAY_PATHS.poll, pollRequest('aadc01', { wait }), 'aadc01', A);
    const jobOf = (reply: RelayHttpReply) => (reply.body as PollResponse).job?.job.id;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('answers the moment this instance queues a job for the relay', async () => {
      const { poll, queue, gateway } = setup();
      const started = Date.now();
      const answer = poll(longPoll(10));
      await sleep(200);
      assert.equal(gateway.heldPolls, 1);
      await queue.enqueue('aadc02', 'status', { timeoutMs: 60_000 }); // another relay's job: no answer
      const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      const reply = await answer;
      assert.equal(jobOf(reply), job.id);
      assert.equal((reply.body as PollResponse).held, true);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
      assert.equal((await queue.get(job.id))?.state, 'running');
      assert.equal(gateway.heldPolls, 0);
    });

    it('answers empty, and says it held the poll, when the wait runs out', async () => {
      const { poll } = setup();
      const started = Date.now();
      const reply = await poll(longPoll(1));
      assert.deepEqual(reply.body, { job: null, held: true });
      assert.ok(Date.now() - started >= 990, `${Date.now() - started} ms`);
    });

    it('hands out a job already queued without holding', async () => {
      const { poll, queue } = setup();
      const { job } = await queue.enqueue('aadc01', 'status', { timeoutMs: 60_000 });
      const started = Date.now();
      assert.equal(jobOf(await poll(longPoll(10))), job.id);
      assert.ok(Date.now() - started < 500);
    });

    it('finds a job another instance queued in the shared store at the next re-check', async () => {
      const store = new MemoryStateStore();
      const { poll } = setup(store, 200);
      const elsewhere = new RelayJobQueue(store); // another instance: no notice reaches this one
      const answer = poll(longPoll(10));
      await sleep(300);
      const queuedAt = Date.now();
      const { job } = await elsewhere.enqueue('aadc01', 'delta', { timeoutMs: 60_000 });
      assert.equal(jobOf(await answer), job.id);
      assert.ok(Date.now() - queuedAt < 450, `${Date.now() - queuedAt} ms`);
    });

    it('keeps the relay seen while the poll is held', async () => {
      const { poll, presence } = setup(new MemoryStateStore(), 100);
      const answer = poll(longPoll(1));
      await sleep(50);
      const first = (await presence.lastHeartbeat('aadc01'))?.at ?? '';
      await answer;
      const last = (await presence.lastHeartbeat('aadc01'))?.at ?? '';
      assert.ok(Date.parse(last) - Date.parse(first) >= 800, `${first} → ${last}`);
    });

    it('lets every held poll go when the bot closes, and holds none after', async () => {
      const { poll, gateway } = setup();
      const answers = [poll(longPoll(30)), poll(longPoll(30))];
      await sleep(100);
      const started = Date.now();
      gateway.close();
      for (const reply of await Promise.all(answers)) assert.deepEqual(reply.body, { job: null });
      assert.ok(Date.now() - started < 200);
      assert.deepEqual((await poll(longPoll(30))).body, { job: null });
    });

    it('stops holding when the relay is gone, and leaves later jobs queued for its next poll', async () => {
      const { poll, queue, gateway } = setup();
      const gone = new AbortController();
      const answer = poll(longPoll(30), gone.signal);
      await sleep(100);
      gone.abort();
      await answer;
      assert.equal(gateway.heldPolls, 0);
      const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      await sleep(50);
      assert.equal((await queue.get(job.id))?.state, 'queued');
    });

    it("lets a relay's held poll go when the same relay polls again (the first one's connection is dead)", async () => {
      const { poll, queue } = setup();
      const first = poll(longPoll(30));
      await sleep(100);
      const second = poll(longPoll(30));
      assert.deepEqual((await first).body, { job: null });
      const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 });
      assert.equal(jobOf(await second), job.id);
    });

    it('answers a poll without wait (a short poll, or an older relay) at once, not saying it held', async () => {
      const { poll } = setup();
      assert.deepEqual((await poll(pollBy('aadc01'))).body, { job: null });
    });

    it(`refuses a wait over ${MAX_POLL_WAIT_SECONDS} s or not whole seconds with 400`, async () => {
      const { poll } = setup();
      for (const wait of [MAX_POLL_WAIT_SECONDS + 1, 1.5, -1]) {
        assert.equal((await poll(longPoll(wait))).status, 400, String(wait));
      }
    });
  });
});
