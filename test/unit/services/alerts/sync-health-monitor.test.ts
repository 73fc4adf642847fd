import assert from 'node:assert/strict';
import type { AlertSettings } from '../../../../src/config/alerts';
import { AlertService } from '../../../../src/services/alerts/alert-service';
import type { IncidentChange } from '../../../../src/services/alerts/alert-service';
import type { Incident, IncidentKind } from '../../../../src/services/alerts/incident';
import { SyncHealthMonitor } from '../../../../src/services/alerts/sync-health-monitor';
import type { RelaySyncHealth } from '../../../../src/services/alerts/sync-health-monitor';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import type { Knowable } from '../../../../src/services/entra/cloud-user';
import type { RelayHeartbeat } from '../../../../src/services/relay/presence';
import { RelayError } from '../../../../src/services/relay/relay-client';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { AdminFacingError } from '../../../../src/shared/admin-facing-error';
import { memoryLogger } from '../../../support/memory-logger';
import { pollRequest, schedulerState } from '../../../support/relay-messages';

const MIN = 60_000;
const SETTINGS: AlertSettings = {
  intervalMs: 5 * MIN,
  phsSilenceMs: 120 * MIN,
  syncSilenceMs: 90 * MIN,
  relaySilenceMs: 10 * MIN,
  remindMs: 4 * 60 * MIN,
  heartbeatWatchMs: 35 * MIN,
};

/** A sync server, the relay before it and Entra ID, whose facts each test sets. */
class World {
  clock = new Date('2026-12-04T12:00:00Z');
  relaySeenAt: string | null = this.ago(0);
  health: RelaySyncHealth = {
    relayId: 'aadc01',
    scheduler: schedulerState(),
    facts: { passwordHashSync: true, lastHeartbeatAt: this.ago(20), recentErrors: [], problems: [] },
  };
  relayFailure: Error | null = null;
  directorySync: string | null = this.ago(10);
  passwordSync: Knowable<string | null> = { known: true, value: this.ago(20) };
  graphFailure: Error | null = null;
  syncHealthCalls = 0;

  ago(minutes: number): string {
    return new Date(this.clock.getTime() - minutes * MIN).toISOString();
  }

  relay = {
    relayId: 'aadc01',
    syncHealth: async (): Promise<RelaySyncHealth> => {
      this.syncHealthCalls++;
      if (this.relayFailure) throw this.relayFailure;
      return structuredClone(this.health);
    },
    lastHeartbeat: async (): Promise<RelayHeartbeat | null> =>
      this.relaySeenAt ? { relayId: 'aadc01', at: this.relaySeenAt, poll: pollRequest('aadc01') } : null,
  };

  cloud = {
    getOrganizationSync: async () => {
      if (this.graphFailure) throw this.graphFailure;
      return {
        tenantId: 'contoso',
        displayName: 'Contoso',
        onPremisesSyncEnabled: true,
        onPremisesLastSyncDateTime: this.directorySync,
      };
    },
    getLastPasswordSync: async () => {
      if (this.graphFailure) throw this.graphFailure;
      return this.passwordSync;
    },
  };
}

