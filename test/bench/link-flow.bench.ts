/**
 * `npm run bench:link`: machine time of the link flow with 10,000 users on each side, everything
 * real and over HTTP: a Samba AD DC, the Graph simulator, the Anchor app (createApp, as demo mode
 * composes it), the relay as a child process driving the stand-in ADSync host with a realistic
 * delay per cmdlet, and a stand-in Bot Connector that receives the bot's cards.
 *
 * (a) `link user <login>` → the candidates card at the connector;
 * (b) Approve → the ✓ Linked card update at the connector (after check and request).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Activity } from 'botbuilder';
import { Attribute, Change } from 'ldapts';
import pino from 'pino';
import { createApp } from '../../src/app/create-app';
import type { AnchorApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../src/sim/demo/demo-defaults';
import { createLogger } from '../../src/shared/logger';
import { PROJECT_ROOT } from '../../src/shared/paths';
import type { CloudDirectory, TwinCleanupDirectory } from '../../src/services/entra/cloud-directory';
import type { DirectoryService, DirectoryUser } from '../../src/shared/directory/ad-directory';
import { createGraphServices } from '../../src/services/entra/graph-services';
import { LdapDirectory } from '../../src/shared/directory/ldap-directory';
import type { LinkRequest } from '../../src/services/link/link-request';
import { MemoryStateStore } from '../../src/services/state/memory-state-store';
import { PREFLIGHT_CHECK_IDS } from '../../src/services/link/preflight/report';
import { adViewOf } from '../../src/sim/demo/ad-view';
import { AdSyncSimState } from '../../src/sim/adsync-host/state';
import { demoRelayKeys } from '../../src/sim/demo/start-demo';
import { startDemoRelay } from '../../src/sim/demo/demo-relay';
import { DEMO_TENANT, cloudOnlyUser, demoOrganization } from '../../src/sim/demo/demo-tenant';
import type { DemoTeamsUser } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import { LINK_VERBS } from '../../src/bot/verbs';
import { acknowledgementInput } from '../../src/bot/views/preflight';
import { teamsActivity } from '../support/activities';
import { freePort } from '../support/anchor-process';
import { DC_FQDN, SYNCED_OU, SambaDc, portInUse } from '../support/samba-dc';
import { BotConnector } from '../support/bot-connector';
import { fmt, mb, pct } from './bench-stats';
import type { ConnectorCall } from '../support/bot-connector';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP_RUNS = 2;
/** Target: p95 from `link user` to the candidates card. */
const TARGET_MS = 1500;
/**
 * The stand-in waits this long before every ADSync cmdlet; each approval run draws one value,
 * spread evenly over the range (see docs/performance.md for why).
 */
const SLOW_MIN_MS = Number(process.env.BENCH_SLOW_MIN_MS ?? 300);
const SLOW_MAX_MS = Number(process.env.BENCH_SLOW_MAX_MS ?? 800);
const PREFIX = 'bench';
const UPN_SUFFIX = DC_FQDN.slice(DC_FQDN.indexOf('.') + 1); // corp.example.test, the realm's
const REQUESTER = DEMO_TENANT.requester;
const APPROVER = DEMO_TENANT.approver;
const CARD = 'application/vnd.microsoft.card.adaptive';

