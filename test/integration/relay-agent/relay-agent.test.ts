import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import { signJob } from '../../../src/shared/relay-protocol/job-signing';
import type {
  JobResult,
  PollRequest,
  RelayEvent,
  RelayJob,
  SignedJob,
} from '../../../src/shared/relay-protocol/messages';
import {
  generateSigningKeyPair,
  privateKeyFrom,
  signParts,
  signatureHeaders,
} from '../../../src/shared/relay-protocol/request-signing';
import { jobResultSchema } from '../../../src/shared/relay-protocol/schemas';
import { AdSyncSimState } from '../../../src/sim/adsync-host/state';
import type { AdSyncSimData } from '../../../src/sim/adsync-host/state';
import { AnchorProcess, freePort } from '../../support/anchor-process';
import { fetchHealth } from '../../support/health';

/*
 * The relay as a real process (`node --import tsx src/relay-agent/main.ts`), against the bot as a real
 * process (demo mode, /api/relay/*) and the stand-in ADSync host (src/sim/adsync-host/bin/pwsh)
 * as its PowerShell.
 *
 * Between the relay and the bot sits {@link BotEdge}, a pass-through HTTP hop the test controls,
 * like an attacker on the path: it records what goes by, can alter or replay it, and can hand the
 * relay a job signed with the bot's key (the test made that key and gave it to the bot as
 * BOT_SIGNING_KEY). Jobs handed out that way are answered by the edge, not forwarded: when the
 * bot offers a way to queue a job directly, `edge.inject` is the one place to switch to it.
 */

const STAND_IN_PWSH = path.join(PROJECT_ROOT, 'src/sim/adsync-host/bin/pwsh');

/** The stand-in host's state file, through its own class. */
async function simState(
  file: string,
): Promise<{ read(): AdSyncSimData; set(modes: Partial<AdSyncSimData>): void }> {
  const api = new AdSyncSimState(file);
  return {
    read: () => api.read(),
    set: (modes) => void api.set(modes),
  };
}

function historyOf(state: AdSyncSimData, cmdlet: string): number {
  return state.history.filter((h) => JSON.stringify(h).includes(cmdlet)).length;
}

const relayKeys = generateSigningKeyPair();
const botKeys = generateSigningKeyPair();
const RELAY_ID = 'relay-it';

/** The pass-through hop between relay and bot (see the top of the file). */
class BotEdge {
  readonly polls: PollRequest[] = [];
  readonly pollHeaders: http.IncomingHttpHeaders[] = [];
  readonly forwardedEvents: { event: RelayEvent; status: number }[] = [];
  readonly botAnswers: number[] = [];
  readonly results = new Map<string, JobResult>();
  private readonly queue: unknown[] = [];
  private readonly injected = new Set<string>();
  tamperPollBody = false;
  private server!: http.Server;
  port = 0;

  constructor(public botPort: number) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Queues a job signed with the bot's key (or the given signed job as is), for the next poll. */
  inject(job: Omit<Partial<RelayJob>, 'operation'> & { operation: string }, signedAt = Date.now()): RelayJob {
    const full = {
      id: `it-${Math.random().toString(36).slice(2, 10)}`,
      relayId: RELAY_ID,
      requestId: null,
      issuedAt: new Date(signedAt).toISOString(),
      expiresAt: new Date(Date.now() + 120_000).toISOString(),
      ...job,
    } as RelayJob;
    this.injected.add(full.id);
    this.queue.push(signJob(full, 'anchor-bot', privateKeyFrom(botKeys.privateKey), signedAt));
    return full;
  }

  /** Queues something exactly as given (a tampered or replayed job). */
  deliverRaw(signed: unknown): void {
    const id = (signed as SignedJob).job.id;
    this.injected.add(id);
    this.queue.push(signed);
  }