describe('SyncHealthMonitor (sync health read on a schedule; incidents opened once, reminded, resolved)', () => {
  let world: World;
  let store: MemoryStateStore;
  let alerts: AlertService;
  let changes: [IncidentChange, IncidentKind][];
  let monitor: SyncHealthMonitor;

  function monitorOn(instanceId: string, alertService = alerts): SyncHealthMonitor {
    return new SyncHealthMonitor({
      alerts: alertService,
      store,
      relay: world.relay,
      cloud: world.cloud,
      settings: SETTINGS,
      instanceId,
      logger: memoryLogger().logger,
      now: () => world.clock,
    });
  }

  beforeEach(() => {
    world = new World();
    store = new MemoryStateStore();
    alerts = new AlertService({
      store,
      audit: new AuditLog(store),
      logger: memoryLogger().logger,
      now: () => world.clock,
    });
    changes = [];
    alerts.onChange((change, incident) => void changes.push([change, incident.kind]));
    monitor = monitorOn('instance-a');
  });

  const open = async (kind: IncidentKind): Promise<Incident | undefined> => {
    const incident = await alerts.get(kind);
    return incident?.state === 'open' ? incident : undefined;
  };
  const raised = (kind: IncidentKind) => changes.filter(([c, k]) => c === 'raised' && k === kind).length;

  it('opens nothing on a healthy tenant and stores what it read for status', async () => {
    await monitor.check();
    assert.deepEqual(changes, []);
    const snapshot = await monitorOn('instance-b').snapshot();
    assert.equal(snapshot?.passwordHashSync, true);
    assert.equal(snapshot?.lastHeartbeat.eventLog, world.ago(20));
    assert.equal(snapshot?.lastHeartbeat.entra, world.ago(20));
    assert.equal(snapshot?.lastDirectorySync, world.ago(10));
    assert.equal(snapshot?.server.serviceState, 'Running');
    assert.equal(snapshot?.relay.version, '0.6.0');
    assert.deepEqual(snapshot?.problems, []);
  });

  it('opens the heartbeat incident once when the event log is silent past PHS_SILENCE_MINUTES, with both sources on the card', async () => {
    world.health.facts.lastHeartbeatAt = world.ago(120);
    await monitor.check();
    assert.equal(await open('phs-silent'), undefined, 'exactly 120 minutes is not past the threshold');

    world.health.facts.lastHeartbeatAt = world.ago(121);
    world.health.facts.recentErrors = [
      {
        id: 611,
        at: world.ago(30),
        message: 'Password hash synchronization failed for domain: corp.contoso.com.',
      },
    ];
    await monitor.check();
    await monitor.check();
    assert.equal(raised('phs-silent'), 1, 'raised once, not every round');
    const incident = await open('phs-silent');
    assert.match(incident!.detail, /no password hash sync heartbeat for more than 2 h/i);
    assert.match(
      incident!.detail,
      /last heartbeat \(event 654\) on aadc01 was at 2026-12-04 09:59:00 UTC \(2 h 1 min ago\)/,
    );
    assert.deepEqual(
      incident!.facts?.map((f) => f.title),
      [
        'Last heartbeat, event log on aadc01',
        'Last password sync, Entra ID',
        'Event 611, 2026-12-04 11:30:00 UTC',
      ],
    );
    assert.match(incident!.facts![2].value, /failed for domain/);
  });

  it('opens it when Entra ID alone is silent (either source), and when the log holds no heartbeat at all', async () => {
    world.passwordSync = { known: true, value: world.ago(125) };
    await monitor.check();
    assert.match((await open('phs-silent'))!.detail, /Entra ID's last password sync was at .*2 h 5 min ago/);

    await alerts.resolve('phs-silent', 'test');
    world.passwordSync = { known: true, value: world.ago(1) };
    world.health.facts.lastHeartbeatAt = null;
    await monitor.check();
    assert.match((await open('phs-silent'))!.detail, /holds no heartbeat \(event 654\) at all/);
  });

  it('resolves it once both sources show a heartbeat again, on the same cards', async () => {
    world.health.facts.lastHeartbeatAt = world.ago(200);
    await monitor.check();
    assert.ok(await open('phs-silent'));
    world.health.facts.lastHeartbeatAt = world.ago(1);
    world.passwordSync = { known: true, value: world.ago(1) };
    await monitor.check();
    const incident = await alerts.get('phs-silent');
    assert.equal(incident?.state, 'resolved');
    assert.equal(incident?.resolution, 'Heartbeat back at 2026-12-04 11:59:00 UTC.');
  });

  it('never takes a fact it could not read as healthy: the incident stays open and the failure is reported', async () => {
    world.health.facts.lastHeartbeatAt = world.ago(200);
    await monitor.check();
    world.health.facts.lastHeartbeatAt = world.ago(1);
    world.graphFailure = new AdminFacingError('Graph answered 403: Organization.Read.All is not granted');
    await monitor.check();
    assert.ok(await open('phs-silent'), 'not resolved on one source while the other cannot be read');
    const blind = await open('health-unreadable');
    assert.match(blind!.detail, /Entra ID's last password sync: Graph answered 403: Organization.Read.All/);

    world.graphFailure = null;
    world.health.facts.problems = [
      { fact: 'heartbeat', message: 'Attempted to perform an unauthorized operation.' },
    ];
    world.passwordSync = { known: true, value: world.ago(1) };
    await monitor.check();
    assert.ok(await open('phs-silent'), 'an unreadable event log resolves nothing');
    assert.match((await open('health-unreadable'))!.detail, /heartbeat on aadc01: Attempted to perform/);

    world.health.facts.problems = [];
    await monitor.check();
    assert.equal(await open('phs-silent'), undefined);
    assert.equal(await open('health-unreadable'), undefined);
  });

  it('reports a failed relay read, but leaves a relay that stopped polling to the relay incident', async () => {
    world.relayFailure = new RelayError(
      'failed',
      'sync-health failed: The term Get-WinEvent is not recognized',
    );
    await monitor.check();
    assert.match((await open('health-unreadable'))!.detail, /through the relay aadc01: sync-health failed/);

    await alerts.resolve('health-unreadable', 'test');
    world.relayFailure = new RelayError('offline', 'relay "aadc01" has not polled since …');
    await monitor.check();
    assert.equal(await open('health-unreadable'), undefined);
  });

  it('says nothing about the heartbeat when password hash sync is off, or the server is in staging mode (which it reports)', async () => {
    world.health.facts.lastHeartbeatAt = null;
    world.health.facts.passwordHashSync = false;
    await monitor.check();
    assert.equal(await open('phs-silent'), undefined);

    world.health.facts.passwordHashSync = true;
    world.health.scheduler = schedulerState({ stagingModeEnabled: true });
    await monitor.check();
    assert.equal(await open('phs-silent'), undefined);
    assert.match((await open('staging-mode'))!.title, /aadc01 is in staging mode/);
    world.health.scheduler = schedulerState({ stagingModeEnabled: false });
    world.health.facts.lastHeartbeatAt = world.ago(1);
    await monitor.check();
    assert.equal((await alerts.get('staging-mode'))?.state, 'resolved');
  });

  it("opens and resolves the service incident from the relay's Get-Service", async () => {
    world.health.scheduler = schedulerState({ serviceState: 'Stopped' });
    await monitor.check();
    assert.equal((await open('service-stopped'))!.title, 'The ADSync service is Stopped on aadc01');
    world.health.scheduler = schedulerState({ serviceState: 'StartPending' });
    await monitor.check();
    assert.ok(await open('service-stopped'), 'a service still starting is not running yet');
    world.health.scheduler = schedulerState({ serviceState: 'Running' });
    await monitor.check();
    assert.equal(await open('service-stopped'), undefined);
  });

  it('opens the relay incident past RELAY_SILENCE_MINUTES (and for a relay that never polled), and resolves it on its next poll', async () => {
    world.relaySeenAt = world.ago(10);
    await monitor.check();
    assert.equal(await open('relay-silent'), undefined);
    world.relaySeenAt = world.ago(11);
    await monitor.check();
    assert.match((await open('relay-silent'))!.detail, /last poll was at .*11 min ago/);
    world.relaySeenAt = world.ago(0);
    await monitor.check();
    assert.equal((await alerts.get('relay-silent'))?.state, 'resolved');

    const fresh = monitorOn('just-started');
    world.relaySeenAt = null;
    await fresh.check();
    assert.equal(await open('relay-silent'), undefined, 'a relay that never polled is given the same time');
    world.clock = new Date(world.clock.getTime() + 11 * MIN);
    await fresh.check();
    assert.match((await open('relay-silent'))!.detail, /never polled/);
  });

  it('opens the directory sync incident past SYNC_SILENCE_MINUTES', async () => {
    world.directorySync = world.ago(90);
    await monitor.check();
    assert.equal(await open('sync-silent'), undefined);
    world.directorySync = world.ago(91);
    await monitor.check();
    assert.match((await open('sync-silent'))!.detail, /1 h 31 min ago/);
  });

  it('reminds after ALERT_REMIND_HOURS while open, once, and a restarted Anchor does not announce it again', async () => {
    world.health.scheduler = schedulerState({ serviceState: 'Stopped' });
    await monitor.check();
    world.clock = new Date(world.clock.getTime() + 4 * 60 * MIN - 1000);
    world.relaySeenAt = world.ago(0);
    await monitor.check();
    assert.equal(changes.filter(([c]) => c === 'reminder').length, 0);
    world.clock = new Date(world.clock.getTime() + 1000);
    world.relaySeenAt = world.ago(0);
    await monitor.check();
    await monitor.check();
    assert.equal(changes.filter(([c]) => c === 'reminder').length, 1);

    const restarted = new AlertService({
      store,
      audit: new AuditLog(store),
      logger: memoryLogger().logger,
      now: () => world.clock,
    });
    const heard: IncidentChange[] = [];
    restarted.onChange((change) => void heard.push(change));
    await monitorOn('instance-after-restart', restarted).check();
    assert.deepEqual(heard, [], 'the open incident is neither raised nor reminded again');
  });

  it('runs on one instance at a time: the lease holder reads, another takes over when it lapses', async () => {
    const b = monitorOn('instance-b');
    const [ranA, ranB] = await Promise.all([monitor.tick(), b.tick()]);
    assert.equal(Number(ranA) + Number(ranB), 1, 'exactly one instance reads');
    assert.equal(world.syncHealthCalls, 1);
    const holder = ranA ? monitor : b;
    const other = ranA ? b : monitor;
    assert.equal(await other.tick(), false);
    assert.equal(await holder.tick(), true, 'the holder renews');
    world.clock = new Date(world.clock.getTime() + 2 * SETTINGS.intervalMs + 1);
    world.relaySeenAt = world.ago(0);
    assert.equal(await other.tick(), true, 'a lapsed lease is taken over');
  });

  it('offers a full password sync when no heartbeat came within the watch after a restart', async () => {
    world.health.facts.lastHeartbeatAt = world.ago(200);
    await monitor.check();
    const incident = (await open('phs-silent'))!;
    const restartedAt = world.ago(0);
    await alerts.update('phs-silent', incident.id, (current) => ({
      ...current,
      remedy: {
        state: 'watching',
        message: '',
        restartedBy: { aadObjectId: 'a1', name: 'Adele Vance' },
        restartedAt,
        watchUntil: new Date(world.clock.getTime() + 35 * MIN).toISOString(),
        fullSync: null,
      },
    }));
    world.clock = new Date(world.clock.getTime() + 34 * MIN);
    world.relaySeenAt = world.ago(0);
    await monitor.check();
    assert.equal((await open('phs-silent'))!.remedy?.state, 'watching');
    world.clock = new Date(world.clock.getTime() + 1 * MIN);
    world.relaySeenAt = world.ago(0);
    await monitor.check();
    const after = (await open('phs-silent'))!;
    assert.equal(after.remedy?.state, 'no-heartbeat');
    assert.match(after.remedy!.message, /No heartbeat by .* after the restart\. A full password sync/);
  });
});
