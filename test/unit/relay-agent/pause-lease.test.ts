import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import sinon from 'sinon';
import { PauseLease } from '../../../src/relay-agent/pause-lease';
import { RelayStateFile } from '../../../src/relay-agent/state-file';

const LEASE_MS = 15 * 60_000;
const T0 = Date.parse('2026-11-25T09:00:00Z');

describe('relay pause lease', () => {
  let dir: string;
  let clock: sinon.SinonFakeTimers;
  let state: RelayStateFile;
  let resumes: number;
  let resumeFails: boolean;
  /** Held before the resume runs, as the relay's one-at-a-time queue may hold it behind a job. */
  let queueAhead: Promise<void>;

  function lease(): PauseLease {
    return new PauseLease({
      relayId: 'relay-1',
      leaseMs: LEASE_MS,
      state,
      logger: pino({ level: 'silent' }),
      retryMs: 30_000,
      resume: async (stillOwed) => {
        await queueAhead;
        // Without the question (an older lease) the queue would resume regardless.
        if (stillOwed?.() === false) return;
        resumes++;
        if (resumeFails) throw new Error('the sync scheduler is still paused on relay-1');
      },
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'relay-lease-'));
    state = new RelayStateFile(path.join(dir, 'sub', 'state.json'));
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    resumes = 0;
    resumeFails = false;
    queueAhead = Promise.resolve();
  });
  afterEach(() => {
    clock.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the scheduler by itself when the lease runs out, and queues a lease-resumed event', async () => {
    const l = lease();
    await l.take('job-7');
    assert.equal(l.expiresAt, '2026-11-25T09:15:00.000Z');
    assert.deepEqual((await state.read()).lease, {
      pausedAt: '2026-11-25T09:00:00.000Z',
      expiresAt: '2026-11-25T09:15:00.000Z',
      jobId: 'job-7',
    });
    await clock.tickAsync(LEASE_MS - 1);
    assert.equal(resumes, 0);
    await clock.tickAsync(1);
    await l.idle();
    assert.equal(resumes, 1);
    assert.equal(l.expiresAt, null);
    const stored = await state.read();
    assert.equal(stored.lease, null);
    assert.equal(stored.outbox.length, 1);
    assert.equal(stored.outbox[0].kind, 'lease-resumed');
    assert.equal(stored.outbox[0].relayId, 'relay-1');
    assert.match(
      stored.outbox[0].message,
      /paused at 2026-11-25 09:00:00 UTC \(job job-7\).*the relay resumed it/,
    );
  });

  it('does nothing when Anchor resumes within the lease', async () => {
    const l = lease();
    await l.take('job-1');
    await clock.tickAsync(60_000);
    await l.release();
    await clock.tickAsync(LEASE_MS * 2);
    assert.equal(resumes, 0);
    assert.deepEqual(await state.read(), { lease: null, outbox: [] });
  });

  it('a second pause renews the lease', async () => {
    const l = lease();
    await l.take('job-1');
    await clock.tickAsync(10 * 60_000);
    await l.take('job-2');
    await clock.tickAsync(10 * 60_000);
    assert.equal(resumes, 0);
    await clock.tickAsync(5 * 60_000);
    await l.idle();
    assert.equal(resumes, 1);
  });

  it('keeps trying when the resume fails, and keeps the lease stored meanwhile', async () => {
    resumeFails = true;
    const l = lease();
    await l.take('job-1');
    await clock.tickAsync(LEASE_MS);
    assert.equal(resumes, 1);
    assert.notEqual((await state.read()).lease, null);
    await clock.tickAsync(30_000);
    assert.equal(resumes, 2);
    resumeFails = false;
    await clock.tickAsync(30_000);
    await l.idle();
    assert.equal(resumes, 3);
    assert.equal((await state.read()).lease, null);
    assert.equal((await state.read()).outbox.length, 1);
  });

  it('honours at start-up a lease that ran out while the relay was stopped', async () => {
    const first = lease();
    await first.take('job-1');
    first.stop(); // SIGTERM: the timer goes, the stored lease stays
    await clock.tickAsync(LEASE_MS * 2);
    assert.equal(resumes, 0);
    assert.notEqual((await state.read()).lease, null);
    const second = lease();
    await second.load();
    await clock.tickAsync(0);
    await second.idle();
    assert.equal(resumes, 1);
    assert.equal((await state.read()).outbox[0].kind, 'lease-resumed');
  });

  it('re-arms at start-up a lease that still runs, for the time left', async () => {
    writeFileSync(
      path.join(dir, 'state.json'),
      JSON.stringify({
        lease: { pausedAt: '2026-11-25T08:55:00.000Z', expiresAt: '2026-11-25T09:10:00.000Z', jobId: null },
        outbox: [],
      }),
    );
    state = new RelayStateFile(path.join(dir, 'state.json'));
    const l = lease();
    await l.load();
    assert.equal(l.expiresAt, '2026-11-25T09:10:00.000Z');
    await clock.tickAsync(10 * 60_000 - 1);
    assert.equal(resumes, 0);
    await clock.tickAsync(1);
    await l.idle();
    assert.equal(resumes, 1);
  });

  it('owes a resume that did not take: keeps the lease, retries every interval until one takes, then reports it', async () => {
    resumeFails = true;
    const l = lease();
    await l.take('job-pause');
    await clock.tickAsync(60_000);
    await l.owe('job-resume');
    const owed = (await state.read()).lease;
    assert.deepEqual(owed, {
      pausedAt: '2026-11-25T09:00:00.000Z',
      expiresAt: '2026-11-25T09:01:00.000Z',
      jobId: 'job-pause',
      resumeOwedSince: '2026-11-25T09:01:00.000Z',
    });
    assert.equal(l.expiresAt, '2026-11-25T09:01:00.000Z', 'the heartbeat shows a lease that ran out');
    await clock.tickAsync(30_000 - 1);
    assert.equal(resumes, 0, 'the failed resume just tried: the next try waits one interval');
    await clock.tickAsync(1);
    assert.equal(resumes, 1);
    await clock.tickAsync(30_000);
    assert.equal(resumes, 2);
    assert.notEqual((await state.read()).lease, null, 'kept while the resume does not take');
    resumeFails = false;
    await clock.tickAsync(30_000);
    await l.idle();
    assert.equal(resumes, 3);
    assert.equal(l.expiresAt, null);
    const stored = await state.read();
    assert.equal(stored.lease, null);
    assert.equal(stored.outbox.length, 1);
    assert.equal(stored.outbox[0].kind, 'lease-resumed');
    assert.match(
      stored.outbox[0].message,
      /stayed paused after a resume at 2026-11-25 09:01:00 UTC did not take \(job job-pause\); the relay resumed it by itself after 3 attempts/,
    );
    await clock.tickAsync(LEASE_MS * 2);
    assert.equal(resumes, 3, 'nothing more once it took');
  });

  it('owes a resume even when it held no lease (a resume that did not take after a pause it never held)', async () => {
    const l = lease();
    await l.owe('job-resume');
    assert.equal((await state.read()).lease?.resumeOwedSince, '2026-11-25T09:00:00.000Z');
    await clock.tickAsync(30_000);
    await l.idle();
    assert.equal(resumes, 1);
    assert.equal((await state.read()).lease, null);
  });

  it('honours an owed resume at once at start-up', async () => {
    resumeFails = true;
    const first = lease();
    await first.owe('job-resume');
    first.stop();
    resumeFails = false;
    const second = lease();
    await second.load();
    await clock.tickAsync(0);
    await second.idle();
    assert.equal(resumes, 1);
    assert.equal((await state.read()).lease, null);
  });

  it('does not undo a pause that came in while its own resume waited in the queue', async () => {
    const l = lease();
    await l.take('job-1');
    let letGo!: () => void;
    queueAhead = new Promise((r) => (letGo = r));
    await clock.tickAsync(LEASE_MS); // the lease runs out; its resume waits behind a job
    await l.take('job-2'); // that job was a new pause
    letGo();
    await clock.tickAsync(0);
    await l.idle();
    assert.equal(resumes, 0, 'the new pause stands');
    assert.equal((await state.read()).lease?.jobId, 'job-2');
    assert.equal((await state.read()).outbox.length, 0);
  });
});