const login = (n: number) => `${PREFIX}${String(n).padStart(5, '0')}`;
/** Deterministic object ids for the cloud twins: bench00042 ↔ …-000000000042. */
const cloudIdOf = (n: number) => `c10d0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const conversationOf = (who: DemoTeamsUser) => `a:personal-${who.aadObjectId}`;

/** Measured targets spread over 1..USERS, visited in an interleaved order (17 is coprime to 50). */
function targets(): { warmup: number[]; measured: number[] } {
  const step = USERS / RUNS;
  const spread = Array.from({ length: RUNS }, (_, i) => Math.round(step * i + step / 2));
  const stride = RUNS % 17 === 0 ? 1 : 17;
  const measured = spread.map((_, k) => spread[(k * stride) % RUNS]);
  const warmup = Array.from({ length: WARMUP_RUNS }, (_, i) => Math.max(1, Math.round(step * i + step / 4)));
  return { warmup: warmup.filter((n) => !measured.includes(n)), measured };
}

/** The per-cmdlet delay of run `i`: a low-discrepancy spread over [SLOW_MIN_MS, SLOW_MAX_MS]. */
const slowMsOf = (i: number) =>
  Math.round(SLOW_MIN_MS + (SLOW_MAX_MS - SLOW_MIN_MS) * ((i * 0.6180339887498949) % 1));

/** What one measured run recorded. */
interface RunRecord {
  target: string;
  slowMs: number;
  /** (a) POST `link user` → candidates card at the connector. */
  candidatesMs: number;
  /** The two searches inside (a), as the app ran them. */
  adSearchMs: number;
  cloudSearchMs: number;
  checkMs: number;
  requestMs: number;
  /** Request POST → approval card in the approver's chat. */
  approvalCardMs: number;
  /** Approve POST → its invoke answer. */
  approveAnswerMs: number;
  /** (b) Approve POST → the ✓ Linked card update at the connector. */
  linkedMs: number;
  steps: Record<string, number>;
}

/** Times `method` of a service in place, keeping the last duration (the service is used one call at a time). */
function timing<T extends object>(service: T, method: string): { service: T; last: () => number } {
  let last = NaN;
  const proxy = new Proxy(service, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (property !== method) return fn.bind(target);
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await fn.apply(target, args);
        } finally {
          last = performance.now() - start;
        }
      };
    },
  });
  return { service: proxy, last: () => last };
}

async function main(): Promise<void> {
  const out = path.join(PROJECT_ROOT, 'test-output', 'bench');
  mkdirSync(out, { recursive: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-link-bench-'));
  const stops: [string, () => Promise<void>][] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const [name, stop] of stops.reverse()) {
        await withTimeout(stop(), 20_000, `stopping ${name}`).catch((err: unknown) =>
          console.error(`[bench] stopping ${name} failed: ${String(err)}`),
        );
      }
      rmSync(workDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: stopping everything`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  const log = (line: string) => console.log(`[bench] ${line}`);
  let failed = false;

  try {
    await waitForFreeLdapPorts(log);
    const dc = await SambaDc.start((l) => console.log(`[samba-dc] ${l}`));
    stops.push(['samba', () => dc.stop()]);
    await dc.seed([]); // the OUs only
    await dc.seedBulk(PREFIX, USERS, SYNCED_OU, 6);
    const { warmup, measured } = targets();
    const linked = [...warmup, ...measured];
    await enable(dc, linked.map(login));
    log(`enabled ${linked.length} AD users to link (bulk users are seeded disabled)`);

    const graph = new GraphSimulator(cloudSeed());
    const graphUrl = await graph.start();
    stops.push(['graph simulator', () => graph.stop()]);
    const authorityHost = await graph.startAuthority();

    const connector = new BotConnector();
    const serviceUrl = await connector.start();
    stops.push([
      'connector',
      async () => {
        // What the bot sent, to see why a run failed.
        if (failed) {
          writeFileSync(path.join(out, 'link-flow-connector.json'), JSON.stringify(connector.calls, null, 1));
        }
        await connector.stop();
      },
    ]);

    const config = loadConfig(
      {
        ANCHOR_MODE: 'demo',
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        LDAP_URL: dc.ldapsUrl,
        LDAP_BIND_DN: dc.adminDn,
        LDAP_BIND_PASSWORD: dc.adminPassword,
        LDAP_BASE_DN: dc.baseDn,
        LDAP_CA_FILE: dc.caFile,
        LDAP_TLS_SERVER_NAME: DC_FQDN,
        LDAP_SYNC_OUS: SYNCED_OU,
        LINK_VERIFY_INTERVAL_SECONDS: '1',
        // Production's round, not the demo's 15 s: each round is a relay job of several cmdlets at
        // the simulated delay, and the one relay runs jobs in turn, so a 15 s round sits in front
        // of the link's own jobs (it doubled approve → ✓ at 700 ms per cmdlet).
        SYNC_HEALTH_INTERVAL_SECONDS: '300',
      },
      DEMO_DEFAULTS,
    );
    // The app logs at info as in production, to a file instead of stdout.
    const logFile = path.join(out, 'link-flow-app.log');
    rmSync(logFile, { force: true });
    const destination = pino.destination({ dest: logFile, sync: true });
    const logger = createLogger({ level: config.logLevel, destination });
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graphUrl,
      authorityHost,
      authorityCaPem: graph.authorityCaPem,
    });
    const ldap = new LdapDirectory(config.ldap!);
    stops.push(['directory', () => ldap.close()]);
    const adSearch = timing<DirectoryService>(ldap, 'search');
    const cloudSearch = timing<CloudDirectory & TwinCleanupDirectory>(cloud, 'searchUsers');
    const relay = demoRelayKeys();
    const app: AnchorApp = createApp(
      { ...config, relay: relay.settings },
      { directory: adSearch.service, store: new MemoryStateStore(), cloud: cloudSearch.service },
      logger,
    );
    const port = await app.start();
    stops.push(['app', () => app.stop()]);
    const botUrl = `http://127.0.0.1:${port}`;

    // The AD side the stand-in's delta exports: every user linked so far plus the one being linked.
    const adViewFile = path.join(workDir, 'ad-view.json');
    const adUsers = new Map<string, DirectoryUser>();
    for (const sam of linked.map(login)) {
      const user = (await ldap.find('sAMAccountName', sam, { limit: 1 })).users[0];
      if (!user?.enabled) throw new Error(`${sam} is not an enabled AD user`);
      adUsers.set(sam, user);
    }
    const exported: DirectoryUser[] = [];
    const exportView = (sam: string) => {
      exported.push(adUsers.get(sam)!);
      const temp = `${adViewFile}.tmp`;
      writeFileSync(temp, JSON.stringify(adViewOf(exported)));
      renameSync(temp, adViewFile);
    };
    writeFileSync(adViewFile, '[]');

    const relayDir = path.join(workDir, 'relay');
    const adsync = new AdSyncSimState(path.join(relayDir, 'adsync-state.json'));
    adsync.reset({ slowMs: slowMsOf(0) });
    stops.push([
      'relay log copy', // runs after the relay stopped
      async () => {
        const relayLog = path.join(relayDir, 'relay.log');
        if (existsSync(relayLog)) copyFileSync(relayLog, path.join(out, 'link-flow-relay.log'));
      },
    ]);
    stops.push([
      'relay',
      startDemoRelay({
        botUrl,
        keys: relay.keys,
        workDir: relayDir,
        logger,
        sync: { graphUrl, adViewFile },
      }),
    ]);
    await until('the relay reports a ready, non-staging sync server', 60_000, async () => {
      const poll = (await app.relay.lastHeartbeat())?.poll;
      return !!poll?.ready && poll.scheduler.stagingModeEnabled === false;
    });
    log(`bot ${botUrl}, Graph ${graphUrl}, connector ${serviceUrl}; relay polling`);

    // Teams side.
    let seq = 0;
    const activity = (who: DemoTeamsUser, fields: Partial<Activity>): Partial<Activity> => ({
      ...teamsActivity({ aadObjectId: who.aadObjectId, tenantId: DEMO_TENANT.tenantId }, fields),
      id: `bench-in-${++seq}`,
      timestamp: new Date(),
      serviceUrl,
      from: { id: `29:${who.aadObjectId}`, name: who.name, aadObjectId: who.aadObjectId },
      recipient: { id: '28:anchor-bench', name: 'Anchor' },
      locale: 'en-US',
    });
    const post = async (a: Partial<Activity>): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a),
      });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`POST /api/messages answered ${res.status}: ${text}`);
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    const click = async (
      who: DemoTeamsUser,
      replyToId: string,
      verb: string,
      data: Record<string, unknown>,
    ) => {
      const { body } = await post(
        activity(who, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          replyToId,
          value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        }),
      );
      return body as { statusCode: number; type: string; value: unknown };
    };

    // Both admins installed Anchor: the bot keeps their chats, the approver's for approval cards.
    for (const who of [REQUESTER, APPROVER]) {
      await post(
        activity(who, {
          type: 'conversationUpdate',
          membersAdded: [{ id: '28:anchor-bench', name: 'Anchor' }],
        }),
      );
    }

    /** (a): `link user <login>` until the candidates card arrives. */
    const candidates = async (sam: string) => {
      const mark = connector.mark();
      const start = performance.now();
      await post(activity(REQUESTER, { type: 'message', text: `link user ${sam}` }));
      const card = await connector.next(
        mark,
        (c) =>
          c.kind !== 'update' && c.conversationId === conversationOf(REQUESTER) && cardOf(c) !== undefined,
        30_000,
        `the candidates card for ${sam}`,
      );
      const ms = card.at - start;
      const content = cardOf(card)!;
      const text = JSON.stringify(content);
      if (!text.includes(`"value":"${adUsers.get(sam)?.objectGuid ?? '?'}"`) && adUsers.has(sam)) {
        throw new Error(`the candidates card for ${sam} does not offer its AD user: ${text.slice(0, 2000)}`);
      }
      return { ms, card, content };
    };

    /** (b): check → request → approve, until the ✓ Linked card. */
    const link = async (
      sam: string,
      n: number,
      slowMs: number,
      found?: Awaited<ReturnType<typeof candidates>>,
    ) => {
      const { card: candidatesCall, content } = found ?? (await candidates(sam));
      const cardId = candidatesCall.activityId;
      const inputs = inputsOf(content);
      if (inputs.adUser !== adUsers.get(sam)!.objectGuid || inputs.cloudUser !== cloudIdOf(n)) {
        throw new Error(`${sam}: the card preselected ${inputs.adUser} ↔ ${inputs.cloudUser}`);
      }
      const check = actionOf(content, LINK_VERBS.check);

      let mark = connector.mark();
      let start = performance.now();
      const preflight = await click(REQUESTER, cardId, check.verb, { ...check.data, ...inputs });
      let preflightCard = preflight.value as Record<string, unknown>;
      if (JSON.stringify(preflightCard).includes('Checking the pair')) {
        // Slower than the invoke budget: the bot replaces the card when the preflight is done.
        const update = await connector.next(
          mark,
          (c) => c.kind === 'update' && c.activityId === cardId && !!cardOf(c),
          30_000,
          `the preflight card of ${sam}`,
        );
        preflightCard = cardOf(update)!;
      }
      const checkMs = performance.now() - start;
      const requestAction = actionOf(preflightCard, LINK_VERBS.request, () =>
        JSON.stringify(preflightCard).slice(0, 3000),
      );
      const acks = Object.fromEntries(PREFLIGHT_CHECK_IDS.map((id) => [acknowledgementInput(id), 'true']));

      mark = connector.mark();
      start = performance.now();
      const filed = await click(REQUESTER, cardId, requestAction.verb, {
        ...requestAction.data,
        ...inputsOf(preflightCard),
        ...acks,
        reason: `BENCH-${n}: link bench run`,
      });
      const requestMs = performance.now() - start;
      const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
      if (!requestId) throw new Error(`${sam}: no request was filed: ${JSON.stringify(filed.value)}`);
      const approval = await connector.next(
        mark,
        (c) =>
          // A proactive send arrives as a reply to the ContinueConversation event the adapter makes up.
          (c.kind === 'send' || c.kind === 'reply') &&
          c.conversationId === conversationOf(APPROVER) &&
          JSON.stringify(c.body).includes(requestId),
        30_000,
        `the approval card of ${sam}`,
      );
      const approvalCardMs = approval.at - start;

      const approve = actionOf(cardOf(approval)!, LINK_VERBS.approve);
      exportView(sam);
      adsync.set({ slowMs });
      if (adsync.read().slowMs !== slowMs) adsync.set({ slowMs });
      const done = connector.mark();
      start = performance.now();
      await click(APPROVER, approval.activityId, approve.verb, approve.data);
      const approveAnswerMs = performance.now() - start;
      const finished = await connector.next(
        done,
        (c) =>
          c.kind === 'update' &&
          (c.activityId === cardId || c.activityId === approval.activityId) &&
          /"✓ Linked|"✗ Link failed/.test(JSON.stringify(cardOf(c) ?? {})),
        180_000,
        `the ✓ card of ${sam}`,
      );
      const linkedMs = finished.at - start;
      const request = await app.link.get(requestId);
      if (request?.state !== 'linked') {
        throw new Error(`${sam}: the run ended ${request?.state}: ${JSON.stringify(request?.run?.failure)}`);
      }
      return {
        checkMs,
        requestMs,
        approvalCardMs,
        approveAnswerMs,
        linkedMs,
        steps: stepDurations(request),
      };
    };

    for (const [i, n] of warmup.entries()) {
      const r = await link(login(n), n, slowMsOf(i + 1));
      log(`warm-up ${login(n)}: linked in ${fmt(r.linkedMs)}`);
    }

    const records: RunRecord[] = [];
    for (const [i, n] of measured.entries()) {
      const sam = login(n);
      const slowMs = slowMsOf(i + WARMUP_RUNS + 1);
      // (a) on its own first, so nothing of the flow before it overlaps; then (b) for the same pair.
      const a = await candidates(sam);
      const record: RunRecord = {
        target: sam,
        slowMs,
        candidatesMs: a.ms,
        adSearchMs: adSearch.last(),
        cloudSearchMs: cloudSearch.last(),
        ...(await link(sam, n, slowMs, a)),
      };
      records.push(record);
      log(
        `${i + 1}/${measured.length} ${sam}: candidates ${fmt(record.candidatesMs)} ` +
          `(AD ${fmt(record.adSearchMs)}, Graph ${fmt(record.cloudSearchMs)}); ` +
          `approve → ✓ ${fmt(record.linkedMs)} at ${slowMs} ms/cmdlet`,
      );
    }

    const memory = process.memoryUsage();
    const children = childMemory();
    const report = render(records, memory, children);
    console.log(`\n${report.table}\n`);
    writeFileSync(path.join(out, 'link-flow.md'), `${report.table}\n`);
    writeFileSync(path.join(out, 'link-flow.json'), JSON.stringify(records, null, 2));
    process.exitCode = report.met ? 0 : 1;
    destination.flushSync();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await stopAll();
  }
}

