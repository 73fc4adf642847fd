import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AdSyncRemedy, RemedyRefusedError } from '../../../../src/services/alerts/adsync-remedy';
import type { RemedyRelay } from '../../../../src/services/alerts/adsync-remedy';
import { AlertService } from '../../../../src/services/alerts/alert-service';
import type { Incident } from '../../../../src/services/alerts/incident';
import type { RelaySyncHealth } from '../../../../src/services/alerts/sync-health-monitor';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { RelayError } from '../../../../src/services/relay/relay-client';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { memoryLogger } from '../../../support/memory-logger';
import { jobResult, schedulerState } from '../../../support/relay-messages';

const ADELE = { aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'Adele Vance' };
const MEGAN = { aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Megan Bowen' };
const TEXT = {
  title: 'Password hash sync is silent on aadc01',
  resolvedTitle: 'back',
  detail: 'd',
  fix: 'f',
};

describe('AdSyncRemedy (Restart ADSync, then a full password sync a second admin approves)', () => {
  let store: MemoryStateStore;
  let alerts: AlertService;
  let audit: AuditLog;
  let relay: sinon.SinonStubbedInstance<RemedyRelay> & RemedyRelay;
  let recheck: sinon.SinonStub;
  let remedy: AdSyncRemedy;
  let incident: Incident;
  let heartbeat: string | null;

  beforeEach(async () => {
    store = new MemoryStateStore();
    audit = new AuditLog(store);
    alerts = new AlertService({ store, audit, logger: memoryLogger().logger });
    heartbeat = null;
    relay = {
      restartService: sinon
        .stub()
        .resolves(jobResult('j1', 'aadc01', { message: 'the ADSync service was restarted' })),
      fullPasswordSync: sinon
        .stub()
        .resolves(jobResult('j2', 'aadc01', { message: 'full password sync started' })),
      syncHealth: sinon.stub().callsFake(async (): Promise<RelaySyncHealth> => ({
        relayId: 'aadc01',
        scheduler: schedulerState(),
        facts: { passwordHashSync: true, lastHeartbeatAt: heartbeat, recentErrors: [], problems: [] },
      })),
    } as never;
    recheck = sinon.stub().resolves();
    remedy = new AdSyncRemedy({
      alerts,
      audit,
      relay,
      recheck,
      settings: { heartbeatWatchMs: 200 },
      watchPollMs: 20,
      logger: memoryLogger().logger,
    });
    incident = (await alerts.raise('phs-silent', TEXT))!;
  });

  const current = async () => (await alerts.get('phs-silent'))!;
  const actions = async () => (await audit.recent()).reverse().map((e) => [e.action, e.actor.name]);

  it('restarts once however often it is pressed, says who pressed it, and watches for the heartbeat', async () => {
    const pressed = await remedy.restart('phs-silent', incident.id, ADELE);
    assert.equal(pressed.remedy?.state, 'restarting');
    assert.equal(pressed.remedy?.restartedBy?.name, 'Adele Vance');
    assert.match(pressed.remedy!.message, /restarts the ADSync service once no sync cycle runs/);
    const again = await remedy.restart('phs-silent', incident.id, MEGAN);
    assert.equal(again.remedy?.restartedBy?.name, 'Adele Vance', 'a second press changes nothing');
    heartbeat = new Date(Date.now() + 60_000).toISOString();
    await remedy.settled();
    sinon.assert.calledOnce(relay.restartService);
    const after = await current();
    assert.equal(after.remedy?.state, 'watching');
    assert.match(
      after.remedy!.message,
      /ADSync restarted at .*; the service reads Running\. Watching for the next heartbeat/,
    );
    assert.ok(recheck.callCount >= 2, 'judged again after the restart and once the heartbeat showed');
    assert.deepEqual(await actions(), [
      ['alert.raised', 'Anchor'],
      ['alert.restart', 'Adele Vance'],
      ['alert.restarted', 'Anchor'],
    ]);
  });

  it('shows a refusal during a sync cycle and lets anyone try again', async () => {
    relay.restartService
      .onFirstCall()
      .rejects(
        new RelayError(
          'refused',
          'restart-service was refused: a sync cycle is running; the ADSync service is restarted only when no cycle runs',
        ),
      );
    await remedy.restart('phs-silent', incident.id, ADELE);
    await remedy.settled();
    const refused = await current();
    assert.equal(refused.remedy?.state, 'restart-refused');
    assert.match(
      refused.remedy!.message,
      /Not restarted at .*: restart-service was refused: a sync cycle is running.*Try again once the cycle has ended\./,
    );
    await remedy.restart('phs-silent', incident.id, MEGAN);
    await remedy.settled();
    sinon.assert.calledTwice(relay.restartService);
    assert.equal((await current()).remedy?.restartedBy?.name, 'Megan Bowen');
  });

  it("reports a restart that failed, with the relay's reason", async () => {
    relay.restartService.rejects(
      new RelayError(
        'failed',
        "restart-service failed: the ADSync service is Stopped after Restart-Service (Service 'Microsoft Azure AD Sync (ADSync)' cannot be started)",
      ),
    );
    await remedy.restart('phs-silent', incident.id, ADELE);
    await remedy.settled();
    const failed = await current();
    assert.equal(failed.remedy?.state, 'restart-failed');
    assert.match(
      failed.remedy!.message,
      /The restart failed at .*: restart-service failed: the ADSync service is Stopped/,
    );
  });

  it('refuses stale and resolved alerts, kinds a restart does not fix, and a missing relay', async () => {
    await assert.rejects(
      remedy.restart('phs-silent', '00000000-0000-4000-8000-000000000000', ADELE),
      /no longer current/,
    );
    await assert.rejects(remedy.restart('sync-silent', incident.id, ADELE), RemedyRefusedError);
    await alerts.resolve('phs-silent', 'back');
    await assert.rejects(
      remedy.restart('phs-silent', incident.id, ADELE),
      /This alert is over since .* UTC; nothing was done/,
    );
    const noRelay = new AdSyncRemedy({
      alerts,
      audit,
      relay: null,
      recheck,
      settings: { heartbeatWatchMs: 1 },
      logger: memoryLogger().logger,
    });
    await assert.rejects(noRelay.restart('phs-silent', incident.id, ADELE), /No relay is configured/);
    sinon.assert.notCalled(relay.restartService);
  });

  it('offers a full password sync only after no heartbeat came back; the requester cannot approve it; it runs once', async () => {
    await assert.rejects(
      remedy.requestFullSync('phs-silent', incident.id, ADELE),
      /once a restart of ADSync did not bring the heartbeat back/,
    );
    await alerts.update('phs-silent', incident.id, (c) => ({
      ...c,
      remedy: {
        state: 'no-heartbeat',
        message: '',
        restartedBy: ADELE,
        restartedAt: null,
        watchUntil: null,
        fullSync: null,
      },
    }));
    const requested = await remedy.requestFullSync('phs-silent', incident.id, ADELE);
    assert.equal(requested.remedy?.state, 'full-sync-requested');
    await assert.rejects(
      remedy.decideFullSync('phs-silent', incident.id, ADELE, 'approved'),
      /You asked for this full password sync: another admin must approve it/,
    );
    const decisions = await Promise.allSettled([
      remedy.decideFullSync('phs-silent', incident.id, MEGAN, 'approved'),
      remedy.decideFullSync(
        'phs-silent',
        incident.id,
        { ...MEGAN, aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000003' },
        'approved',
      ),
    ]);
    assert.equal(decisions.filter((d) => d.status === 'fulfilled').length, 1, 'one approval wins');
    await remedy.settled();
    sinon.assert.calledOnce(relay.fullPasswordSync);
    const ran = await current();
    assert.ok(ran.remedy?.fullSync?.ranAt);
    assert.ok(['full-sync-done', 'full-sync-failed'].includes(ran.remedy!.state));
    await alerts.update('phs-silent', incident.id, (c) => ({
      ...c,
      remedy: { ...c.remedy!, state: 'no-heartbeat' },
    }));
    await assert.rejects(
      remedy.requestFullSync('phs-silent', incident.id, MEGAN),
      /already ran for this alert .* at most once per alert/,
    );
    assert.deepEqual(
      (await actions()).filter(([a]) => String(a).startsWith('alert.full-sync')),
      [
        ['alert.full-sync-requested', 'Adele Vance'],
        ['alert.full-sync-approved', 'Megan Bowen'],
        ['alert.full-sync-ran', 'Anchor'],
      ],
    );
  });

  it('lets the requester withdraw and another admin reject, back to the offer', async () => {
    await alerts.update('phs-silent', incident.id, (c) => ({
      ...c,
      remedy: {
        state: 'no-heartbeat',
        message: '',
        restartedBy: ADELE,
        restartedAt: null,
        watchUntil: null,
        fullSync: null,
      },
    }));
    await remedy.requestFullSync('phs-silent', incident.id, ADELE);
    const withdrawn = await remedy.decideFullSync('phs-silent', incident.id, ADELE, 'rejected');
    assert.equal(withdrawn.remedy?.state, 'no-heartbeat');
    assert.match(withdrawn.remedy!.message, /withdrawn by Adele Vance/);
    await remedy.requestFullSync('phs-silent', incident.id, ADELE);
    const rejected = await remedy.decideFullSync('phs-silent', incident.id, MEGAN, 'rejected');
    assert.match(rejected.remedy!.message, /rejected by Megan Bowen/);
    sinon.assert.notCalled(relay.fullPasswordSync);
  });
});
