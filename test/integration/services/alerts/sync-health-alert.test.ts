import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALERT_VERBS } from '../../../../src/bot/verbs';
import type { Incident, IncidentKind } from '../../../../src/services/alerts/incident';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { FileStateStore } from '../../../../src/services/state/file-state-store';
import { GRAPH_URL_ENV } from '../../../../src/sim/adsync-host/graph-sync';
import { AdSyncSimState } from '../../../../src/sim/adsync-host/state';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from '../../../support/anchor-process';
import { BotConnector } from '../../../support/bot-connector';
import type { ConnectorCall } from '../../../support/bot-connector';
import { relayPairing, startRelayProcess } from '../../../support/relay-process';
import { TeamsClient } from '../../../support/teams-client';
import { until } from '../../../support/until';

const REQUESTER = DEMO_TENANT.requester;
const APPROVER = DEMO_TENANT.approver;
const SILENT_FOR_MS = 130 * 60_000;

/**
 * Sync health end to end on real processes: the bot (createApp over HTTP, file store, a monitor
 * round every 5 s), the relay process, the stand-in ADSync host with its PHS heartbeat schedule,
 * the Graph simulator (which the stand-in tells of each heartbeat), and a stand-in Bot Connector
 * that records the cards the bot posts and updates.
 */