/** The demo tenant with 10,000 cloud-only twins of the bench users, and the realm's UPN domain verified. */
function cloudSeed() {
  const organization = demoOrganization(DEMO_TENANT.tenantId);
  organization.verifiedDomains.push({
    name: UPN_SUFFIX,
    isDefault: false,
    isInitial: false,
    type: 'Managed',
  });
  return {
    tenantId: DEMO_TENANT.tenantId,
    organization,
    users: Array.from({ length: USERS }, (_, i) => {
      const n = i + 1;
      return cloudOnlyUser(
        cloudIdOf(n),
        `${login(n)}@${UPN_SUFFIX}`,
        `${PREFIX} User ${String(n).padStart(5, '0')}`,
      );
    }),
  };
}

/** Gives the users a password and enables them: preflight refuses disabled AD accounts. */
async function enable(dc: SambaDc, logins: string[]): Promise<void> {
  const client = await dc.bind();
  try {
    for (const sam of logins) {
      const password = `Bench-${randomBytes(9).toString('base64url')}7!`;
      await client.modify(`CN=${sam},${SYNCED_OU}`, [
        new Change({
          operation: 'replace',
          modification: new Attribute({
            type: 'unicodePwd',
            values: [Buffer.from(`"${password}"`, 'utf16le')],
          }),
        }),
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'userAccountControl', values: ['512'] }),
        }),
      ]);
    }
  } finally {
    await client.unbind();
  }
}

