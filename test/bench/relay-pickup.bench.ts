/**
 * Relay job pickup (`npm run bench:relay-pickup`): from a job queued on the bot until the relay
 * starts it, for a relay that long polls (RELAY_LONG_POLL_SECONDS=25) and one that polls every
 * second as before (RELAY_LONG_POLL_SECONDS=0, RELAY_POLL_INTERVAL_MS=1000), measured in the same
 * run with jobs to the two interleaved; and, for the long-polling relay, jobs queued by a second
 * bot instance on the same store (no in-process notice reaches the instance holding the poll: its
 * store re-check finds them). Then what each mode costs the state store while idle: every read and
 * write the bot makes for one relay over an idle window, scaled to an hour.
 *
 * Real processes over HTTP on loopback: the bot app (createApp, in this process, listening without
 * its sweepers so no background job competes), two relay processes with the stand-in ADSync host.
 * "Started" is the relay's own "job started" log line (same machine, same clock). Figures go to
 * test-output/bench/relay-pickup.md and docs/performance.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app/create-app';
import type { AnchorApp } from '../../src/app/create-app';
import { listen } from '../../src/app/server';
import { loadConfig } from '../../src/config/load-config';
import { createGraphServices } from '../../src/services/entra/graph-services';
import type { RelayJobQueue } from '../../src/services/relay/job-queue';
import { FINAL_JOB_STATES } from '../../src/services/relay/job-queue';
import { createLogger } from '../../src/shared/logger';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { generateSigningKeyPair } from '../../src/shared/relay-protocol/request-signing';
import { DEMO_DEFAULTS } from '../../src/sim/demo/demo-defaults';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import type { AnchorProcess } from '../support/anchor-process';
import { RecordingStore } from '../support/recording-store';
import { relayPairing, startRelayProcess } from '../support/relay-process';
import { until } from '../support/until';
import { fmt, pct, statRow } from './bench-stats';

const JOBS = Number(process.env.BENCH_JOBS ?? 50);
const IDLE_WINDOW_MS = Number(process.env.BENCH_IDLE_SECONDS ?? 100) * 1000;
const TARGET_P95_MS = 100;
const LONG = 'long';
const SHORT = 'short';
/** Jobs for the long-polling relay, queued by the other instance. */
const ELSEWHERE = 'long, queued elsewhere';

interface Pickup {
  relayId: string;
  /** Queued → the bot handed it out (claimedAt). */
  handedOutMs: number;
  /** Queued → the relay logged "job started". */
  startedMs: number;
}

