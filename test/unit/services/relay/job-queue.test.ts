import { isDirectoryOperation } from '../../../../src/shared/relay-protocol/directory-jobs';
import assert from 'node:assert/strict';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { JobResultRefusedError, RelayJobQueue } from '../../../../src/services/relay/job-queue';
import type { RelayJobRecord } from '../../../../src/services/relay/job-queue';
import { ETagConflictError } from '../../../../src/services/state/state-store';
import { jobResult } from '../../../support/relay-messages';

const T0 = new Date('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A memory store that counts lost races, to show a race really happened. */
class CountingStore extends MemoryStateStore {
  conflicts = 0;
  override async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    try {
      return await super.write(key, value, expectedETag);
    } catch (err) {
      if (err instanceof ETagConflictError) this.conflicts++;
      throw err;
    }
  }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof JobResultRefusedError, String(err));
    return err.reason;
  }
  return 'accepted';
}

describe('RelayJobQueue', () => {
  let store: CountingStore;
  let queue: RelayJobQueue;

  beforeEach(() => {
    store = new CountingStore();
    queue = new RelayJobQueue(store);
  });

  it('queues a job with its expiry and hands it to its relay once, oldest first', async () => {
    const first = await queue.enqueue('aadc01', 'pause', { requestId: 'req-1', timeoutMs: 90_000 }, T0);
    const second = await queue.enqueue('aadc01', 'delta', { timeoutMs: 90_000 }, at(1));
    assert.equal(first.state, 'queued');
    assert.equal(first.job.expiresAt, '2026-11-25T10:01:30.000Z');
    assert.equal(first.job.requestId, 'req-1');
    assert.equal(second.job.requestId, null);

    const claimed = await queue.claimNext('aadc01', { now: at(2) });
    assert.equal(claimed?.job.id, first.job.id);
    assert.equal(claimed?.state, 'running');
    assert.equal(claimed?.claimedAt, at(2).toISOString());
    assert.equal((await queue.claimNext('aadc01', { now: at(3) }))?.job.id, second.job.id);
    assert.equal(await queue.claimNext('aadc01', { now: at(4) }), null);
    assert.equal((await queue.get(first.job.id))?.state, 'running');
  });

  it('hands a busy relay only directory reads, leaving an older sync-server job queued', async () => {
    const resume = await queue.enqueue('aadc01', 'resume', { timeoutMs: 90_000 }, T0);
    const read = await queue.enqueue('aadc01', 'directory-ping', { timeoutMs: 15_000, params: {} }, at(1));
    assert.equal(
      (await queue.claimNext('aadc01', { now: at(2), accepts: isDirectoryOperation }))?.job.id,
      read.job.id,
    );
    assert.equal(await queue.claimNext('aadc01', { now: at(3), accepts: isDirectoryOperation }), null);
    assert.equal((await queue.get(resume.job.id))?.state, 'queued');
    assert.equal((await queue.claimNext('aadc01', { now: at(4) }))?.job.id, resume.job.id);
  });

  it('never hands a job to another relay', async () => {
    await queue.enqueue('aadc01', 'status', { timeoutMs: 60_000 }, T0);
    assert.equal(await queue.claimNext('aadc02', { now: at(1) }), null);
    assert.notEqual(await queue.claimNext('aadc01', { now: at(1) }), null);
  });

  it('gives a job to exactly one of two concurrent polls; the loser re-reads and finds nothing', async () => {
    await queue.enqueue('aadc01', 'pause', { timeoutMs: 90_000 }, T0);
    const other = new RelayJobQueue(store); // a second instance on the same store
    const claims = await Promise.all([
      queue.claimNext('aadc01', { now: at(1) }),
      other.claimNext('aadc01', { now: at(1) }),
    ]);
    assert.equal(claims.filter((c) => c !== null).length, 1);
    assert.ok(store.conflicts >= 1, 'the two claims did not race');
  });

  it('gives each of two queued jobs to one of two concurrent polls', async () => {
    const a = await queue.enqueue('aadc01', 'pause', { timeoutMs: 90_000 }, T0);
    const b = await queue.enqueue('aadc01', 'status', { timeoutMs: 90_000 }, T0);
    const claims = await Promise.all([
      queue.claimNext('aadc01', { now: at(1) }),
      queue.claimNext('aadc01', { now: at(1) }),
    ]);
    assert.deepEqual(claims.map((c) => c?.job.id).sort(), [a.job.id, b.job.id].sort());
  });

  it('records a result of the running job: done, failed, and refused as failed', async () => {
    const outcomes = ['done', 'failed', 'refused'] as const;
    const states: string[] = [];
    for (const outcome of outcomes) {
      const { job } = await queue.enqueue('aadc01', 'delta', { timeoutMs: 90_000 }, T0);
      await queue.claimNext('aadc01', { now: at(1) });
      const done = await queue.complete(
        job.id,
        jobResult(job.id, 'aadc01', { outcome, message: outcome }),
        'aadc01',
        at(2),
      );
      states.push(done.state);
      assert.equal(done.result?.message, outcome);
      assert.equal(done.finishedAt, at(2).toISOString());
      assert.deepEqual(await queue.get(job.id), done);
    }
    assert.deepEqual(states, ['done', 'failed', 'failed']);
  });

  it('refuses a result for an unknown job, a queued job, a finished job and another relay', async () => {
    assert.equal(await refusal(queue.complete('nope', jobResult('nope', 'aadc01'), 'aadc01')), 'unknown-job');
    const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 90_000 }, T0);
    assert.equal(await refusal(queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc01')), 'not-running');
    await queue.claimNext('aadc01', { now: at(1) });
    assert.equal(await refusal(queue.complete(job.id, jobResult(job.id, 'aadc02'), 'aadc02')), 'other-relay');
    // The body may not claim to be the owner when the signer is someone else.
    assert.equal(await refusal(queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc02')), 'other-relay');
    assert.equal((await queue.get(job.id))?.state, 'running');
    await queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc01');
    assert.equal(await refusal(queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc01')), 'not-running');
  });

  it('expires queued and running jobs past their time, leaves the others, and hands out no expired job', async () => {
    const running = await queue.enqueue('aadc01', 'pause', { timeoutMs: 1000 }, T0);
    const waiting = await queue.enqueue('aadc01', 'status', { timeoutMs: 1000 }, T0);
    const later = await queue.enqueue('aadc01', 'delta', { timeoutMs: 60_000 }, T0);
    assert.equal((await queue.claimNext('aadc01', { now: at(10) }))?.job.id, running.job.id);

    const expired = await queue.expire(at(1000));
    assert.deepEqual(expired.map((r) => r.job.id).sort(), [running.job.id, waiting.job.id].sort());
    assert.equal((await queue.get(running.job.id))?.claimedAt, at(10).toISOString(), 'started, then expired');
    assert.equal((await queue.get(waiting.job.id))?.claimedAt, null, 'expired in the queue, never claimed');
    assert.equal((await queue.get(waiting.job.id))?.state, 'expired');
    assert.equal((await queue.get(later.job.id))?.state, 'queued');
    assert.equal((await queue.claimNext('aadc01', { now: at(1001) }))?.job.id, later.job.id);
    assert.equal(
      await refusal(queue.complete(running.job.id, jobResult(running.job.id, 'aadc01'), 'aadc01')),
      'not-running',
    );
  });

  it('expires a queued job at claim time instead of handing it out', async () => {
    const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 1000 }, T0);
    assert.equal(await queue.claimNext('aadc01', { now: at(5000) }), null);
    assert.equal((await queue.get(job.id))?.state, 'expired');
  });

  it('lets exactly one of a result and an expiry racing on a running job win', async () => {
    const { job } = await queue.enqueue('aadc01', 'pause', { timeoutMs: 1000 }, T0);
    await queue.claimNext('aadc01', { now: at(1) });
    const [completed, expired] = await Promise.allSettled([
      queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc01', at(1000)),
      queue.expireIfDue(job.id, at(1000)),
    ]);
    const final = await queue.get(job.id);
    if (final?.state === 'done') {
      assert.equal(expired.status === 'fulfilled' ? expired.value : 'threw', undefined);
    } else {
      assert.equal(final?.state, 'expired');
      assert.equal(completed.status, 'rejected');
    }
  });

  it('withdraws a queued job but leaves a running one alone', async () => {
    const a = await queue.enqueue('aadc01', 'pause', { timeoutMs: 60_000 }, T0);
    const b = await queue.enqueue('aadc01', 'delta', { timeoutMs: 60_000 }, T0);
    await queue.claimNext('aadc01', { now: at(1) }); // a is running
    assert.equal(await queue.withdraw(a.job.id), undefined);
    assert.equal((await queue.withdraw(b.job.id))?.state, 'expired');
    assert.equal(await queue.claimNext('aadc01', { now: at(2) }), null);
  });

  it('tells a listener in this instance when a job becomes final', async () => {
    const { job } = await queue.enqueue('aadc01', 'status', { timeoutMs: 60_000 }, T0);
    const seen: RelayJobRecord[] = [];
    const unsubscribe = queue.onFinal(job.id, (r) => seen.push(r));
    await queue.claimNext('aadc01', { now: at(1) });
    assert.equal(seen.length, 0);
    await queue.complete(job.id, jobResult(job.id, 'aadc01'), 'aadc01', at(2));
    assert.deepEqual(
      seen.map((r) => r.state),
      ['done'],
    );
    unsubscribe();
  });
  it('tells who listens for a relay when this instance queues a job for it, once the job can be claimed', async () => {
    const heard: string[] = [];
    const stop = queue.onQueued('relay-1', () => {
      void queue.claimNext('relay-1').then((r) => heard.push(r?.job.operation ?? 'nothing'));
    });
    await queue.enqueue('relay-2', 'status', { timeoutMs: 60_000 });
    await queue.enqueue('relay-1', 'pause', { timeoutMs: 60_000 });
    stop();
    await queue.enqueue('relay-1', 'resume', { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(heard, ['pause']);
  });

  it('puts a claimed job back in the queue for the next poll, only as that claim', async () => {
    const { job } = await queue.enqueue('relay-1', 'pause', { timeoutMs: 60_000 }, T0);
    const claimed = await queue.claimNext('relay-1', { now: at(1000) });
    assert.equal(await queue.unclaim(job.id, 'another claim'), undefined);
    assert.equal((await queue.unclaim(job.id, claimed?.claimedAt ?? ''))?.state, 'queued');
    const again = await queue.claimNext('relay-1', { now: at(2000) });
    assert.equal(again?.job.id, job.id);
    await queue.complete(job.id, jobResult(job.id, 'relay-1'));
    assert.equal(
      await queue.unclaim(job.id, again?.claimedAt ?? ''),
      undefined,
      'a finished job stays finished',
    );
  });
});
