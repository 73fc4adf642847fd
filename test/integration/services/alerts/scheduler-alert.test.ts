import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINK_VERBS } from '../../../../src/bot/verbs';
import { FINAL_REQUEST_STATES } from '../../../../src/services/link/link-request';
import type { LinkRequest } from '../../../../src/services/link/link-request';
import { LinkRequestStore } from '../../../../src/services/link/request-store';
import { FileStateStore } from '../../../../src/services/state/file-state-store';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../../../../src/sim/adsync-host/graph-sync';
import { AdSyncSimState } from '../../../../src/sim/adsync-host/state';
import { adViewOf } from '../../../../src/sim/demo/ad-view';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from '../../../support/anchor-process';
import { BotConnector } from '../../../support/bot-connector';
import type { ConnectorCall } from '../../../support/bot-connector';
import { relayPairing, startRelayProcess } from '../../../support/relay-process';
import {
  bulkCloudId,
  bulkObjectGuid,
  scaleOutCloudUsers,
  scaleOutDirectory,
} from '../../../support/scale-out-tenant';
import { TeamsClient } from '../../../support/teams-client';
import { until } from '../../../support/until';

const REQUESTER = DEMO_TENANT.requester;
const APPROVER = DEMO_TENANT.approver;

/**
 * A resume that does not take, end to end on real processes: the bot (createApp over HTTP, file
 * store), the relay process, the stand-in ADSync host told to swallow every resume, the Graph
 * simulator, and a stand-in Bot Connector that records the cards the bot posts to the admins.
 */
describe('a scheduler left paused: the run fails, every admin is alerted, the alert resolves', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-scheduler-alert-'));
  const adsync = new AdSyncSimState(path.join(dir, 'adsync.json'));
  const pairing = relayPairing();
  let graph: GraphSimulator;
  let connector: BotConnector;
  let teams: TeamsClient;
  let bot: AnchorProcess;
  let relay: AnchorProcess;
  let botUrl: string;
  let requests: LinkRequestStore;

  /** The bot's posts (a reply or a new message) or updates of the alert card. */
  const alertCalls = (kinds: ConnectorCall['kind'][]) =>
    connector.calls.filter(
      (c) => kinds.includes(c.kind) && JSON.stringify(c.body).includes('The sync scheduler is paused on'),
    );

  before(async () => {
    const seed = demoGraphSeed(DEMO_TENANT.tenantId);
    graph = new GraphSimulator({ ...seed, users: [...seed.users, ...scaleOutCloudUsers()] });
    await graph.start();
    await graph.startAuthority();
    graph.state.onPremisesSyncReadableByApps = true;
    writeFileSync(path.join(dir, 'authority-ca.pem'), graph.authorityCaPem);
    const users = new DemoDirectory(scaleOutDirectory())
      .all()
      .filter((u) => u.objectGuid === bulkObjectGuid(1));
    writeFileSync(path.join(dir, 'ad-view.json'), JSON.stringify(adViewOf(users)));

    connector = new BotConnector();
    teams = new TeamsClient(await connector.start());
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}`;
    const dataDir = path.join(dir, 'state');
    bot = AnchorProcess.start(
      {
        PORT: String(port),
        ...pairing.botEnv,
        STATE_STORE: 'file',
        DATA_DIR: dataDir,
        LINK_VERIFY_INTERVAL_SECONDS: '1',
        LINK_VERIFY_TIMEOUT_SECONDS: '30',
        INSTANCE_NAME: 'alert',
        INSTANCE_GRAPH_URL: graph.baseUrl,
        INSTANCE_AUTHORITY_URL: graph.authorityUrl,
        INSTANCE_AUTHORITY_CA_FILE: path.join(dir, 'authority-ca.pem'),
      },
      'test/support/bot-instance.ts',
    );
    await bot.waitFor(/instance listening/, 60_000);
    requests = new LinkRequestStore(new FileStateStore(dataDir), { isAdmin: () => true });
    relay = startRelayProcess(botUrl, pairing, dir, adsync.path, {
      [GRAPH_URL_ENV]: graph.baseUrl,
      [AD_VIEW_ENV]: path.join(dir, 'ad-view.json'),
      RELAY_RESUME_ATTEMPTS: '2',
      RELAY_RESUME_RETRY_MS: '200',
      RELAY_LEASE_RETRY_MS: '1000',
    });
    await relay.waitFor(/PowerShell ready/, 60_000);
    for (const who of [REQUESTER, APPROVER]) await teams.install(botUrl, who);
  });

  after(async () => {
    await relay?.stop();
    await bot?.stop();
    await connector?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never shows Linked, alerts both admins, and turns the alert green once the scheduler is enabled', async () => {
    adsync.ignoreResume('always');
    const preflight = await teams.click(botUrl, REQUESTER, LINK_VERBS.check, {
      adUser: bulkObjectGuid(1),
      cloudUser: bulkCloudId(1),
    });
    const text = JSON.stringify(preflight.value);
    const draftId = /"draftId":"([^"]+)"/.exec(text)?.[1];
    assert.ok(draftId, text.slice(0, 1500));
    const acks = Object.fromEntries([...text.matchAll(/"id":"(ack\.[a-z-]+)"/g)].map((m) => [m[1], 'true']));
    const filed = await teams.click(botUrl, REQUESTER, LINK_VERBS.request, {
      draftId,
      reason: 'INC-7 resume does not take',
      ...acks,
    });
    const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
    assert.ok(requestId);
    await teams.click(botUrl, APPROVER, LINK_VERBS.approve, { requestId });

    const done = await until<LinkRequest>('the run is over', async () => {
      const r = await requests.get(requestId);
      return r && FINAL_REQUEST_STATES.includes(r.state) ? r : undefined;
    });
    assert.equal(done.state, 'failed');
    assert.match(done.run?.failure?.message ?? '', /still paused on/);
    assert.equal(done.run?.failure?.scheduler, 'paused');
    assert.ok(
      !connector.calls.some((c) => JSON.stringify(c.body).includes('✓ Linked')),
      'no card ever said Linked',
    );

    const sent = await until('both admins got the alert card', async () => {
      const calls = alertCalls(['send', 'reply', 'create']);
      return calls.length >= 2 ? calls : undefined;
    });
    assert.deepEqual(
      sent.map((c) => c.conversationId).sort(),
      [REQUESTER, APPROVER].map((who) => TeamsClient.conversationOf(who)).sort(),
    );
    assert.equal(adsync.read().syncCycleEnabled, false, 'the stand-in still has the scheduler paused');

    adsync.ignoreResume(0);
    await until(
      'the relay resumed the scheduler by itself',
      async () => adsync.read().syncCycleEnabled || undefined,
    );
    const resolved = await until('every alert card turned to resolved', async () => {
      const updates = connector.calls.filter(
        (c) => c.kind === 'update' && JSON.stringify(c.body).includes('The sync scheduler runs again on'),
      );
      return updates.length >= 2 ? updates : undefined;
    });
    assert.deepEqual(resolved.map((c) => c.activityId).sort(), sent.map((c) => c.activityId).sort());
  });
});