interface IdleCost {
  relayId: string;
  polls: number;
  reads: number;
  writes: number;
  /** Nonces the ledger's sweep drops, each a Delete Blob (free on Azure). */
  deletes: number;
  windowMs: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-bench-relay-pickup-'));
  const graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
  const pairing = relayPairing();
  const shortKeys = generateSigningKeyPair();
  const store = new RecordingStore();
  const relays = new Map<string, AnchorProcess>();
  let app: AnchorApp | undefined;
  try {
    await graph.start();
    await graph.startAuthority();
    const config = loadConfig(
      {
        RELAY_KEYS: `${LONG}=${pairing.relay.publicKey},${SHORT}=${shortKeys.publicKey}`,
        BOT_SIGNING_KEY: pairing.bot.privateKey,
        LOG_LEVEL: 'warn',
      },
      DEMO_DEFAULTS,
    );
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityUrl,
      authorityCaPem: graph.authorityCaPem,
    });
    const logger = createLogger({ level: 'warn', name: 'anchor-bench' });
    app = createApp(config, { directory: new DemoDirectory(demoDirectoryUsers()), store, cloud }, logger);
    const botUrl = `http://127.0.0.1:${await listen(app.server, '127.0.0.1', 0)}`;
    const queue = app.relayJobs as RelayJobQueue;
    // A second instance on the same store, not listening: it only queues jobs, as an instance
    // behind the same load balancer that the relay is not polling would.
    const other = createApp(
      config,
      { directory: new DemoDirectory(demoDirectoryUsers()), store, cloud },
      logger,
    );
    const otherQueue = other.relayJobs as RelayJobQueue;

    const startRelay = async (relayId: string) => {
      const env: Record<string, string> =
        relayId === LONG
          ? { RELAY_LONG_POLL_SECONDS: '25' }
          : { RELAY_LONG_POLL_SECONDS: '0', RELAY_PRIVATE_KEY: shortKeys.privateKey };
      const relayDir = mkdtempSync(path.join(dir, `${relayId}-`));
      const relay = startRelayProcess(botUrl, pairing, relayDir, path.join(relayDir, 'adsync.json'), {
        RELAY_ID: relayId,
        RELAY_POLL_INTERVAL_MS: '1000',
        ...env,
      });
      relays.set(relayId, relay);
      await relay.waitFor(/relay started/, 60_000);
      await until('the relay polls', () => app!.relay.lastHeartbeat(relayId), 30_000, 50);
    };
    await startRelay(LONG);
    await startRelay(SHORT);

    // Warm up both (first job of each pays PowerShell's first cmdlet and the JIT).
    for (const relayId of [LONG, SHORT]) await runOne(queue, relays.get(relayId)!, relayId);
    const pickups: Pickup[] = [];
    for (let i = 0; i < JOBS; i++) {
      const series = [LONG, SHORT, ELSEWHERE];
      for (const name of i % 2 === 0 ? series : series.reverse()) {
        // A random moment, so the short poll's (and the re-check's) phase is spread over its interval.
        await sleep(Math.random() * 1000);
        const pickup =
          name === ELSEWHERE
            ? await runOne(otherQueue, relays.get(LONG)!, LONG)
            : await runOne(queue, relays.get(name)!, name);
        pickups.push({ ...pickup, relayId: name });
      }
      if ((i + 1) % 10 === 0) process.stdout.write(`${i + 1}/${JOBS} jobs per relay\n`);
    }

    // Idle cost, one relay at a time, so each store call is that relay's.
    const idle: IdleCost[] = [];
    await relays.get(SHORT)!.stop();
    relays.delete(SHORT);
    idle.push(await idleCost(store, LONG));
    await relays.get(LONG)!.stop();
    relays.delete(LONG);
    await startRelay(SHORT);
    idle.push(await idleCost(store, SHORT));

    const { table, met } = render(pickups, idle);
    const out = path.join(PROJECT_ROOT, 'test-output', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'relay-pickup.md'), `${table}\n`);
    writeFileSync(path.join(out, 'relay-pickup.json'), JSON.stringify({ pickups, idle }, null, 2));
    process.stdout.write(`\n${table}\n`);
    if (!met) process.exitCode = 1;
  } finally {
    for (const relay of relays.values()) await relay.stop();
    await app?.stop();
    await graph.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Queues a status job for `relayId`, waits until it is final, and times its pickup. */
async function runOne(queue: RelayJobQueue, relay: AnchorProcess, relayId: string): Promise<Pickup> {
  const queuedAt = Date.now();
  const { job } = await queue.enqueue(relayId, 'status', { timeoutMs: 60_000 });
  const final = await until(
    `job ${job.id} is final`,
    async () => {
      const r = await queue.get(job.id);
      return r && FINAL_JOB_STATES.includes(r.state) ? r : undefined;
    },
    30_000,
    20,
  );
  if (final.state !== 'done') throw new Error(`job ${job.id} ended ${final.state}`);
  const line = await until(
    'the relay logs the job',
    async () => relay.text.split('\n').find((l) => l.includes(job.id) && l.includes('"job started"')),
    10_000,
    20,
  );
  const startedAt = Date.parse((JSON.parse(line) as { time: string }).time);
  return {
    relayId,
    handedOutMs: Date.parse(final.claimedAt ?? '') - queuedAt,
    startedMs: startedAt - queuedAt,
  };
}

/** The store calls the bot makes while `relayId`, alone, polls with nothing to do. */
async function idleCost(store: RecordingStore, relayId: string): Promise<IdleCost> {
  await sleep(2000); // past the first poll's heartbeat write
  const mark = store.mark();
  await sleep(IDLE_WINDOW_MS);
  const calls = store.since(mark);
  return {
    relayId,
    // Every poll uses one nonce; a nonce is one write under relay/nonces/.
    polls: calls.filter((c) => c.op === 'write' && c.key.startsWith('relay/nonces/')).length,
    reads: calls.filter((c) => c.op === 'read').length,
    writes: calls.filter((c) => c.op === 'write').length,
    deletes: calls.filter((c) => c.op === 'delete').length,
    windowMs: IDLE_WINDOW_MS,
  };
}

function render(pickups: Pickup[], idle: IdleCost[]): { table: string; met: boolean } {
  const of = (relayId: string, pick: (p: Pickup) => number) =>
    pickups.filter((p) => p.relayId === relayId).map(pick);
  const longStarted = of(LONG, (p) => p.startedMs);
  const p95 = pct(longStarted, 95);
  const met = p95 < TARGET_P95_MS;
  const perHour = (n: number, c: IdleCost) => Math.round((n * 3_600_000) / c.windowMs);
  const table = [
    `${JOBS} jobs per series, interleaved, each at a random moment up to 1 s after the last finished; ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, loopback.`,
    '',
    '| measured | p50 | p95 | min | max |',
    '|---|---:|---:|---:|---:|',
    statRow('**Long poll (25 s): queued → relay starts it**', longStarted),
    statRow(
      '… queued → handed out by the bot',
      of(LONG, (p) => p.handedOutMs),
    ),
    statRow(
      '**Long poll, job queued on another instance (store re-check every 1 s)**',
      of(ELSEWHERE, (p) => p.startedMs),
    ),
    statRow(
      '… queued → handed out by the bot',
      of(ELSEWHERE, (p) => p.handedOutMs),
    ),
    statRow(
      '**Short poll every 1 s (before): queued → relay starts it**',
      of(SHORT, (p) => p.startedMs),
    ),
    statRow(
      '… queued → handed out by the bot',
      of(SHORT, (p) => p.handedOutMs),
    ),
    '',
    `Idle, one relay polling alone for ${IDLE_WINDOW_MS / 1000} s, scaled to an hour (every state-store call of the bot):`,
    '',
    '| relay | polls / hour | store reads / hour | store writes / hour | store deletes / hour |',
    '|---|---:|---:|---:|---:|',
    ...idle.map(
      (c) =>
        `| ${c.relayId === LONG ? 'long poll (25 s)' : 'short poll (1 s)'} | ${perHour(c.polls, c)} | ` +
        `${perHour(c.reads, c)} | ${perHour(c.writes, c)} | ${perHour(c.deletes, c)} |`,
    ),
    '',
    `Target: long-poll pickup p95 under ${TARGET_P95_MS} ms — ${met ? 'met' : 'MISSED'} (${fmt(p95)}).`,
  ].join('\n');
  return { table, met };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
