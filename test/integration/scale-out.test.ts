import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALREADY_HANDLED } from '../../src/bot/middleware/dedupe-middleware';
import { LINK_VERBS } from '../../src/bot/verbs';
import { AuditLog } from '../../src/services/audit/audit-log';
import { BlobStateStore } from '../../src/services/state/blob-state-store';
import type { AuditEntry } from '../../src/services/audit/audit-log';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { FINAL_REQUEST_STATES } from '../../src/services/link/link-request';
import { LinkRequestStore } from '../../src/services/link/request-store';
import type { StateStore } from '../../src/services/state/state-store';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../../src/sim/adsync-host/graph-sync';
import { AdSyncSimState } from '../../src/sim/adsync-host/state';
import { adViewOf } from '../../src/sim/demo/ad-view';
import { demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from '../support/anchor-process';
import { fetchHealth } from '../support/health';
import { sharedAzurite } from '../support/fixtures';
import { BotConnector } from '../support/bot-connector';
import {
  BULK_PAIRS,
  bulkCloudId,
  bulkLogin,
  bulkObjectGuid,
  scaleOutCloudUsers,
  scaleOutDirectory,
} from '../support/scale-out-tenant';
import { relayPairing, startRelayProcess } from '../support/relay-process';
import { TeamsClient } from '../support/teams-client';
import { until as waitUntil } from '../support/until';

const REQUESTER = DEMO_TENANT.requester;
const APPROVER = DEMO_TENANT.approver;

/**
 * Two Anchor processes behind one "load balancer" (the test posts to either), sharing state in
 * Azure Blob Storage (Azurite), one Graph simulator and one relay with the stand-in ADSync host.
 */
describe('scale-out: two bot processes sharing Azure Blob Storage (Azurite)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-scale-out-'));
  const container = `scale-out-${randomUUID().slice(0, 8)}`;
  const adsync = new AdSyncSimState(path.join(dir, 'adsync.json'));
  const pairing = relayPairing();
  let graph: GraphSimulator;
  let connector: BotConnector;
  let teams: TeamsClient;
  let connectionString: string;
  let store: StateStore;
  let requests: LinkRequestStore;
  let audit: AuditLog;
  const instances: { name: string; port: number; process: AnchorProcess }[] = [];
  let relay: AnchorProcess;

  const urlOf = (i: number) => `http://127.0.0.1:${instances[i].port}`;
  const adView = path.join(dir, 'ad-view.json');

  /**
   * What Entra Connect exports on the next delta: only the bulk users linked so far, as if the
   * others sat outside the sync scope (in scope and unlinked, a cycle would create synced twins).
   */
  function exportToEntra(...pairs: number[]): void {
    const guids = new Set(pairs.map(bulkObjectGuid));
    const users = new DemoDirectory(scaleOutDirectory()).all().filter((u) => guids.has(u.objectGuid));
    writeFileSync(adView, JSON.stringify(adViewOf(users)));
  }

  function startInstance(name: string, port: number): AnchorProcess {
    const process = AnchorProcess.start(
      {
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...pairing.botEnv,
        STATE_STORE: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: connectionString,
        AZURE_STORAGE_CONTAINER: container,
        LINK_VERIFY_INTERVAL_SECONDS: '1',
        LINK_VERIFY_TIMEOUT_SECONDS: '30',
        LINK_RUN_LEASE_SECONDS: '3',
        INSTANCE_NAME: name,
        INSTANCE_GRAPH_URL: graph.baseUrl,
        INSTANCE_AUTHORITY_URL: graph.authorityUrl,
        INSTANCE_AUTHORITY_CA_FILE: path.join(dir, 'authority-ca.pem'),
      },
      'test/support/bot-instance.ts',
    );
    return process;
  }

  /** Scale-out waits are shorter and polled more often than the default. */
  const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000) =>
    waitUntil(what, check, timeoutMs, 200);

  /** check → request on instance `i` for bulk pair `n` (or apes); returns the request id. */
  async function fileRequest(
    i: number,
    adObjectGuid: string,
    cloudUserId: string,
    reason: string,
  ): Promise<string> {
    const preflight = await teams.click(urlOf(i), REQUESTER, LINK_VERBS.check, {
      adUser: adObjectGuid,
      cloudUser: cloudUserId,
    });
    const text = JSON.stringify(preflight.value);
    const draftId = /"draftId":"([^"]+)"/.exec(text)?.[1];
    assert.ok(draftId, `no request button on the preflight card: ${text.slice(0, 1500)}`);
    // The admin ticks every warning (e.g. the first sync-server check before the relay reported staging).
    const acks = Object.fromEntries([...text.matchAll(/"id":"(ack\.[a-z-]+)"/g)].map((m) => [m[1], 'true']));
    const filed = await teams.click(urlOf(i), REQUESTER, LINK_VERBS.request, { draftId, reason, ...acks });
    const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
    assert.ok(requestId, JSON.stringify(filed.value).slice(0, 1500));
    return requestId;
  }

  const finalState = (id: string, timeoutMs = 60_000) =>
    until(
      `request ${id} is final`,
      async () => {
        const r = await requests.get(id);
        return r && FINAL_REQUEST_STATES.includes(r.state) ? r : undefined;
      },
      timeoutMs,
    );

  const auditOf = async (id: string): Promise<AuditEntry[]> => audit.recent({ requestId: id });

  before(async function () {
    const azurite = await sharedAzurite();
    connectionString = azurite.connectionString;
    store = new BlobStateStore({ container, connectionString });
    requests = new LinkRequestStore(store, { isAdmin: () => true });
    audit = new AuditLog(store);

    const seed = demoGraphSeed(DEMO_TENANT.tenantId);
    graph = new GraphSimulator({ ...seed, users: [...seed.users, ...scaleOutCloudUsers()] });
    await graph.start();
    await graph.startAuthority();
    writeFileSync(path.join(dir, 'authority-ca.pem'), graph.authorityCaPem);
    // The tenant lets the app read its sync features, so the preflight of a good pair has no warning.
    graph.state.onPremisesSyncReadableByApps = true;

    exportToEntra();
    connector = new BotConnector();
    teams = new TeamsClient(await connector.start());
    for (const name of ['A', 'B']) {
      const port = await freePort();
      instances.push({ name, port, process: startInstance(name, port) });
    }
    await Promise.all(instances.map((i) => i.process.waitFor(/instance listening/, 60_000)));
    // The relay polls A; jobs either instance queues are in the shared store, so A hands them out.
    relay = startRelayProcess(urlOf(0), pairing, dir, adsync.path, {
      [GRAPH_URL_ENV]: graph.baseUrl,
      [AD_VIEW_ENV]: adView,
    });
    await until('both instances see the relay', async () => {
      const states = await Promise.all(
        [0, 1].map(
          async (i) => ((await (await fetchHealth(urlOf(i))).json()) as HealthBody).dependencies.relay.state,
        ),
      );
      return states.every((s) => s === 'ok') || undefined;
    });
    for (const who of [REQUESTER, APPROVER]) await teams.install(urlOf(0), who);
  });

  after(async function () {
    await relay?.stop();
    for (const i of instances) await i.process.stop();
    await connector?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an approval delivered to both instances at once exactly once, with one audit entry', async () => {
    exportToEntra(1);
    const id = await fileRequest(0, bulkObjectGuid(1), bulkCloudId(1), 'INC-1 both instances');
    const approve = teams.invoke(APPROVER, LINK_VERBS.approve, { requestId: id });
    const answers = await Promise.all([teams.post(urlOf(0), approve), teams.post(urlOf(1), { ...approve })]);
    const texts = answers.map((a) => JSON.stringify(a));
    assert.equal(texts.filter((t) => /approved, starting/.test(t)).length, 1, texts.join('\n'));
    assert.equal(texts.filter((t) => t.includes(ALREADY_HANDLED)).length, 1, texts.join('\n'));

    const done = await finalState(id);
    assert.equal(done.state, 'linked', JSON.stringify(done.run?.failure));
    // The outcome is audited just after the request is written as finished.
    const entries = await until('the outcome is audited', async () => {
      const all = await auditOf(id);
      return all.some((e) => e.action === 'link.linked') ? all : undefined;
    });
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    assert.equal(count('link.approved'), 1);
    assert.equal(count('link.linked'), 1);
    assert.equal(
      entries.filter((e) => /^pause done/.test(e.detail)).length,
      1,
      'the scheduler was paused once',
    );
    const user = graph.state.users.get(bulkCloudId(1));
    assert.equal(user?.onPremisesSyncEnabled, true);
  });

  it('keeps 50 requests filed at once across both instances, none lost or doubled', async () => {
    const pairs = Array.from({ length: 50 }, (_, i) => i + 2);
    const ids = await Promise.all(
      pairs.map((n) => fileRequest(n % 2, bulkObjectGuid(n), bulkCloudId(n), `INC-${n} at once`)),
    );
    assert.equal(new Set(ids).size, 50);
    const open = await requests.listOpen();
    for (const id of ids)
      assert.ok(
        open.some((r) => r.id === id),
        `request ${id} is not in the open list`,
      );
    const filed = await Promise.all(ids.map((id) => requests.get(id)));
    assert.deepEqual(filed.map((r) => r?.preflight.ad.sAMAccountName).sort(), pairs.map(bulkLogin).sort());
    const requested = (await audit.recent()).filter(
      (e) => e.action === 'link.requested' && ids.includes(e.requestId),
    );
    assert.equal(requested.length, 50);
    assert.equal(new Set(requested.map((e) => e.requestId)).size, 50);
  });

  it('ends a link whose instance was killed after the pause: scheduler enabled, clear final state, audited', async () => {
    const n = BULK_PAIRS;
    exportToEntra(1, n);
    const id = await fileRequest(0, bulkObjectGuid(n), bulkCloudId(n), 'INC-99 the instance dies');
    // Graph answers the re-check slowly (503, Retry-After), so A is killed between the pause and the PATCH.
    graph.faults.inject({
      method: 'GET',
      path: `/v1.0/users/${bulkCloudId(n)}`,
      status: 503,
      retryAfterSeconds: 2,
      count: 5,
    });
    const answer = await teams.click(urlOf(0), APPROVER, LINK_VERBS.approve, { requestId: id });
    assert.match(JSON.stringify(answer), /approved, starting/);
    await until('the pause is done and the re-check runs', async () => {
      const r = await requests.get(id);
      const steps = r?.run?.steps ?? [];
      return steps.some((s) => s.name === 'pause' && s.state === 'done') &&
        steps.some((s) => s.name === 'preflight' && s.state === 'running')
        ? r
        : undefined;
    });
    assert.equal(adsync.read().syncCycleEnabled, false, 'the scheduler is paused when A dies');
    await instances[0].process.kill();
    graph.faults.clear();
    instances[0].process = startInstance('A2', instances[0].port);
    await instances[0].process.waitFor(/instance listening/, 60_000);

    // The relay backs off while A is down, so the take-over's resume may wait for its next poll.
    const done = await finalState(id, 120_000);
    assert.equal(done.state, 'failed');
    assert.match(done.run?.failure?.message ?? '', /stopped during the preflight step/);
    assert.ok(
      done.run?.steps.some((s) => s.name === 'resume' && s.state === 'done'),
      'the scheduler was resumed',
    );
    assert.equal(adsync.read().syncCycleEnabled, true);
    assert.equal(graph.state.users.get(bulkCloudId(n))?.onPremisesImmutableId, null);
    // The outcome is audited just after the request is written as finished.
    const failed = await until('the failure is audited', async () =>
      (await auditOf(id)).find((e) => e.action === 'link.failed'),
    );
    assert.match(failed.detail, /stopped during the preflight step/);
  });
});

interface HealthBody {
  dependencies: { relay: { state: string } };
}
