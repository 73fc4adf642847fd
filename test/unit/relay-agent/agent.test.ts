import assert from 'node:assert/strict';
import pino from 'pino';
import sinon from 'sinon';
import { RelayAgent } from '../../../src/relay-agent/agent';
import type { AgentBotClient, AgentLease, RelayAgentOptions } from '../../../src/relay-agent/agent';
import type { AcceptedJob, PollAnswer, PollOptions, RefusedJob } from '../../../src/relay-agent/bot-client';
import { EventOutbox } from '../../../src/relay-agent/event-outbox';
import type { OperationOutcome } from '../../../src/relay-agent/operations';
import { SerialQueue } from '../../../src/shared/serial-queue';
import { isDirectoryOperation } from '../../../src/shared/relay-protocol/directory-jobs';
import { BotRefusedError, BotUnreachableError } from '../../../src/relay-agent/signed-http';
import type { RelayStateData, RelayStateStore } from '../../../src/relay-agent/state-file';
import type { SyncServerState } from '../../../src/relay-agent/sync-server-state';
import type {
  JobResult,
  PollRequest,
  RelayEvent,
  RelayJob,
  RelayOperation,
} from '../../../src/shared/relay-protocol/messages';

const STATE: SyncServerState = {
  syncCycleEnabled: true,
  stagingModeEnabled: false,
  cycleInProgress: false,
  serviceState: 'Running',
  nextSyncCycleStartTimeInUTC: null,
};

