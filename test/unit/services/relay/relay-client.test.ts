import assert from 'node:assert/strict';
import sinon from 'sinon';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { RelayClient, RelayError } from '../../../../src/services/relay/relay-client';
import type { RelayErrorKind } from '../../../../src/services/relay/relay-client';
import { RelayJobQueue } from '../../../../src/services/relay/job-queue';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { jobResult, pollRequest, schedulerState } from '../../../support/relay-messages';

const RELAY = 'aadc01';

/** Settles `promise` into the RelayError kind it rejected with, or 'resolved'. */
function kindOf(promise: Promise<unknown>): Promise<RelayErrorKind | 'resolved'> {
  return promise.then(
    () => 'resolved' as const,
    (err: unknown) => {
      assert.ok(err instanceof RelayError, String(err));
      return err.kind;
    },
  );
}

describe('RelayClient', () => {
  let clock: sinon.SinonFakeTimers;
  let store: MemoryStateStore;
  let queue: RelayJobQueue;
  let presence: RelayPresence;
  let client: RelayClient;

  beforeEach(() => {
    clock = sinon.useFakeTimers(new Date('2026-11-25T10:00:00Z'));
    store = new MemoryStateStore();
    queue = new RelayJobQueue(store);
    presence = new RelayPresence(60_000, { store, relayIds: [RELAY] });
    client = new RelayClient({ queue, presence, relayId: RELAY, pollIntervalMs: 1000 });
  });

  afterEach(() => sinon.restore());

  /** The relay's side, without HTTP: take the next job and report `outcome`. */
  async function relayRuns(outcome: 'done' | 'failed' | 'refused', message = 'ok') {
    const claimed = await queue.claimNext(RELAY);
    assert.ok(claimed, 'no job was queued');
    return queue.complete(claimed.job.id, jobResult(claimed.job.id, RELAY, { outcome, message }), RELAY);
  }

  it('fails fast as offline, queueing nothing, when the relay never polled or stopped polling', async () => {
    assert.equal(await kindOf(client.run('pause')), 'offline');
    await presence.record(pollRequest(RELAY));
    await clock.tickAsync(61_000);
    const err = await client.run('pause').catch((e: unknown) => e);
    assert.ok(err instanceof RelayError && err.kind === 'offline');
    assert.match(err.message, /has not polled since 2026-11-25 10:00:00 UTC/);
    assert.equal(await queue.claimNext(RELAY), null);
    assert.equal(await store.read('relay/open-jobs'), undefined);
  });

  it('is offline, with the relay’s problem, when the relay says it cannot run PowerShell', async () => {
    await presence.record(pollRequest(RELAY, { ready: false, problem: 'pwsh was not found on PATH' }));
    await assert.rejects(client.run('status'), (err: unknown) => {
      return (
        err instanceof RelayError && err.kind === 'offline' && /pwsh was not found on PATH/.test(err.message)
      );
    });
    assert.equal(await queue.claimNext(RELAY), null);
  });

  it('resolves with the result as soon as this instance records it', async () => {
    await presence.record(pollRequest(RELAY));
    const run = client.run('pause', { requestId: 'req-7' });
    await clock.tickAsync(0);
    const done = await relayRuns('done', 'scheduler paused');
    assert.equal(done.job.requestId, 'req-7');
    const result = await run;
    assert.equal(result.message, 'scheduler paused');
    assert.equal(Date.now(), Date.parse('2026-11-25T10:00:00Z'), 'did not wait for a poll tick');
  });

  it('finds a result another instance recorded by reading the store', async () => {
    await presence.record(pollRequest(RELAY));
    const run = client.run('delta');
    await clock.tickAsync(0);
    const elsewhere = new RelayJobQueue(store);
    const claimed = await elsewhere.claimNext(RELAY);
    assert.ok(claimed);
    await elsewhere.complete(claimed.job.id, jobResult(claimed.job.id, RELAY, { message: 'Success' }), RELAY);
    await clock.tickAsync(1000);
    assert.equal((await run).message, 'Success');
  });

  it('rejects as failed with the relay’s message, and as refused', async () => {
    await presence.record(pollRequest(RELAY));
    const failing = client.run('delta');
    await clock.tickAsync(0);
    await relayRuns(
      'failed',
      'System.InvalidOperationException: Connector: contoso.onmicrosoft.com - AAD is busy.',
    );
    await assert.rejects(failing, (err: unknown) => {
      return (
        err instanceof RelayError &&
        err.kind === 'failed' &&
        /AAD is busy/.test(err.message) &&
        err.result !== null
      );
    });
    const refused = client.run('pause');
    await clock.tickAsync(0);
    await relayRuns('refused', 'the sync server is in staging mode');
    assert.equal(await kindOf(refused), 'refused');
  });

  it('rejects as expired when the relay never picked the job up, and the job is expired', async () => {
    await presence.record(pollRequest(RELAY));
    const run = kindOf(client.run('pause', { timeoutMs: 30_000 }));
    await clock.tickAsync(29_999);
    const pending = await Promise.race([run, Promise.resolve('pending')]);
    assert.equal(pending, 'pending');
    await clock.tickAsync(1);
    assert.equal(await run, 'expired');
    assert.equal(await queue.claimNext(RELAY), null, 'an expired job must not be handed out');
  });

  it('rejects as timeout when the relay started the job but sent no result in time', async () => {
    await presence.record(pollRequest(RELAY));
    const run = client.run('delta', { timeoutMs: 30_000 });
    await clock.tickAsync(0);
    const claimed = await queue.claimNext(RELAY);
    assert.ok(claimed);
    const outcome = kindOf(run);
    await clock.tickAsync(30_000);
    assert.equal(await outcome, 'timeout');
    assert.equal((await queue.get(claimed.job.id))?.state, 'expired');
    await assert.rejects(queue.complete(claimed.job.id, jobResult(claimed.job.id, RELAY), RELAY));
  });

  it('uses the operation’s default time: a delta may take six minutes', async () => {
    await presence.record(pollRequest(RELAY));
    const run = client.run('delta');
    await clock.tickAsync(0);
    const claimed = await queue.claimNext(RELAY);
    assert.equal(Date.parse(claimed!.job.expiresAt) - Date.now(), 360_000);
    await queue.complete(claimed!.job.id, jobResult(claimed!.job.id, RELAY), RELAY);
    await run;
  });

  it('withdraws a queued job when the caller aborts', async () => {
    await presence.record(pollRequest(RELAY));
    const controller = new AbortController();
    const run = kindOf(client.run('pause', { signal: controller.signal }));
    await clock.tickAsync(0);
    controller.abort();
    assert.equal(await run, 'aborted');
    await clock.tickAsync(0);
    assert.equal(await queue.claimNext(RELAY), null, 'a withdrawn job must not be handed out');
  });

  it('reads the scheduler with status() and reports the last heartbeat', async () => {
    await presence.record(pollRequest(RELAY, { version: '0.6.1' }));
    assert.equal((await client.lastHeartbeat())?.poll?.version, '0.6.1');
    const status = client.status();
    await clock.tickAsync(0);
    const claimed = await queue.claimNext(RELAY);
    assert.equal(claimed?.job.operation, 'status');
    await queue.complete(
      claimed.job.id,
      jobResult(claimed.job.id, RELAY, { scheduler: schedulerState({ syncCycleEnabled: false }) }),
      RELAY,
    );
    assert.equal((await status).syncCycleEnabled, false);
  });

  it('syncHealth() gives the facts with the scheduler, and fails when the result carries none', async () => {
    await presence.record(pollRequest(RELAY));
    const facts = {
      passwordHashSync: true,
      lastHeartbeatAt: '2026-11-25T09:45:00.000Z',
      recentErrors: [],
      problems: [{ fact: 'errors' as const, message: 'Get-WinEvent : Access is denied' }],
    };
    const reading = client.syncHealth();
    await clock.tickAsync(0);
    const claimed = await queue.claimNext(RELAY);
    assert.equal(claimed?.job.operation, 'sync-health');
    assert.equal(Date.parse(claimed.job.expiresAt) - Date.parse(claimed.job.issuedAt), 60_000);
    await queue.complete(claimed.job.id, jobResult(claimed.job.id, RELAY, { syncHealth: facts }), RELAY);
    assert.deepEqual(await reading, { relayId: RELAY, scheduler: schedulerState(), facts });

    const bare = client.syncHealth();
    await clock.tickAsync(0);
    const second = await queue.claimNext(RELAY);
    assert.ok(second);
    await queue.complete(second.job.id, jobResult(second.job.id, RELAY), RELAY);
    await assert.rejects(
      bare,
      (err: unknown) =>
        err instanceof RelayError && err.kind === 'failed' && /without its facts/.test(err.message),
    );
  });

  it('fullPasswordSync() queues full-password-sync with five minutes', async () => {
    await presence.record(pollRequest(RELAY));
    const run = client.fullPasswordSync({ requestId: 'incident-3' });
    await clock.tickAsync(0);
    const claimed = await queue.claimNext(RELAY);
    assert.equal(claimed?.job.operation, 'full-password-sync');
    assert.equal(Date.parse(claimed.job.expiresAt) - Date.parse(claimed.job.issuedAt), 300_000);
    await queue.complete(claimed.job.id, jobResult(claimed.job.id, RELAY, { message: 'triggered' }), RELAY);
    assert.equal((await run).message, 'triggered');
  });
});