describe('sync health: a silent heartbeat alerts every admin once, Restart ADSync brings it back', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-sync-health-'));
  const adsync = new AdSyncSimState(path.join(dir, 'adsync.json'));
  const dataDir = path.join(dir, 'state');
  const store = new FileStateStore(dataDir);
  const pairing = relayPairing();
  let graph: GraphSimulator;
  let connector: BotConnector;
  let teams: TeamsClient;
  let bot: AnchorProcess;
  let relay: AnchorProcess;
  let botUrl: string;

  const incident = async (kind: IncidentKind) => (await store.read<Incident>(`alerts/${kind}`))?.value;
  const callsWith = (kinds: ConnectorCall['kind'][], text: string) =>
    connector.calls.filter((c) => kinds.includes(c.kind) && JSON.stringify(c.body).includes(text));
  const posted = (text: string) => callsWith(['send', 'reply', 'create'], text);
  const updated = (text: string) => callsWith(['update'], text);
  const historyOf = (cmdlet: string) => adsync.history().filter((h) => h.cmdlet === cmdlet);

  /** Stops the heartbeat 130 minutes ago, on the sync server and in Entra ID. */
  async function silenceHeartbeat(): Promise<void> {
    adsync.silenceHeartbeat(SILENT_FOR_MS);
    const res = await fetch(`${graph.baseUrl}/_sim/organization`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        onPremisesLastPasswordSyncDateTime: new Date(Date.now() - SILENT_FOR_MS).toISOString(),
      }),
    });
    assert.equal(res.status, 200);
  }

  function startRelay(): AnchorProcess {
    return startRelayProcess(botUrl, pairing, dir, adsync.path, { [GRAPH_URL_ENV]: graph.baseUrl });
  }

  before(async () => {
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    writeFileSync(path.join(dir, 'authority-ca.pem'), graph.authorityCaPem);
    adsync.reset({ heartbeatAfterRestartMs: 2_000 });

    connector = new BotConnector();
    teams = new TeamsClient(await connector.start());
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}`;
    bot = AnchorProcess.start(
      {
        PORT: String(port),
        ...pairing.botEnv,
        STATE_STORE: 'file',
        DATA_DIR: dataDir,
        SYNC_HEALTH_INTERVAL_SECONDS: '5',
        RELAY_SILENCE_MINUTES: '1',
        HEARTBEAT_WATCH_MINUTES: '1',
        INSTANCE_NAME: 'sync-health',
        INSTANCE_GRAPH_URL: graph.baseUrl,
        INSTANCE_AUTHORITY_URL: graph.authorityUrl,
        INSTANCE_AUTHORITY_CA_FILE: path.join(dir, 'authority-ca.pem'),
      },
      'test/support/bot-instance.ts',
    );
    await bot.waitFor(/instance listening/, 60_000);
    relay = startRelay();
    await relay.waitFor(/PowerShell ready/, 60_000);
    for (const who of [REQUESTER, APPROVER]) await teams.install(botUrl, who);
    await until('the monitor read a healthy sync server', async () => {
      const snapshot = (
        await store.read<{ lastHeartbeat: { eventLog: string | null } }>('alerts/sync-health')
      )?.value;
      return snapshot?.lastHeartbeat.eventLog ? snapshot : undefined;
    });
  });

  after(async () => {
    await relay?.stop();
    await bot?.stop();
    await connector?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts one alert card to each admin when the heartbeat goes silent, with the evidence, and no repeat', async () => {
    assert.deepEqual(posted('Password hash sync is silent'), [], 'nothing while healthy');
    await silenceHeartbeat();
    const sent = await until('both admins got the alert card', async () => {
      const calls = posted('Password hash sync is silent on aadc01');
      return calls.length >= 2 ? calls : undefined;
    });
    assert.deepEqual(
      sent.map((c) => c.conversationId).sort(),
      [REQUESTER, APPROVER].map((who) => TeamsClient.conversationOf(who)).sort(),
    );
    const card = JSON.stringify(sent[0].body);
    assert.match(card, /Last heartbeat, event log on aadc01/);
    assert.match(card, /Last password sync, Entra ID/);
    assert.match(card, /2 h 10 min ago/);
    assert.match(card, /Restart ADSync/);
    await new Promise((r) => setTimeout(r, 12_000));
    assert.equal(
      posted('Password hash sync is silent on aadc01').length,
      2,
      'not posted again by later rounds',
    );
  });

  it('refuses the restart while a sync cycle runs, says so on every copy, and restarts nothing', async () => {
    const open = (await incident('phs-silent'))!;
    adsync.setCycleRunning(120_000);
    const answer = await teams.click(botUrl, APPROVER, ALERT_VERBS.restart, {
      kind: 'phs-silent',
      incidentId: open.id,
    });
    assert.equal(answer.statusCode, 200);
    assert.match(JSON.stringify(answer.value), /Restart ADSync pressed by Adele Vance/);
    const refused = await until('the relay refused', async () => {
      const i = await incident('phs-silent');
      return i?.remedy?.state === 'restart-refused' ? i : undefined;
    });
    assert.match(refused.remedy!.message, /a sync cycle is running/);
    await until('every copy offers Try again', async () =>
      updated('Try again').length >= 2 ? true : undefined,
    );
    assert.deepEqual(historyOf('Restart-Service'), []);
  });

  it('restarts once no cycle runs, sees the heartbeat come back, and turns every copy green', async () => {
    const open = (await incident('phs-silent'))!;
    adsync.setCycleRunning(0);
    await teams.click(botUrl, REQUESTER, ALERT_VERBS.restart, { kind: 'phs-silent', incidentId: open.id });
    // A second press while it runs changes nothing.
    await teams.click(botUrl, APPROVER, ALERT_VERBS.restart, { kind: 'phs-silent', incidentId: open.id });
    const resolved = await until('every alert card turned to resolved', async () => {
      const calls = updated('Password hash sync is back on aadc01');
      return calls.length >= 2 ? calls : undefined;
    });
    assert.deepEqual(
      [...new Set(resolved.map((c) => c.activityId))].sort(),
      posted('Password hash sync is silent on aadc01')
        .map((c) => c.activityId)
        .sort(),
      'the same cards were updated',
    );
    assert.match(JSON.stringify(resolved.at(-1)!.body), /Restart ADSync pressed by Megan Bowen/);
    const restarts = historyOf('Restart-Service');
    assert.equal(restarts.length, 1, 'one restart for two presses');
    assert.equal(restarts[0].duringRun, false);
    const done = (await incident('phs-silent'))!;
    assert.equal(done.state, 'resolved');
    assert.match(done.resolution ?? '', /^Heartbeat back at .* UTC, after the restart at .* UTC\.$/);
    const audit = (await new AuditLog(store).recent()).map((e) => `${e.action} ${e.actor.name}`);
    assert.ok(audit.includes('alert.restart Megan Bowen'), audit.join('\n'));
    assert.ok(audit.includes('alert.restarted Anchor'));
  });

  it('offers a full password sync when the restart brings no heartbeat, which a second admin approves and runs once', async () => {
    adsync.set({ restartRestoresHeartbeat: false });
    await silenceHeartbeat();
    const open = await until('a new incident', async () => {
      const i = await incident('phs-silent');
      return i?.state === 'open' ? i : undefined;
    });
    await teams.click(botUrl, APPROVER, ALERT_VERBS.restart, { kind: 'phs-silent', incidentId: open.id });
    const stuck = await until(
      'no heartbeat within HEARTBEAT_WATCH_MINUTES',
      async () => {
        const i = await incident('phs-silent');
        return i?.remedy?.state === 'no-heartbeat' ? i : undefined;
      },
      120_000,
    );
    assert.match(stuck.remedy!.message, /No heartbeat by .* after the restart/);
    await until('every copy offers the full password sync', async () =>
      updated('Run a full password sync').length >= 2 ? true : undefined,
    );
    const ids = { kind: 'phs-silent', incidentId: open.id };
    await teams.click(botUrl, REQUESTER, ALERT_VERBS.requestFullSync, ids);
    const self = await teams.click(botUrl, REQUESTER, ALERT_VERBS.approveFullSync, ids);
    assert.match(JSON.stringify(self.value), /another admin must approve it/);
    assert.deepEqual(historyOf('Set-ADSyncAADPasswordSyncConfiguration'), [], 'nothing ran on the requester');

    adsync.set({ restartRestoresHeartbeat: true });
    await teams.click(botUrl, APPROVER, ALERT_VERBS.approveFullSync, ids);
    await teams.click(botUrl, APPROVER, ALERT_VERBS.approveFullSync, ids);
    const over = await until('the heartbeat is back after the full sync', async () => {
      const i = await incident('phs-silent');
      return i?.id === open.id && i.state === 'resolved' ? i : undefined;
    });
    assert.ok(over.remedy?.fullSync?.ranAt);
    assert.equal(over.remedy?.fullSync?.decidedBy?.name, 'Adele Vance');
    const toggles = historyOf('Set-ADSyncAADPasswordSyncConfiguration').map((h) => h.parameters.Enable);
    assert.deepEqual(toggles, [false, true], 'run once: off, then on');
  });

  it('alerts when the relay goes silent, and resolves when it polls again', async () => {
    await relay.stop();
    await until(
      'both admins heard the relay is silent',
      async () => (posted('The relay on aadc01 is silent').length >= 2 ? true : undefined),
      150_000,
    );
    relay = startRelay();
    await relay.waitFor(/PowerShell ready/, 60_000);
    await until('the relay alert resolved', async () =>
      updated('The relay on aadc01 is back').length >= 2 ? true : undefined,
    );
    assert.equal((await incident('relay-silent'))?.state, 'resolved');
    assert.equal(
      (await incident('health-unreadable'))?.state ?? 'none',
      'none',
      'a dead relay is not a blind monitor',
    );
  });
});