/** Samba's ports are fixed: wait for another run's DC to go away rather than kill what is not ours. */
async function waitForFreeLdapPorts(log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  let said = false;
  while ((await portInUse(389)) || (await portInUse(636))) {
    if (Date.now() > deadline) throw new Error('ports 389/636 stayed in use for 15 minutes');
    if (!said) log('ports 389/636 are in use (another Samba DC?); waiting for them to be free');
    said = true;
    await sleep(5000);
  }
}

/** The adaptive card a connector call carries, if any. */
function cardOf(call: ConnectorCall): Record<string, unknown> | undefined {
  const attachments = call.body.attachments as { contentType?: string; content?: unknown }[] | undefined;
  const card = attachments?.find((a) => a.contentType === CARD)?.content;
  return card && typeof card === 'object' ? (card as Record<string, unknown>) : undefined;
}

/** Every input of a card with its value, as Teams merges them into an Action.Execute's data. */
function inputsOf(card: unknown): Record<string, string> {
  const inputs: Record<string, string> = {};
  walk(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string') {
      inputs[node.id] = typeof node.value === 'string' ? node.value : '';
    }
  });
  return inputs;
}

/** The card's Action.Execute with `verb`. */
function actionOf(
  card: unknown,
  verb: string,
  context?: () => string,
): { verb: string; data: Record<string, unknown> } {
  let found: { verb: string; data: Record<string, unknown> } | undefined;
  walk(card, (node) => {
    if (!found && node.type === 'Action.Execute' && node.verb === verb) {
      found = { verb, data: (node.data as Record<string, unknown> | undefined) ?? {} };
    }
  });
  if (!found) throw new Error(`the card has no ${verb} action${context ? `: ${context()}` : ''}`);
  return found;
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

/** How long each run step took, from the request's own record. */
function stepDurations(request: LinkRequest): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const s of request.run?.steps ?? []) {
    if (s.finishedAt) steps[s.name] = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
  }
  return steps;
}

