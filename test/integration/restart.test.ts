import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINK_VERBS } from '../../src/bot/verbs';
import { AuditLog } from '../../src/services/audit/audit-log';
import { FileStateStore } from '../../src/services/state/file-state-store';
import { LinkRequestStore } from '../../src/services/link/request-store';
import { demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from '../support/anchor-process';
import { fetchHealth } from '../support/health';
import { BotConnector } from '../support/bot-connector';
import { bulkCloudId, bulkObjectGuid, scaleOutCloudUsers } from '../support/scale-out-tenant';
import { relayPairing, startRelayProcess } from '../support/relay-process';
import { TeamsClient } from '../support/teams-client';

const REQUESTER = DEMO_TENANT.requester;
const APPROVER = DEMO_TENANT.approver;

/** The default file store keeps what an admin left pending across a restart of the process. */
describe('restart: state in the file store survives the process', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-restart-'));
  const dataDir = path.join(dir, 'data');
  let graph: GraphSimulator;
  let connector: BotConnector;
  let teams: TeamsClient;
  let bot: AnchorProcess | undefined;
  let url: string;
  let port: number;
  let relay: AnchorProcess | undefined;
  const pairing = relayPairing();

  async function startBot(): Promise<void> {
    bot = AnchorProcess.start(
      {
        PORT: String(port),
        ...pairing.botEnv,
        STATE_STORE: 'file',
        DATA_DIR: dataDir,
        INSTANCE_NAME: 'restart',
        INSTANCE_GRAPH_URL: graph.baseUrl,
        INSTANCE_AUTHORITY_URL: graph.authorityUrl,
        INSTANCE_AUTHORITY_CA_FILE: path.join(dir, 'authority-ca.pem'),
      },
      'test/support/bot-instance.ts',
    );
    await bot.waitFor(/instance listening/, 60_000);
  }

  /** check → request for bulk pair `n`, warnings ticked; returns the request id. */
  async function fileRequest(n: number): Promise<string> {
    const preflight = await teams.click(url, REQUESTER, LINK_VERBS.check, {
      adUser: bulkObjectGuid(n),
      cloudUser: bulkCloudId(n),
    });
    const text = JSON.stringify(preflight.value);
    const draftId = /"draftId":"([^"]+)"/.exec(text)?.[1];
    assert.ok(draftId, text.slice(0, 1000));
    const acks = Object.fromEntries([...text.matchAll(/"id":"(ack\.[a-z-]+)"/g)].map((m) => [m[1], 'true']));
    const filed = await teams.click(url, REQUESTER, LINK_VERBS.request, {
      draftId,
      reason: `INC-${n}`,
      ...acks,
    });
    const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
    assert.ok(requestId, JSON.stringify(filed.value).slice(0, 1000));
    return requestId;
  }

  before(async () => {
    const seed = demoGraphSeed(DEMO_TENANT.tenantId);
    graph = new GraphSimulator({ ...seed, users: [...seed.users, ...scaleOutCloudUsers()] });
    await graph.start();
    await graph.startAuthority();
    writeFileSync(path.join(dir, 'authority-ca.pem'), graph.authorityCaPem);
    connector = new BotConnector();
    teams = new TeamsClient(await connector.start());
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await startBot();
    // A relay that polls makes the sync-server check pass, so the pairs can be filed.
    relay = startRelayProcess(url, pairing, dir, path.join(dir, 'adsync.json'));
    await waitForRelay();
  });

  async function waitForRelay(): Promise<void> {
    const end = Date.now() + 30_000;
    for (;;) {
      const health = (await (await fetchHealth(url)).json()) as {
        dependencies: { relay: { state: string } };
      };
      if (health.dependencies.relay.state === 'ok') return;
      assert.ok(Date.now() < end, `the relay does not poll: ${JSON.stringify(health.dependencies.relay)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  after(async () => {
    await relay?.stop();
    await bot?.stop();
    await connector?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the pending request, the audit and the admins’ chats, and the approval works after the restart', async () => {
    await teams.install(url, APPROVER);
    const id = await fileRequest(3);
    await bot?.stop();
    bot = undefined;

    // Read straight from the files while no process runs.
    const store = new FileStateStore(dataDir);
    assert.equal((await new LinkRequestStore(store, { isAdmin: () => true }).get(id))?.state, 'pending');
    assert.deepEqual(
      (await new AuditLog(store).recent({ requestId: id })).map((e) => e.action),
      ['link.requested'],
    );

    await startBot();
    await waitForRelay();
    const mark = connector.mark();
    // The approver's chat, saved before the restart, still receives the next approval card.
    const second = await fileRequest(4);
    const card = await connector.next(
      mark,
      (c) =>
        c.conversationId === TeamsClient.conversationOf(APPROVER) && JSON.stringify(c.body).includes(second),
      20_000,
      "the approval card in the approver's chat",
    );
    assert.ok(card);
    const approved = await teams.click(url, APPROVER, LINK_VERBS.approve, { requestId: id });
    assert.match(JSON.stringify(approved.value), /approved, starting/);
    const actions = (await new AuditLog(store).recent({ requestId: id })).map((e) => e.action);
    assert.ok(actions.includes('link.requested') && actions.includes('link.approved'), actions.join(', '));
  });
});