function job(id: string, operation: RelayOperation = 'status'): RelayJob {
  return {
    id,
    relayId: 'relay-1',
    operation,
    requestId: null,
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

/** The relay's state in memory, so fake time alone drives the loop (no real file I/O). */
class MemoryState implements RelayStateStore {
  private data: RelayStateData = { lease: null, outbox: [] };
  async read(): Promise<RelayStateData> {
    return structuredClone(this.data);
  }
  async update(change: (data: RelayStateData) => void): Promise<RelayStateData> {
    const next = structuredClone(this.data);
    change(next);
    this.data = next;
    return structuredClone(next);
  }
}

/**
 * A bot as the agent sees it: a queue of poll answers, reachable or not. A long poll (one with a
 * wait) is held as a bot that holds polls would: until a job is in the queue or its wait ran out.
 */
class FakeBot implements AgentBotClient {
  reachable = true;
  /** False: an older bot, which answers every poll at once and never says it held one. */
  holds = true;
  /** When set, a held poll fails this long after it was sent (a proxy that cuts silent requests). */
  cutAfterMs: number | null = null;
  polls: { at: number; request: PollRequest; wait: number }[] = [];
  results: JobResult[] = [];
  events: RelayEvent[] = [];
  queue: (AcceptedJob | RefusedJob)[] = [];
  refuseResults = 0;

  async poll(request: PollRequest, options: PollOptions = {}): Promise<PollAnswer> {
    if (!this.reachable)
      throw new BotUnreachableError('the bot at http://127.0.0.1:1 is unreachable: ECONNREFUSED');
    const wait = options.waitSeconds ?? 0;
    this.polls.push({ at: Date.now(), request, wait });
    if (wait === 0 || !this.holds) return { job: this.take(request), held: false };
    const deadline = Date.now() + wait * 1000;
    const cutAt = this.cutAfterMs === null ? Infinity : Date.now() + this.cutAfterMs;
    while (!this.hasFor(request) && Date.now() < deadline) {
      if (Date.now() >= cutAt)
        throw new BotUnreachableError('the bot at http://x is unreachable: ECONNRESET');
      if (options.signal?.aborted) throw new BotUnreachableError('aborted');
      await new Promise((r) => setTimeout(r, 10));
    }
    if (options.signal?.aborted) throw new BotUnreachableError('aborted');
    return { job: this.take(request), held: true };
  }
  /** As the bot does: a busy relay (running a sync-server job) is handed directory reads only. */
  private suits(request: PollRequest, entry: AcceptedJob | RefusedJob): boolean {
    return !request.busy || (entry.accepted && isDirectoryOperation(entry.job.operation));
  }
  private hasFor(request: PollRequest): boolean {
    return this.queue.some((entry) => this.suits(request, entry));
  }
  private take(request: PollRequest): AcceptedJob | RefusedJob | null {
    const at = this.queue.findIndex((entry) => this.suits(request, entry));
    return at < 0 ? null : this.queue.splice(at, 1)[0];
  }
  check(received: unknown): AcceptedJob | RefusedJob {
    return received as AcceptedJob | RefusedJob;
  }
  async sendResult(result: JobResult): Promise<void> {
    if (!this.reachable) throw new BotUnreachableError('unreachable');
    if (this.refuseResults > 0) {
      this.refuseResults--;
      throw new BotRefusedError(404, 'unknown job');
    }
    this.results.push(result);
  }
  async sendEvent(event: RelayEvent): Promise<void> {
    if (!this.reachable) throw new BotUnreachableError('unreachable');
    this.events.push(event);
  }
}

describe('relay agent loop', () => {
  let clock: sinon.SinonFakeTimers;
  let bot: FakeBot;
  let ran: RelayOperation[];
  let running: number;
  let maxRunning: number;
  let leaseTaken: (string | null)[];
  let leaseReleased: number;
  let leaseOwed: (string | null)[];
  /** What an operation gives instead of the default `done` (the scheduler paused after a pause only). */
  type GivenOutcome = Omit<OperationOutcome, 'state'> & { state?: Partial<SyncServerState> };
  let outcomes: Partial<Record<RelayOperation, GivenOutcome[]>>;
  let agent: RelayAgent;
  /** What `agent` was made with, for a test that wants one more setting. */
  let agentOptions: RelayAgentOptions;

  const lease: AgentLease = {
    get expiresAt() {
      return leaseTaken.length > leaseReleased ? '2026-11-25T09:15:00.000Z' : null;
    },
    take: async (jobId) => void leaseTaken.push(jobId),
    release: async () => void leaseReleased++,
    owe: async (jobId) => void leaseOwed.push(jobId),
  };

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: Date.parse('2026-11-25T09:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
    });
    bot = new FakeBot();
    ran = [];
    running = 0;
    maxRunning = 0;
    leaseTaken = [];
    leaseReleased = 0;
    leaseOwed = [];
    outcomes = {};
    agentOptions = {
      relayId: 'relay-1',
      version: '9.9.9',
      pollIntervalMs: 1000,
      maxBackoffMs: 60_000,
      client: bot,
      runner: { start: async () => {}, ready: true, problem: null },
      operations: {
        run: async (operation): Promise<OperationOutcome> => {
          ran.push(operation);
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 500));
          running--;
          const given = outcomes[operation]?.shift();
          if (given) return { ...given, state: { ...STATE, ...given.state } };
          return {
            outcome: 'done',
            message: `${operation} ok`,
            state: { ...STATE, syncCycleEnabled: operation !== 'pause' },
            changeSent: operation !== 'status',
          };
        },
        stateOrUnknown: async () => STATE,
      },
      lease,
      outbox: new EventOutbox(new MemoryState()),
      serial: new SerialQueue(),
      logger: pino({ level: 'silent' }),
      random: () => 0.5,
    };
    agent = new RelayAgent(agentOptions);
  });
  afterEach(async () => {
    const stopped = agent.stop();
    await clock.runAllAsync();
    await stopped;
    clock.restore();
  });

  /** Advances fake time in small steps (everything the agent awaits is in memory here). */
  async function advance(ms: number, step = 100): Promise<void> {
    for (let t = 0; t < ms; t += step) await clock.tickAsync(step);
  }

  it('polls every interval with the heartbeat (version, readiness, scheduler, lease)', async () => {
    agent.start();
    await advance(3050);
    assert.ok(bot.polls.length >= 3 && bot.polls.length <= 5, `${bot.polls.length} polls`);
    const gaps = bot.polls.slice(1).map((p, i) => p.at - bot.polls[i].at);
    assert.ok(
      gaps.every((g) => g >= 1000 && g <= 1200),
      `gaps ${gaps.join(',')}`,
    );
    // The state is read in the background, so it shows from the second heartbeat on.
    assert.deepEqual(bot.polls[bot.polls.length - 1].request, {
      relayId: 'relay-1',
      version: '9.9.9',
      ready: true,
      problem: null,
      directory: null,
      scheduler: { ...STATE, pauseLeaseExpiresAt: null },
    });
  });

  it('keeps polling while a status read hangs (the heartbeat is never held up by PowerShell)', async () => {
    const agentWithHang = new RelayAgent({
      relayId: 'relay-1',
      version: '9.9.9',
      pollIntervalMs: 1000,
      client: bot,
      runner: { start: async () => {}, ready: true, problem: null },
      operations: { run: async () => assert.fail('no job'), stateOrUnknown: () => new Promise(() => {}) },
      lease,
      outbox: new EventOutbox(new MemoryState()),
      serial: new SerialQueue(),
      logger: pino({ level: 'silent' }),
    });
    agentWithHang.start();
    await advance(5050);
    assert.ok(bot.polls.length >= 5, `${bot.polls.length} polls`);
    assert.equal(bot.polls[bot.polls.length - 1].request.scheduler.syncCycleEnabled, null);
    void agentWithHang.stop(); // its hung read never ends; the loop itself stops
  });

  it('runs jobs one at a time, reports each, and takes and releases the pause lease', async () => {
    bot.queue.push(
      { accepted: true, job: job('j1', 'pause') },
      { accepted: true, job: job('j2', 'status') },
      { accepted: true, job: job('j3', 'resume') },
    );
    agent.start();
    await advance(3000);
    assert.deepEqual(ran, ['pause', 'status', 'resume']);
    assert.equal(maxRunning, 1);
    assert.deepEqual(
      bot.results.map((r) => [r.jobId, r.outcome, r.message]),
      [
        ['j1', 'done', 'pause ok'],
        ['j2', 'done', 'status ok'],
        ['j3', 'done', 'resume ok'],
      ],
    );
    assert.equal(bot.results[0].scheduler.pauseLeaseExpiresAt, '2026-11-25T09:15:00.000Z');
    assert.equal(bot.results[0].scheduler.syncCycleEnabled, false);
    assert.deepEqual(leaseTaken, ['j1']);
    assert.equal(leaseReleased, 1);
    assert.equal(bot.results[2].scheduler.pauseLeaseExpiresAt, null);
  });

  it('holds no lease for a pause that did not take, was refused or never sent; holds one when it may have', async () => {
    const cases: [string, OperationOutcome['outcome'], boolean, boolean | null, boolean][] = [
      // job, outcome, changeSent, syncCycleEnabled read back, lease taken
      ['not-taken', 'failed', true, true, false],
      ['refused', 'refused', false, true, false],
      ['never-sent', 'failed', false, null, false],
      ['unreadable', 'failed', true, null, true],
      ['paused-but-failed', 'failed', true, false, true],
    ];
    for (const [id, outcome, changeSent, syncCycleEnabled] of cases) {
      bot.queue.push({ accepted: true, job: job(id, 'pause') });
      (outcomes.pause ??= []).push({ outcome, message: id, changeSent, state: { syncCycleEnabled } });
    }
    agent.start();
    await advance(5000);
    assert.equal(bot.results.length, cases.length);
    assert.deepEqual(
      leaseTaken,
      cases.filter((c) => c[4]).map((c) => c[0]),
    );
  });

  it('releases the lease only for a resume read back as enabled; otherwise keeps it and owes the resume', async () => {
    bot.queue.push({ accepted: true, job: job('p1', 'pause') }, { accepted: true, job: job('r1', 'resume') });
    outcomes.resume = [
      {
        outcome: 'failed',
        message: 'the sync scheduler is still paused on relay-1',
        changeSent: true,
        state: { syncCycleEnabled: false },
      },
    ];
    agent.start();
    await advance(3000);
    assert.deepEqual(leaseTaken, ['p1']);
    assert.equal(leaseReleased, 0);
    assert.deepEqual(leaseOwed, ['r1']);
    const result = bot.results.find((r) => r.jobId === 'r1')!;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.scheduler.syncCycleEnabled, false);
    assert.equal(result.scheduler.pauseLeaseExpiresAt, '2026-11-25T09:15:00.000Z', 'the lease is kept');
    assert.equal(
      bot.polls.at(-1)!.request.scheduler.syncCycleEnabled,
      false,
      'the heartbeat tells the truth',
    );

    // A resume reported done whose state is not enabled is not trusted either.
    outcomes.resume = [
      { outcome: 'done', message: 'resumed', changeSent: true, state: { syncCycleEnabled: null } },
    ];
    bot.queue.push({ accepted: true, job: job('r2', 'resume') });
    await advance(2000);
    assert.equal(leaseReleased, 0);
    assert.deepEqual(leaseOwed, ['r1', 'r2']);
  });

  it('picks up a job queued between polls within 2 s', async () => {
    agent.start();
    await advance(1500);
    const queuedAt = Date.now();
    bot.queue.push({ accepted: true, job: job('late', 'delta') });
    await advance(2000);
    assert.equal(bot.results.length, 1);
    assert.ok(Date.parse(bot.results[0].startedAt) - queuedAt <= 2000);
  });

  it('refuses a job that failed its checks: logs, reports an event, and a result only when allowed', async () => {
    bot.queue.push(
      {
        accepted: false,
        jobId: 'x1',
        operation: 'format-c',
        reason: '"format-c" is not an allowed operation',
        reportAsResult: true,
        failure: 'operation-not-allowed',
      },
      {
        accepted: false,
        jobId: 'x2',
        operation: 'pause',
        reason: 'the job is for relay "relay-2", not this one',
        reportAsResult: false,
      },
    );
    agent.start();
    await advance(2500);
    assert.deepEqual(ran, []);
    assert.deepEqual(
      bot.results.map((r) => [r.jobId, r.outcome, r.message, r.reason]),
      [['x1', 'refused', '"format-c" is not an allowed operation', 'operation-not-allowed']],
    );
    assert.deepEqual(
      bot.events.map((e) => [e.kind, e.message]),
      [
        ['refused-job', 'job x1 (format-c) refused: "format-c" is not an allowed operation'],
        ['refused-job', 'job x2 (pause) refused: the job is for relay "relay-2", not this one'],
      ],
    );
  });

  it('backs off exponentially with jitter while the bot is unreachable, then recovers', async () => {
    bot.reachable = false;
    const attempts: number[] = [];
    const poll = bot.poll.bind(bot);
    bot.poll = async (req) => {
      attempts.push(Date.now());
      return poll(req);
    };
    agent.start();
    await advance(70_000, 500);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    // random() = 0.5: each wait is 3/4 of min(60 s, 1 s × 2^failures).
    assert.deepEqual(
      gaps.slice(0, 5),
      [1500, 3000, 6000, 12_000, 24_000].map((g) => roundUp(g, 500)),
    );
    bot.reachable = true;
    await advance(60_000, 500);
    const since = bot.polls.length;
    await advance(3000);
    assert.ok(bot.polls.length - since >= 2, 'back to the normal interval after recovery');
  });

  it('keeps a result it could not send and sends it before the next poll', async () => {
    bot.queue.push({ accepted: true, job: job('j1', 'status') });
    agent.start();
    await advance(100);
    bot.reachable = false; // the bot goes away while the job runs
    await advance(1000);
    assert.equal(bot.results.length, 0);
    bot.reachable = true;
    await advance(5000);
    assert.deepEqual(
      bot.results.map((r) => r.jobId),
      ['j1'],
    );
    assert.deepEqual(ran, ['status']);
  });

  it('does not run a job twice when the bot delivers it again; it resends the result', async () => {
    const again = job('j1', 'delta');
    bot.queue.push({ accepted: true, job: again }, { accepted: true, job: again });
    agent.start();
    await advance(2000);
    assert.deepEqual(ran, ['delta']);
    assert.deepEqual(
      bot.results.map((r) => r.jobId),
      ['j1', 'j1'],
    );
  });

  it('drops a result the bot refuses for good (e.g. 404) instead of blocking on it', async () => {
    bot.refuseResults = 1;
    bot.queue.push(
      { accepted: true, job: job('gone', 'status') },
      { accepted: true, job: job('next', 'status') },
    );
    agent.start();
    await advance(3000);
    assert.deepEqual(
      bot.results.map((r) => r.jobId),
      ['next'],
    );
  });
  describe('directory reads', () => {
    /** A directory whose reads end only when the test releases them, counting how many run at once. */
    function heldDirectory() {
      const held: (() => void)[] = [];
      const state = { running: 0, maxRunning: 0, started: 0 };
      const directory = {
        describe: () => 'ldaps://dc1, base DC=corp',
        run: async () => {
          state.started++;
          state.running++;
          state.maxRunning = Math.max(state.maxRunning, state.running);
          await new Promise<void>((release) => held.push(release));
          state.running--;
          return { outcome: 'done' as const, message: '1 user found', directory: { users: [], more: 0 } };
        },
      };
      return { directory, held, state };
    }

    it('runs a read at once beside a sync-server job that is still running, and reports it first', async () => {
      const { directory, held, state } = heldDirectory();
      agent = new RelayAgent({ ...agentOptions, directory });
      bot.queue.push(
        { accepted: true, job: job('delta', 'delta') },
        { accepted: true, job: job('read', 'directory-search') },
      );
      agent.start();
      await advance(200, 10);
      assert.equal(running, 1, 'the delta runs');
      assert.equal(state.started, 1, 'the read started while the delta ran');
      held.shift()!();
      await advance(100, 10);
      assert.deepEqual(
        bot.results.map((r) => r.jobId),
        ['read'],
        'the read is reported while the delta still runs',
      );
      await advance(1000);
      assert.deepEqual(
        bot.results.map((r) => r.jobId),
        ['read', 'delta'],
      );
      assert.deepEqual(ran, ['delta'], 'a read never goes through PowerShell');
    });

    it('runs at most four reads at once; the fifth starts when one ends', async () => {
      const { directory, held, state } = heldDirectory();
      agent = new RelayAgent({ ...agentOptions, directory });
      for (let i = 1; i <= 6; i++) bot.queue.push({ accepted: true, job: job(`r${i}`, 'directory-search') });
      agent.start();
      await advance(3000);
      assert.equal(state.started, 4);
      assert.equal(state.maxRunning, 4);
      assert.equal(bot.queue.length, 2, 'the fifth and sixth wait at the bot, not in the relay');
      held.shift()!();
      await advance(1500);
      assert.equal(state.started, 5);
      assert.equal(state.maxRunning, 4);
      while (held.length > 0) {
        held.shift()!();
        await advance(1500);
      }
      assert.equal(state.started, 6);
      assert.deepEqual(bot.results.map((r) => r.jobId).sort(), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      assert.equal(state.maxRunning, 4);
    });
  });

  describe('long polling', () => {
    const longAgent = (extra: Partial<RelayAgentOptions> = {}) =>
      (agent = new RelayAgent({ ...agentOptions, longPollSeconds: 25, ...extra }));

    it('asks the bot to hold each poll and polls again at once when a held poll ends empty', async () => {
      longAgent().start();
      await advance(60_000, 500);
      // The first poll goes before the sync server was read: short, so the first reading follows within the interval.
      assert.equal(bot.polls[0].wait, 0);
      const held = bot.polls.slice(1);
      assert.ok(held.every((p) => p.wait === 25));
      const gaps = held.slice(1).map((p, i) => p.at - held[i].at);
      assert.ok(gaps.length === 2 && gaps.every((g) => g >= 25_000 && g < 25_100), gaps.join(','));
      assert.equal(agent.mode, 'long');
    });

    it('starts a job the moment the held poll brings it', async () => {
      longAgent().start();
      await advance(3000);
      bot.queue.push({ accepted: true, job: job('j1') });
      await advance(100, 10);
      assert.deepEqual(ran, ['status']);
      assert.equal(bot.polls.length, 3);
      assert.ok(bot.polls[1].wait > 0, 'the job came on the poll that was held (after the first, short one)');
      assert.equal(bot.polls[2].request.busy, true, 'then it polls at once, busy, for directory reads');
      await advance(1000, 10);
      assert.equal(bot.polls.at(-1)?.request.busy, undefined, 'and not busy once the job is done');
    });

    it('keeps the poll interval with an older bot that answers at once', async () => {
      bot.holds = false;
      longAgent().start();
      await advance(3050);
      // After the start-up poll (short until the sync server is read), the interval's pace.
      const paced = bot.polls.slice(1);
      assert.ok(paced.length >= 3 && paced.length <= 5, `${paced.length} polls`);
      assert.ok(paced.slice(1).every((p, i) => p.at - paced[i].at >= 1000));
    });

    it('takes a cut poll as an empty one, and polls short for a while after three cuts in a row', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
      bot.cutAfterMs = 5000;
      longAgent({ logger, cutFallbackMs: 60_000 }).start();
      await advance(1000, 250); // the first, short poll, before the sync server was read
      await advance(15_500, 250);
      // Three held polls, each cut at 5 s and followed at once by the next; no backoff.
      assert.deepEqual(
        bot.polls.slice(1, 4).map((p) => p.wait),
        [25, 25, 25],
      );
      assert.equal(agent.mode, 'short-after-cuts');
      await advance(5000, 250);
      const short = bot.polls.slice(4);
      assert.ok(short.length >= 4 && short.every((p) => p.wait === 0), JSON.stringify(short));
      assert.equal(lines.filter((l) => /"level":40/.test(l)).length, 1, 'one warning, no error storm');
      assert.ok(lines.some((l) => /held polls are cut/.test(l)));
      // After the fallback it tries long polls again; more cuts fall back again without a new warning.
      await advance(60_000, 500);
      assert.ok(bot.polls.some((p, i) => i > 4 && p.wait === 25));
      assert.equal(lines.filter((l) => /"level":40/.test(l)).length, 1);
    });

    it('falls back after three cuts even when jobs come on polls shorter than the cuts', async () => {
      bot.cutAfterMs = 5000;
      longAgent().start();
      await advance(1000, 250); // the first, short poll, before the sync server was read
      for (let i = 0; i < 3; i++) {
        await advance(5000, 250); // a poll cut at 5 s …
        bot.queue.push({ accepted: true, job: job(`j${i}`) }); // … then a job on the next, at once
        await advance(1000, 100);
      }
      assert.equal(ran.length, 3);
      assert.equal(agent.mode, 'short-after-cuts');
    });

    it('backs off as before when the bot refuses the connection at once, then polls long again', async () => {
      bot.reachable = false;
      longAgent().start();
      await advance(10_000);
      assert.equal(agent.mode, 'long', 'an unreachable bot is not a cut');
      bot.reachable = true;
      await advance(20_000);
      assert.ok(bot.polls.length >= 1 && bot.polls.every((p) => p.wait === 25));
    });

    it('polls short while the sync server has not been read yet, so the first heartbeat is not held back', async () => {
      const hung = new RelayAgent({
        ...agentOptions,
        longPollSeconds: 25,
        operations: { run: async () => assert.fail('no job'), stateOrUnknown: () => new Promise(() => {}) },
      });
      hung.start();
      await advance(5000, 250);
      assert.ok(bot.polls.length >= 4, `${bot.polls.length} polls`);
      assert.ok(bot.polls.every((p) => p.wait === 0));
      void hung.stop(); // its hung read never ends; the loop itself stops
    });

    it('stops without waiting out a held poll', async () => {
      longAgent().start();
      await advance(1000);
      const stopped = agent.stop();
      await advance(200, 10);
      let done = false;
      void stopped.then(() => (done = true));
      await advance(100, 10);
      assert.ok(done);
    });
  });
});

/** The fake clock advances in 500 ms steps, so a wait is seen at the next step. */
function roundUp(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}