/**
 * Memory of the child processes this bench started (Samba; the relay with its stand-in shell), as
 * PSS: Samba's prefork workers share most of their pages, which a sum of RSS would count again
 * for each of them.
 */
function childMemory(): { samba: number; relay: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const tree = (pid: number): number[] => [
    pid,
    ...rows.filter((r) => r.ppid === pid).flatMap((r) => tree(r.pid)),
  ];
  const sum = (pred: (args: string) => boolean) =>
    rows
      .filter((r) => r.ppid === process.pid && pred(r.args))
      .flatMap((r) => tree(r.pid))
      .reduce((total, pid) => total + pssOf(pid), 0);
  return {
    samba: sum((a) => a.includes('samba')),
    relay: sum((a) => a.includes(path.join('src', 'relay-agent', 'main.ts'))),
  };
}

/** Proportional set size of a process in bytes (0 when it is gone). */
function pssOf(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function render(
  records: RunRecord[],
  memory: NodeJS.MemoryUsage,
  children: { samba: number; relay: number },
): { table: string; met: boolean } {
  const col = (pick: (r: RunRecord) => number | undefined) =>
    records.map(pick).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  const row = (name: string, values: number[]) =>
    `| ${name} | ${fmt(pct(values, 50))} | ${fmt(pct(values, 95))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`;
  const candidates = col((r) => r.candidatesMs);
  const p95 = pct(candidates, 95);
  const met = p95 < TARGET_MS;
  const stepNames = ['pause', 'preflight', 'set-immutable-id', 'resume', 'delta', 'verify'];
  const table = [
    `${RUNS} runs; Samba AD DC with ${USERS} bulk users, Graph simulator with ${USERS} cloud-only users; ` +
      `stand-in ADSync cmdlets delayed ${SLOW_MIN_MS}–${SLOW_MAX_MS} ms each (one value per run); ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}.`,
    '',
    '| measured | p50 | p95 | min | max |',
    '|---|---:|---:|---:|---:|',
    row('**`link user` → candidates card**', candidates),
    row(
      '… of which AD search (LDAP ANR)',
      col((r) => r.adSearchMs),
    ),
    row(
      '… of which Graph search (`$search`)',
      col((r) => r.cloudSearchMs),
    ),
    row(
      '**Approve → ✓ Linked card**',
      col((r) => r.linkedMs),
    ),
    ...stepNames.map((s) =>
      row(
        `… step ${s}`,
        col((r) => r.steps[s]),
      ),
    ),
    row(
      'Check → preflight card',
      col((r) => r.checkMs),
    ),
    row(
      'Request → invoke answer',
      col((r) => r.requestMs),
    ),
    row(
      'Request → approval card in the approver’s chat',
      col((r) => r.approvalCardMs),
    ),
    row(
      'Approve → invoke answer',
      col((r) => r.approveAnswerMs),
    ),
    '',
    `Target: candidates card p95 under ${TARGET_MS} ms — ${met ? 'met' : 'MISSED'} (${fmt(p95)}).`,
    `Memory after the run: bench process (app, Graph simulator, connector) rss ${mb(memory.rss)}, ` +
      `heap used ${mb(memory.heapUsed)}; relay with its stand-in shell PSS ${mb(children.relay)}; ` +
      `Samba PSS ${mb(children.samba)}.`,
  ].join('\n');
  return { table, met };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
