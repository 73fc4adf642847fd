import assert from 'node:assert/strict';
import { statusCardDataOf } from '../../../../src/bot/views/status';
import type { StatusCardData } from '../../../../src/bot/views/status';
import { INCIDENT_KINDS } from '../../../../src/services/alerts/incident';
import { healthSample, syncHealthSample } from '../../../support/card-samples';

const NOW = new Date('2026-11-25T10:00:00.000Z');

/** The sync server lines as `icon label: value`, and their colours. */
function syncServer(data: StatusCardData): { lines: string[]; colors: string[] } {
  return {
    lines: data.syncServer.map((l) => `${l.icon} ${l.label}: ${l.value}`),
    colors: data.syncServer.map((l) => l.color),
  };
}

describe('the status card', () => {
  it('shows the scheduler with its next cycle, staging mode and no pause lease, all green', () => {
    const data = statusCardDataOf(healthSample('ok'), NOW);
    assert.deepEqual(syncServer(data), {
      lines: [
        '✓ Sync scheduler: enabled, next cycle 2026-11-25 10:24:12 UTC',
        '✓ Staging mode: off',
        '✓ Pause lease: none: Anchor has not paused the scheduler',
      ],
      colors: ['Good', 'Good', 'Good'],
    });
    assert.equal(data.syncServerNote, '');
    assert.equal(data.checkedAt, '2026-11-25 10:00:00 UTC');
    assert.equal(data.icon, '✓');
  });

  it('marks a paused scheduler and a lease that ran out red, an unknown staging mode amber', () => {
    const data = statusCardDataOf(healthSample('paused'), NOW);
    assert.deepEqual(syncServer(data), {
      lines: [
        '✗ Sync scheduler: paused: nothing is exported to Entra ID',
        '⚠ Staging mode: the relay could not read it',
        '✗ Pause lease: ran out at 2026-11-25 09:45:00 UTC; the relay keeps trying to resume the scheduler',
      ],
      colors: ['Attention', 'Warning', 'Attention'],
    });
  });

  it('marks a lease Anchor still holds amber with its end, and a running cycle', () => {
    const report = healthSample('paused');
    Object.assign(report.dependencies.relay, {
      pauseLeaseExpiresAt: '2026-11-25T10:15:00.000Z',
      cycleInProgress: true,
    });
    const { lines, colors } = syncServer(statusCardDataOf(report, NOW));
    assert.equal(
      lines[0],
      '✗ Sync scheduler: paused: nothing is exported to Entra ID; a sync cycle is running',
    );
    assert.equal(
      lines[2],
      '⚠ Pause lease: Anchor paused the scheduler until 2026-11-25 10:15:00 UTC at the latest',
    );
    assert.equal(colors[2], 'Warning');
  });

  it('says the relay has not reported the sync server before its first poll', () => {
    const data = statusCardDataOf(healthSample('no-relay'), NOW);
    assert.deepEqual(data.syncServer, []);
    assert.equal(data.syncServerNote, 'The relay has not reported the sync server yet.');
    assert.equal(data.dependencies.find((d) => d.name === 'relay')?.color, 'Warning');
  });

  it('writes last seen the way every card writes a time', () => {
    const relay = statusCardDataOf(healthSample('ok'), NOW).dependencies.find((d) => d.name === 'relay');
    assert.equal(relay?.detail, 'polling (last seen 2026-11-25 09:59:58 UTC)');
  });
});