  async result(jobId: string, timeoutMs = 30_000): Promise<JobResult> {
    await until(() => this.results.has(jobId), timeoutMs, `a result for ${jobId}`);
    return this.results.get(jobId) as JobResult;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    const result = /^\/api\/relay\/jobs\/([^/]+)\/result$/.exec(url);
    if (result && this.injected.has(decodeURIComponent(result[1]))) {
      this.results.set(decodeURIComponent(result[1]), JSON.parse(body) as JobResult);
      res.writeHead(204);
      res.end();
      return;
    }
    if (url === '/api/relay/poll') {
      this.polls.push(JSON.parse(body) as PollRequest);
      this.pollHeaders.push(req.headers);
      if (this.tamperPollBody) body = body.replace('"ready":', '"ready" :');
    }
    let answer: { status: number; body: string };
    try {
      answer = await forward(this.botPort, req.method ?? 'POST', url, req.headers, body);
    } catch {
      req.socket.destroy(); // the bot is gone: the relay sees a broken connection
      return;
    }
    this.botAnswers.push(answer.status);
    if (url === '/api/relay/events') {
      this.forwardedEvents.push({ event: JSON.parse(body) as RelayEvent, status: answer.status });
    }
    if (url === '/api/relay/poll' && answer.status === 200 && this.queue.length > 0) {
      const bot = JSON.parse(answer.body) as { job: unknown };
      if (bot.job === null) answer = { status: 200, body: JSON.stringify({ job: this.queue.shift() }) };
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  }
}

function forward(
  port: number,
  method: string,
  url: string,
  headers: http.IncomingHttpHeaders,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('relay agent against the bot and the stand-in ADSync host (real processes)', function () {
  this.timeout(300_000);
  let botPort: number;
  let bot: AnchorProcess;
  let edge: BotEdge;
  let dir: string;
  let simFile: string;
  const relays: AnchorProcess[] = [];

  async function startBot(): Promise<void> {
    bot = AnchorProcess.start({
      ANCHOR_MODE: 'demo',
      PORT: String(botPort),
      GRAPH_SIM_PORT: String(await freePort()),
      PLAYGROUND_REQUESTER_PORT: String(await freePort()),
      PLAYGROUND_APPROVER_PORT: String(await freePort()),
      RELAY_KEYS: `${RELAY_ID}=${relayKeys.publicKey}`,
      BOT_SIGNING_KEY: botKeys.privateKey,
      BOT_KEY_ID: 'anchor-bot',
    });
    await bot.waitFor(/demo started/, 120_000);
  }

  function startRelay(env: Record<string, string> = {}): AnchorProcess {
    const relay = AnchorProcess.start(
      {
        RELAY_ID,
        RELAY_BOT_URL: `http://127.0.0.1:${edge.port}`,
        RELAY_PRIVATE_KEY: relayKeys.privateKey,
        RELAY_BOT_PUBLIC_KEY: botKeys.publicKey,
        RELAY_POLL_INTERVAL_MS: '300',
        // Short polls: the edge slips its jobs into the bot's poll answers, which a held poll
        // would give only at the end of its wait (long polling: test/integration/relay-long-poll.test.ts).
        RELAY_LONG_POLL_SECONDS: '0',
        RELAY_PWSH: STAND_IN_PWSH,
        RELAY_IDLE_CONFIRM_MS: '200',
        RELAY_STATE_FILE: path.join(dir, 'relay-state.json'),
        RELAY_BUSY_RETRY_MS: '500',
        RELAY_DELTA_DEADLINE_MS: '20000',
        ADSYNC_SIM_STATE: simFile,
        LOG_LEVEL: 'debug',
        ...env,
      },
      'src/relay-agent/main.ts',
    );
    relays.push(relay);
    return relay;
  }

  async function relayHealth(): Promise<{ state: string; lastSeen?: string | null }> {
    const res = await fetchHealth(`http://127.0.0.1:${botPort}`);
    const body = (await res.json()) as { dependencies: Record<string, { state: string; lastSeen?: string }> };
    return body.dependencies.relay;
  }

  before(async () => {
    botPort = await freePort();
    await startBot();
  });
  after(async () => {
    await bot?.stop();
  });
  beforeEach(async () => {
    // A test that failed while the bot was stopped must not take the next ones with it.
    const up = await fetch(`http://127.0.0.1:${botPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!up) await startBot();
    dir = mkdtempSync(path.join(os.tmpdir(), 'relay-it-'));
    simFile = path.join(dir, 'adsync-sim.json');
    edge = new BotEdge(botPort);
    await edge.start();
  });
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.stop(25_000);
    await edge.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('polls with a signed heartbeat the bot accepts, and runs a job within 2 s', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready with the ADSync module/);
    await until(() => edge.polls.length >= 3, 10_000, 'three polls');
    const beat = edge.polls[edge.polls.length - 1];
    assert.equal(beat.relayId, RELAY_ID);
    assert.equal(beat.ready, true);
    assert.equal(typeof beat.version, 'string');
    assert.ok(
      edge.botAnswers.every((s) => s === 200),
      `bot answers ${edge.botAnswers.join(',')}`,
    );
    const health = await relayHealth();
    assert.equal(health.state, 'ok');
    assert.ok(health.lastSeen);

    const issued = Date.now();
    const job = edge.inject({ operation: 'status' });
    const result = await edge.result(job.id, 5000);
    assert.ok(Date.now() - issued < 2000 + 1000, `result after ${Date.now() - issued} ms`);
    assert.ok(Date.parse(result.startedAt) - issued <= 2000, 'picked up within 2 s');
    assert.equal(result.outcome, 'done', result.message);
    assert.equal(result.scheduler.syncCycleEnabled, true);
    assert.equal(result.scheduler.serviceState, 'Running');
  });

  it('signature tampering: an altered poll is refused by the bot; an altered job by the relay', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    edge.tamperPollBody = true;
    await until(() => edge.botAnswers.includes(401), 10_000, 'a 401 from the bot');
    await relay.waitFor(/poll failed: the bot refused \/api\/relay\/poll with 401/);
    edge.tamperPollBody = false;
    await relay.waitFor(/the bot is reachable again/, 30_000);

    const sim = await simState(simFile);
    const pausesBefore = historyOf(sim.read(), 'Set-ADSyncScheduler');
    const signed = signJob(
      {
        id: 'tampered-1',
        relayId: RELAY_ID,
        operation: 'status',
        requestId: null,
        issuedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
      'anchor-bot',
      privateKeyFrom(botKeys.privateKey),
    );
    edge.deliverRaw({ ...signed, job: { ...signed.job, operation: 'pause' } });
    await relay.waitFor(/"jobId":"tampered-1".*bad-signature/);
    await until(
      () => edge.forwardedEvents.some((e) => e.event.kind === 'refused-job'),
      10_000,
      'refused-job event',
    );
    assert.equal(edge.forwardedEvents.find((e) => e.event.kind === 'refused-job')?.status, 204);
    assert.equal(edge.results.has('tampered-1'), false, 'no result for a job that is not ours');
    assert.equal(historyOf(sim.read(), 'Set-ADSyncScheduler'), pausesBefore, 'nothing ran');
  });

  it('a relay key the bot does not hold is refused with 401, and the relay says what to check', async () => {
    const stranger = generateSigningKeyPair();
    const relay = startRelay({ RELAY_PRIVATE_KEY: stranger.privateKey });
    await relay.waitFor(/RELAY_KEYS on the bot holds this relay public key/);
    assert.ok(relay.alive);
    assert.ok(edge.botAnswers.length > 0 && edge.botAnswers.every((s) => s === 401));
  });

  it('a replayed request and a stale timestamp are refused by the bot', async () => {
    const relay = startRelay();
    await until(() => edge.pollHeaders.length >= 1, 15_000, 'a poll');
    const headers = edge.pollHeaders[0];
    const body = JSON.stringify(edge.polls[0]);
    const replay = await forward(botPort, 'POST', '/api/relay/poll', headers, body);
    assert.equal(replay.status, 401);
    assert.doesNotMatch(replay.body, /replay|nonce/i, 'the reason stays in the bot log');

    const staleBody = JSON.stringify(edge.polls[0]);
    const stale = signParts(
      { method: 'POST', path: '/api/relay/poll', body: staleBody },
      RELAY_ID,
      privateKeyFrom(relayKeys.privateKey),
      Date.now() - 6 * 60_000,
    );
    const answer = await forward(
      botPort,
      'POST',
      '/api/relay/poll',
      { 'content-type': 'application/json', ...signatureHeaders(stale) },
      staleBody,
    );
    assert.equal(answer.status, 401);
    assert.ok(relay.alive);
  });

  it('a replayed or stale job is refused by the relay and runs once at most', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    const first = edge.inject({ operation: 'delta' });
    assert.equal((await edge.result(first.id)).outcome, 'done');
    const deltas = historyOf(sim.read(), 'Start-ADSyncSyncCycle');
    // The same signed job again, byte for byte.
    const again = signJob(first, 'anchor-bot', privateKeyFrom(botKeys.privateKey));
    edge.deliverRaw(again);
    edge.deliverRaw(again);
    await relay.waitFor(/replayed/);
    const stale = edge.inject({ operation: 'delta', id: 'stale-1' }, Date.now() - 6 * 60_000);
    await relay.waitFor(/"jobId":"stale-1".*stale/);
    assert.equal(edge.results.has(stale.id), false);
    assert.ok(historyOf(sim.read(), 'Start-ADSyncSyncCycle') <= deltas + 1, 'a replay never runs twice');
  });

  it('refuses an unknown operation and a job for another relay, and logs both', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    const unknown = edge.inject({ operation: 'Invoke-Expression' });
    const result = await edge.result(unknown.id);
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, /"Invoke-Expression" is not an allowed operation/);
    const foreign = edge.inject({ operation: 'pause', relayId: 'relay-other' });
    await relay.waitFor(new RegExp(`"jobId":"${foreign.id}".*for relay \\\\"relay-other\\\\"`));
    await until(
      () => edge.forwardedEvents.filter((e) => e.event.kind === 'refused-job').length >= 2,
      10_000,
      'events',
    );
    assert.equal(edge.results.has(foreign.id), false);
    const sim = await simState(simFile);
    assert.equal(historyOf(sim.read(), 'Set-ADSyncScheduler'), 0);
  });

  it('bot unreachable: the relay backs off, then recovers when the bot is back', async () => {
    const relay = startRelay();
    await until(() => edge.polls.length >= 2, 15_000, 'polls');
    await bot.stop();
    await relay.waitFor(/"failures":4,.*poll failed/, 60_000);
    const waits = [...relay.text.matchAll(/"retryInMs":(\d+)/g)].map((m) => Number(m[1]));
    assert.ok(waits.length >= 4 && waits[3] > waits[0], `waits ${waits.join(',')}`);
    assert.ok(relay.alive);
    await startBot();
    await relay.waitFor(/the bot is reachable again/, 150_000);
    const job = edge.inject({ operation: 'status' });
    assert.equal((await edge.result(job.id)).outcome, 'done');
    assert.equal((await relayHealth()).state, 'ok');
  });

  it('pwsh missing: the relay stays up and reports ready=false with the reason', async () => {
    const relay = startRelay({ RELAY_PWSH: path.join(dir, 'no-such-pwsh') });
    await until(() => edge.polls.length >= 3, 15_000, 'polls');
    const beat = edge.polls[edge.polls.length - 1];
    assert.equal(beat.ready, false);
    assert.match(beat.problem ?? '', /was not found.*RELAY_PWSH/);
    const job = edge.inject({ operation: 'pause' });
    const result = await edge.result(job.id);
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /was not found/);
    assert.ok(relay.alive);
    assert.doesNotMatch(relay.text, /Unhandled|ENOENT/);
  });

  it('a hung cmdlet times out, the shell is replaced, and the next job works', async () => {
    const relay = startRelay({ RELAY_OPERATION_TIMEOUT_MS: '3000' });
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    sim.set({ hang: 'Start-ADSyncSyncCycle' });
    const hung = edge.inject({ operation: 'delta' });
    const result = await edge.result(hung.id, 20_000);
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /did not answer .* within 3000 ms/);
    sim.set({ hang: null });
    const next = edge.inject({ operation: 'status' });
    assert.equal((await edge.result(next.id, 20_000)).outcome, 'done');
    assert.ok((relay.text.match(/"msg":"PowerShell started"/g) ?? []).length >= 2, 'a fresh shell');
  });

  it("'AAD is busy' twice, then success within the deadline", async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    sim.set({ busyCycles: 2 });
    const job = edge.inject({ operation: 'delta' });
    const result = await edge.result(job.id, 30_000);
    assert.equal(result.outcome, 'done', result.message);
    assert.match(result.message, /after 2 busy answer/);
    assert.equal(historyOf(sim.read(), 'Start-ADSyncSyncCycle'), 3);
  });

  it('refuses pause and delta on a server in staging mode', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    sim.set({ stagingModeEnabled: true });
    for (const operation of ['pause', 'delta']) {
      const job = edge.inject({ operation });
      const result = await edge.result(job.id);
      assert.equal(result.outcome, 'refused');
      assert.match(result.message, new RegExp(`staging mode; ${operation} is refused`));
    }
    assert.equal(sim.read().syncCycleEnabled, true);
    assert.equal(historyOf(sim.read(), 'Set-ADSyncScheduler'), 0);
    assert.equal(historyOf(sim.read(), 'Start-ADSyncSyncCycle'), 0);
  });

  it('the pause lease resumes the scheduler after the bot is killed mid-link, and reports it later', async () => {
    const relay = startRelay({ RELAY_PAUSE_LEASE_MS: '5000' });
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    const pause = edge.inject({ operation: 'pause', requestId: 'link-42' });
    const result = await edge.result(pause.id);
    assert.equal(result.outcome, 'done', result.message);
    assert.ok(result.scheduler.pauseLeaseExpiresAt);
    assert.equal(sim.read().syncCycleEnabled, false);
    await bot.stop(); // mid-link: nobody will send the resume
    await until(() => sim.read().syncCycleEnabled, 20_000, 'the relay to resume the scheduler');
    await relay.waitFor(/the relay resumed it/);
    await startBot();
    await until(
      () => edge.forwardedEvents.some((e) => e.event.kind === 'lease-resumed' && e.status === 204),
      150_000,
      'the lease-resumed event to reach the bot (after the backoff)',
    );
    const event = edge.forwardedEvents.find((e) => e.event.kind === 'lease-resumed')?.event;
    assert.match(event?.message ?? '', new RegExp(`job ${pause.id}`));
  });

  it('a lease that ran out while the relay was stopped is honoured at the next start', async () => {
    const first = startRelay({ RELAY_PAUSE_LEASE_MS: '3000' });
    await first.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    const pause = edge.inject({ operation: 'pause' });
    assert.equal((await edge.result(pause.id)).outcome, 'done');
    assert.equal(await first.stop(), 0);
    assert.match(first.text, /lease is kept and honoured at the next start/);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(sim.read().syncCycleEnabled, false, 'nothing resumed it while the relay was down');
    const second = startRelay({ RELAY_PAUSE_LEASE_MS: '3000' });
    await second.waitFor(/a pause lease was found at start-up/);
    await until(() => sim.read().syncCycleEnabled, 15_000, 'the resume at start-up');
    await until(
      () => edge.forwardedEvents.some((e) => e.event.kind === 'lease-resumed'),
      15_000,
      'the event',
    );
  });

  it('a pause that does not take (read back enabled) fails, naming the server, and the relay holds no lease', async () => {
    const relay = startRelay();
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    sim.set({ pauseIgnored: 1 });
    const job = edge.inject({ operation: 'pause' });
    const result = await edge.result(job.id);
    assert.equal(result.outcome, 'failed');
    assert.equal(
      result.message,
      `the scheduler is still enabled after Set-ADSyncScheduler -SyncCycleEnabled $false on ${RELAY_ID}`,
    );
    assert.equal(result.scheduler.syncCycleEnabled, true);
    assert.equal(result.scheduler.pauseLeaseExpiresAt, null, 'no lease for a pause that never took');
    const beat = edge.polls.length;
    await until(() => edge.polls.length > beat, 5000, 'the next heartbeat');
    assert.equal(edge.polls.at(-1)!.scheduler.pauseLeaseExpiresAt, null);
    assert.equal(sim.read().syncCycleEnabled, true);
  });

  it('a resume that does not take fails "still paused", keeps the lease, and the relay resumes by itself once the fault clears', async () => {
    const relay = startRelay({
      RELAY_RESUME_ATTEMPTS: '3',
      RELAY_RESUME_RETRY_MS: '200',
      RELAY_LEASE_RETRY_MS: '1000',
    });
    await relay.waitFor(/PowerShell ready/);
    const sim = await simState(simFile);
    const pause = edge.inject({ operation: 'pause' });
    assert.equal((await edge.result(pause.id)).outcome, 'done');
    sim.set({ resumeIgnored: 'always' });
    const resume = edge.inject({ operation: 'resume' });
    const result = await edge.result(resume.id);
    assert.equal(result.outcome, 'failed');
    assert.match(
      result.message,
      new RegExp(
        `^the sync scheduler is still paused on ${RELAY_ID}: Get-ADSyncScheduler still shows SyncCycleEnabled False after 3 attempts of `,
      ),
    );
    assert.match(
      result.message,
      new RegExp(`Run Set-ADSyncScheduler -SyncCycleEnabled \\$true on ${RELAY_ID}`),
    );
    assert.equal(result.scheduler.syncCycleEnabled, false);
    assert.ok(result.scheduler.pauseLeaseExpiresAt, 'the lease is kept');
    const ignored = () =>
      sim.read().history.filter((h) => h.cmdlet === 'Set-ADSyncScheduler' && h.ignored).length;
    assert.equal(ignored(), 3, 'three attempts within the job');
    await until(() => ignored() >= 5, 10_000, 'the relay to keep trying by itself');
    await until(
      () => edge.polls.at(-1)?.scheduler.syncCycleEnabled === false,
      10_000,
      'the heartbeat to say paused',
    );

    sim.set({ resumeIgnored: 0 }); // the fault clears
    await until(() => sim.read().syncCycleEnabled, 10_000, 'the relay to resume the scheduler');
    await until(
      () =>
        edge.polls.at(-1)?.scheduler.syncCycleEnabled === true &&
        edge.polls.at(-1)?.scheduler.pauseLeaseExpiresAt === null,
      10_000,
      'the heartbeat to say enabled, no lease',
    );
    await until(
      () => edge.forwardedEvents.some((e) => e.event.kind === 'lease-resumed' && e.status === 204),
      10_000,
      'the lease-resumed event',
    );
    const event = edge.forwardedEvents.find((e) => e.event.kind === 'lease-resumed')!.event;
    assert.match(event.message, /did not take .*the relay resumed it by itself/);
  });

  describe('sync health (issue 17)', () => {
    /** Runs `operation` through the relay and checks the result against the bot's own schema. */
    async function runJob(operation: string, timeoutMs = 30_000): Promise<JobResult> {
      // A GUID id, as the bot issues, so the result passes the bot's schema.
      const job = edge.inject({ operation, id: randomUUID() });
      const result = await edge.result(job.id, timeoutMs);
      jobResultSchema.parse(result);
      return result;
    }

    it('sync-health: heartbeat present, PHS on, an empty error log is no failure, then an injected 611 with its text', async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      const first = await runJob('sync-health');
      assert.equal(first.outcome, 'done', first.message);
      const facts = first.syncHealth!;
      assert.equal(facts.passwordHashSync, true);
      assert.ok(facts.lastHeartbeatAt, 'a heartbeat');
      assert.ok(Date.now() - Date.parse(facts.lastHeartbeatAt) <= 30 * 60_000 + 5000, facts.lastHeartbeatAt);
      assert.deepEqual(facts.recentErrors, [], 'no 611/652/655: "No events were found" is not a problem');
      assert.deepEqual(facts.problems, []);
      assert.equal(first.scheduler.serviceState, 'Running');

      const text = 'Password synchronization failed for domain: contoso.com. Details: Access is denied.';
      sim.addSyncEvent({ id: 611, message: text });
      const second = await runJob('sync-health');
      assert.deepEqual(
        second.syncHealth!.recentErrors.map((e) => [e.id, e.message]),
        [[611, text]],
      );
      assert.equal(historyOf(sim.read(), 'Set-'), 0, 'read-only');
      assert.equal(historyOf(sim.read(), 'Restart-Service'), 0, 'read-only');
    });

    it('sync-health: the heartbeat silent for 130 min, and PHS off', async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      sim.silenceHeartbeat(130 * 60_000);
      sim.set({ passwordHashSync: false });
      const result = await runJob('sync-health');
      assert.equal(result.outcome, 'done', result.message);
      const last = Date.parse(result.syncHealth!.lastHeartbeatAt ?? '1970-01-01T00:00:00Z');
      assert.ok(Date.now() - last >= 130 * 60_000, result.syncHealth!.lastHeartbeatAt ?? 'none');
      assert.equal(result.syncHealth!.passwordHashSync, false);
      assert.deepEqual(result.syncHealth!.problems, []);
    });

    it('service stopped: sync-health says so, restart-service brings it Running and the heartbeat back', async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      sim.set({ serviceState: 'Stopped', heartbeatAfterRestartMs: 1000 });
      const down = await runJob('sync-health');
      assert.equal(down.outcome, 'done', down.message);
      assert.equal(down.scheduler.serviceState, 'Stopped');
      assert.deepEqual(
        down.syncHealth!.problems.map((p) => p.fact),
        ['scheduler', 'password-hash-sync'],
      );
      const restartedAt = Date.now();
      const restart = await runJob('restart-service');
      assert.equal(restart.outcome, 'done', restart.message);
      assert.equal(restart.scheduler.serviceState, 'Running');
      await new Promise((r) => setTimeout(r, 1500));
      const up = await runJob('sync-health');
      assert.deepEqual(up.syncHealth!.problems, []);
      assert.ok(
        Date.parse(up.syncHealth!.lastHeartbeatAt!) >= restartedAt,
        up.syncHealth!.lastHeartbeatAt ?? '',
      );
    });

    it('a relay started while ADSync is stopped is ready, polls service Stopped, and can start it', async () => {
      const sim = new AdSyncSimState(simFile);
      sim.set({ serviceState: 'Stopped' });
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      await until(
        () => edge.polls.some((p) => p.ready && p.scheduler.serviceState === 'Stopped'),
        10_000,
        'a ready poll that says Stopped',
      );
      const restart = await runJob('restart-service');
      assert.equal(restart.outcome, 'done', restart.message);
      assert.equal(sim.read().serviceState, 'Running');
    });

    it('restart-service is refused while a cycle runs, and nothing is restarted', async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      sim.setCycleRunning(Infinity);
      const result = await runJob('restart-service');
      assert.equal(result.outcome, 'refused');
      assert.match(result.message, /a sync cycle is running/);
      assert.equal(historyOf(sim.read(), 'Restart-Service'), 0);
    });

    it("a service that cannot start: restart-service fails with PowerShell's reason", async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      sim.set({ serviceState: 'Stopped', serviceStartFails: true });
      const result = await runJob('restart-service');
      assert.equal(result.outcome, 'failed');
      assert.match(result.message, /^Restart-Service failed: .*cannot be started due to the following error/);
      assert.equal(result.scheduler.serviceState, 'Stopped');
    });

    it("full-password-sync turns PHS off and on once, with the server's connectors, and reads it back", async () => {
      const relay = startRelay();
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      const result = await runJob('full-password-sync', 60_000);
      assert.equal(result.outcome, 'done', result.message);
      const sets = sim.history().filter((h) => h.cmdlet === 'Set-ADSyncAADPasswordSyncConfiguration');
      assert.deepEqual(
        sets.map((h) => [h.parameters.SourceConnector, h.parameters.TargetConnector, h.parameters.Enable]),
        [
          ['contoso.com', 'contoso.onmicrosoft.com - AAD', false],
          ['contoso.com', 'contoso.onmicrosoft.com - AAD', true],
        ],
      );
      assert.equal(sim.read().passwordSyncEnabled, true);
    });

    it('full-password-sync that cannot turn PHS back on fails with password-sync-left-disabled', async () => {
      const relay = startRelay({ RELAY_RESUME_RETRY_MS: '100' });
      await relay.waitFor(/PowerShell ready/);
      const sim = new AdSyncSimState(simFile);
      sim.set({ passwordSyncEnableFails: true });
      const result = await runJob('full-password-sync', 60_000);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.reason, 'password-sync-left-disabled');
      assert.match(result.message, /reads back Enabled False.*PASSWORDS DO NOT SYNC/);
      assert.equal(sim.read().passwordSyncEnabled, false);
      const ons = sim
        .history()
        .filter((h) => h.cmdlet === 'Set-ADSyncAADPasswordSyncConfiguration' && h.parameters.Enable === true);
      assert.equal(ons.length, 3, 'tried RELAY_RESUME_ATTEMPTS times');
    });
  });
});
