import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINK_VERBS } from '../../../src/bot/verbs';
import { REFUSAL } from '../../../src/bot/middleware/access-middleware';
import { RELAY_PATHS } from '../../../src/shared/relay-protocol/messages';
import { privateKeyFrom } from '../../../src/shared/relay-protocol/request-signing';
import { demoGraphSeed } from '../../../src/sim/demo/demo-graph-seed';
import { withDemoTeams } from '../../../src/sim/demo/demo-teams';
import { DEMO_TENANT, cloudOnlyUser } from '../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from '../../support/anchor-process';
import type { ConnectorCall } from '../../support/bot-connector';
import { BotConnector } from '../../support/bot-connector';
import { APES_CLOUD_ID, APES_OBJECT_GUID } from '../../support/link-fixtures';
import { pollRequest, signedRequest } from '../../support/relay-messages';
import { TEST_RELAY_ID, relayPairing } from '../../support/relay-process';
import { TeamsClient } from '../../support/teams-client';

const MEGAN = DEMO_TENANT.requester;
const ADELE = DEMO_TENANT.approver;
const PATTI = DEMO_TENANT.others[0];
const LIDIA = DEMO_TENANT.others[3];
const ADMIN_GROUP = 'b0000000-0000-4000-8000-0000000000a1';
const TIER0 = 'b0000000-0000-4000-8000-0000000000a2';

describe('approvers reached, admins by group (the bot as a real process, Graph simulator over HTTP)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-approvers-'));
  const pairing = relayPairing();
  let graph: GraphSimulator;
  let connector: BotConnector;
  let teams: TeamsClient;
  let bot: AnchorProcess;
  let botUrl = '';

  before(async () => {
    const seed = withDemoTeams(demoGraphSeed(DEMO_TENANT.tenantId));
    graph = new GraphSimulator({
      ...seed,
      users: [...seed.users, cloudOnlyUser(LIDIA.aadObjectId, LIDIA.upn, LIDIA.name)],
      // Lidia is an admin only through a nested group; Patti is in no group.
      groups: [
        { id: ADMIN_GROUP, displayName: 'Anchor admins', members: [TIER0] },
        { id: TIER0, displayName: 'Tier 0 operators', members: [LIDIA.aadObjectId] },
      ],
    });
    await graph.start();
    await graph.startAuthority();
    writeFileSync(path.join(dir, 'authority-ca.pem'), graph.authorityCaPem);
    connector = new BotConnector();
    teams = new TeamsClient(await connector.start());
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}`;
    bot = AnchorProcess.start(
      {
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...pairing.botEnv,
        ANCHOR_ADMIN_GROUP_ID: ADMIN_GROUP,
        INSTANCE_TEAMS: '1',
        INSTANCE_GRAPH_URL: graph.baseUrl,
        INSTANCE_AUTHORITY_URL: graph.authorityUrl,
        INSTANCE_AUTHORITY_CA_FILE: path.join(dir, 'authority-ca.pem'),
      },
      'test/support/bot-instance.ts',
    );
    await bot.waitFor(/instance listening/, 60_000);
    // The relay has polled, so the preflight's sync-server check passes.
    const poll = signedRequest(
      RELAY_PATHS.poll,
      pollRequest(TEST_RELAY_ID),
      TEST_RELAY_ID,
      privateKeyFrom(pairing.relay.privateKey),
    );
    const polled = await fetch(`${botUrl}${poll.path}`, {
      method: 'POST',
      headers: poll.headers,
      body: poll.body,
    });
    assert.equal(polled.status, 200, await polled.text());
  });

  after(async () => {
    await bot?.stop();
    await connector?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const textOf = (call: ConnectorCall) => JSON.stringify(call.body);

  it('lets a member of the admin group (through a nested group) in, and still refuses everyone else', async () => {
    let mark = connector.mark();
    await teams.post(botUrl, teams.activity(LIDIA, { type: 'message', text: 'help' }));
    const help = await connector.next(
      mark,
      (c) => c.conversationId === TeamsClient.conversationOf(LIDIA),
      10_000,
      'help',
    );
    assert.match(textOf(help), /Commands/);
    mark = connector.mark();
    await teams.post(botUrl, teams.activity(PATTI, { type: 'message', text: 'help' }));
    const refusal = await connector.next(
      mark,
      (c) => c.conversationId === TeamsClient.conversationOf(PATTI),
      10_000,
      'refusal',
    );
    assert.match(textOf(refusal), new RegExp(REFUSAL['not-admin'].slice(0, 40)));
    const reads = graph.requests.filter((r) => r.url.includes(`/groups/${ADMIN_GROUP}/transitiveMembers`));
    assert.equal(reads.length, 1, 'the group was read once and cached');
  });

  it('sends the approval card to every other admin: the saved chat, and an install for the admin who never opened Anchor', async () => {
    // Lidia (group admin) requests. Megan opened Anchor; Adele never did.
    await teams.install(botUrl, LIDIA);
    await teams.install(botUrl, MEGAN);
    const preflight = await teams.click(botUrl, LIDIA, LINK_VERBS.check, {
      adUser: APES_OBJECT_GUID,
      cloudUser: APES_CLOUD_ID,
    });
    const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(preflight.value))?.[1];
    assert.ok(draftId, JSON.stringify(preflight.value).slice(0, 800));
    const acks = Object.fromEntries(
      ['sync-server', 'tenant-hard-match-block', 'same-person', 'no-object-identifier'].map((id) => [
        `ack.${id}`,
        'true',
      ]),
    );
    const mark = connector.mark();
    const filed = await teams.click(botUrl, LIDIA, LINK_VERBS.request, {
      ...acks,
      draftId,
      reason: 'INC-9 group admin',
    });
    const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
    assert.ok(requestId, JSON.stringify(filed.value).slice(0, 800));

    const toMegan = await connector.next(
      mark,
      (c) => c.kind !== 'update' && c.conversationId === TeamsClient.conversationOf(MEGAN),
      20_000,
      "Megan's card",
    );
    assert.match(textOf(toMegan), new RegExp(requestId));

    // Anchor asked Graph to install it for Adele; Teams then announces her chat, as it does after an install.
    const until = Date.now() + 20_000;
    while (!graph.state.teamwork.installedFor(ADELE.aadObjectId).length) {
      assert.ok(Date.now() < until, 'Anchor did not install itself for Adele');
      await new Promise((r) => setTimeout(r, 100));
    }
    await teams.post(botUrl, teams.activity(ADELE, { type: 'installationUpdate', action: 'add' }));
    const toAdele = await connector.next(
      mark,
      (c) => c.kind !== 'update' && c.conversationId === TeamsClient.conversationOf(ADELE),
      20_000,
      "Adele's card",
    );
    assert.match(textOf(toAdele), new RegExp(requestId));
    assert.match(textOf(toAdele), /Approve/);

    const notice = await connector.next(
      mark,
      (c) =>
        c.kind === 'update' &&
        /Approval card sent to Megan Bowen's chat, Adele Vance's chat\./.test(textOf(c)),
      30_000,
      "the requester's notice",
    );
    assert.match(textOf(notice), /Approval card sent to Megan Bowen's chat, Adele Vance's chat\./);
    assert.doesNotMatch(textOf(notice), /Not reached/);
    const adeleCards = connector.calls.filter(
      (c) =>
        c.kind !== 'update' &&
        c.conversationId === TeamsClient.conversationOf(ADELE) &&
        textOf(c).includes(requestId),
    );
    assert.equal(adeleCards.length, 1, 'one card for Adele');
    assert.equal(graph.state.teamwork.installedFor(ADELE.aadObjectId).length, 1);
  });
});