describe('the status card: sync health', () => {
  /** The sync health lines as `icon label: value`. */
  const lines = (data: StatusCardData) => data.syncHealth.map((l) => `${l.icon} ${l.label}: ${l.value}`);

  it('says "Not checked yet" before the monitor read anything', () => {
    for (const snapshot of [undefined, { ...syncHealthSample(), checkedAt: null }]) {
      const data = statusCardDataOf(healthSample('ok'), NOW, snapshot);
      assert.equal(data.syncHealthNote, 'Not checked yet');
      assert.deepEqual(data.syncHealth, []);
    }
  });

  it('shows every fact of a healthy reading green, each time with its age', () => {
    const data = statusCardDataOf(healthSample('ok'), NOW, syncHealthSample());
    assert.equal(data.syncHealthNote, 'Read by the monitor 2 min ago');
    assert.deepEqual(lines(data), [
      '✓ Password hash sync: on',
      '✓ Heartbeat (event log): 2026-11-25 09:32:11 UTC (27 min ago)',
      '✓ Heartbeat (Entra ID): 2026-11-25 09:31:40 UTC (28 min ago)',
      '✓ Directory sync: 2026-11-25 09:40:02 UTC (19 min ago)',
      '✓ ADSync service: Running',
      '✓ Relay: aadc01 v1.0.0, last seen just now',
      '✓ Open incidents: none',
    ]);
  });

  it('shows a silent heartbeat red, an unreadable fact as "unknown" and as a problem, never green', () => {
    const data = statusCardDataOf(healthSample('ok'), NOW, syncHealthSample('silent'));
    // Every dependency answers, but an incident is open: the headline says so.
    assert.equal(data.status, 'sync alert open');
    assert.equal(data.icon, '⚠');
    assert.equal(statusCardDataOf(healthSample('ok'), NOW, syncHealthSample()).status, 'ok');
    assert.deepEqual(lines(data), [
      '✓ Password hash sync: on',
      '✗ Heartbeat (event log): 2026-11-25 07:50:11 UTC (2 h 9 min ago)',
      '✗ Heartbeat (Entra ID): unknown',
      '✓ Directory sync: 2026-11-25 09:40:02 UTC (19 min ago)',
      '✓ ADSync service: Running',
      '✓ Relay: aadc01 v1.0.0, last seen just now',
      '⚠ Recent errors: 1, the newest event 611 at 2026-11-25 09:31:00 UTC',
      '✗ Open incidents: 1: No password hash sync heartbeat from aadc01 for 2 h 10 min',
      "⚠ Could not read: Entra ID's last password sync: Graph answered 403 (Organization.Read.All not granted)",
    ]);
  });

  it('marks every fact the relay could not read amber "unknown"', () => {
    const snapshot = syncHealthSample();
    Object.assign(snapshot, {
      passwordHashSync: null,
      lastHeartbeat: { eventLog: null, entra: null },
      lastDirectorySync: null,
      server: {
        syncCycleEnabled: null,
        nextSyncCycleStartTimeInUTC: null,
        stagingModeEnabled: null,
        cycleInProgress: null,
        serviceState: null,
      },
      relay: { id: null, lastSeen: null, version: null },
    });
    const shown = statusCardDataOf(healthSample('no-relay'), NOW, snapshot).syncHealth.slice(0, 7);
    assert.deepEqual(
      shown.map((l) => `${l.icon} ${l.label}: ${l.value}`),
      [
        '⚠ Password hash sync: unknown',
        '⚠ Heartbeat (event log): unknown',
        '⚠ Heartbeat (Entra ID): unknown',
        '⚠ Directory sync: unknown',
        '⚠ Scheduler: unknown; staging mode unknown',
        '⚠ ADSync service: unknown',
        '⚠ Relay: last seen unknown',
      ],
    );
  });

  it('marks PHS off, a paused scheduler, staging mode and a stopped service', () => {
    const snapshot = syncHealthSample();
    snapshot.passwordHashSync = false;
    snapshot.server = {
      ...snapshot.server,
      syncCycleEnabled: false,
      stagingModeEnabled: true,
      serviceState: 'Stopped',
    };
    const data = statusCardDataOf(healthSample('no-relay'), NOW, snapshot);
    const shown = lines(data);
    assert.equal(shown[0], '⚠ Password hash sync: off: password changes on-prem do not reach Entra ID');
    assert.equal(shown[4], '✗ Scheduler: paused, next cycle 2026-11-25 10:10:02 UTC; staging mode on');
    assert.equal(shown[5], '✗ ADSync service: Stopped');
  });

  it('shows the scheduler and staging mode once: from the relay when it reported, else from the monitor', () => {
    const labels = (kind: 'ok' | 'no-relay') => {
      const data = statusCardDataOf(healthSample(kind), NOW, syncHealthSample());
      return [...data.syncServer, ...data.syncHealth].map((l) => l.label).filter((l) => /scheduler/i.test(l));
    };
    assert.deepEqual(labels('ok'), ['Sync scheduler']);
    assert.deepEqual(labels('no-relay'), ['Scheduler']);
  });

  it('counts the open incidents and names at most four, and the problems past four', () => {
    const snapshot = syncHealthSample();
    snapshot.openIncidents = INCIDENT_KINDS.map((kind) => ({
      kind,
      title: kind,
      openedAt: NOW.toISOString(),
    }));
    snapshot.problems = ['a', 'b', 'c', 'd', 'e', 'f'];
    const shown = lines(statusCardDataOf(healthSample('ok'), NOW, snapshot));
    assert.ok(
      shown.includes(
        '✗ Open incidents: 7: relay-silent; service-stopped; phs-silent; sync-silent; and 3 more',
      ),
    );
    assert.ok(shown.includes('⚠ Could not read: and 2 more facts'));
    assert.ok(shown.includes('✗ Relay: aadc01 v1.0.0, last seen just now'));
  });
});
