import assert from 'node:assert/strict';
import sinon from 'sinon';
import { HealthMonitor } from '../../../../src/services/health/health-monitor';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { pollRequest, schedulerState } from '../../../support/relay-messages';

describe('RelayPresence', () => {
  afterEach(() => sinon.restore());

  it('reports what the relay last said: version, scheduler, next cycle, staging and pause lease', async () => {
    sinon.useFakeTimers(new Date('2026-11-25T10:00:00Z'));
    const presence = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await presence.record(
      pollRequest('aadc01', {
        version: '0.6.2',
        scheduler: schedulerState({
          syncCycleEnabled: false,
          nextSyncCycleStartTimeInUTC: '2026-11-25T10:30:00.000Z',
          pauseLeaseExpiresAt: '2026-11-25T10:15:00.000Z',
        }),
      }),
    );
    assert.deepEqual(await presence.probe(), {
      state: 'ok',
      detail: 'polling',
      lastSeen: '2026-11-25T10:00:00.000Z',
      relayId: 'aadc01',
      version: '0.6.2',
      directory: null,
      syncCycleEnabled: false,
      staging: false,
      cycleInProgress: false,
      nextSyncCycleStartTimeInUTC: '2026-11-25T10:30:00.000Z',
      pauseLeaseExpiresAt: '2026-11-25T10:15:00.000Z',
      pollWaitSeconds: 0,
    });
  });

  it('says how long the relay asks the bot to hold its polls (0: short polls)', async () => {
    const presence = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await presence.record(pollRequest('aadc01', { wait: 25 }));
    assert.equal((await presence.probe()).pollWaitSeconds, 25);
    await presence.record(pollRequest('aadc01'));
    assert.equal((await presence.probe()).pollWaitSeconds, 0);
  });

  it('is down with the relay’s problem when it says it is not ready, and down when it stops polling', async () => {
    const clock = sinon.useFakeTimers(new Date('2026-11-25T10:00:00Z'));
    const presence = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await presence.record(pollRequest('aadc01', { ready: false, problem: 'Import-Module ADSync failed' }));
    const notReady = await presence.probe();
    assert.equal(notReady.state, 'down');
    assert.equal(notReady.detail, 'the relay is not ready: Import-Module ADSync failed');
    await presence.record(pollRequest('aadc01'));
    assert.equal((await presence.probe()).state, 'ok');
    clock.tick(61_000);
    assert.deepEqual(
      [(await presence.probe()).state, (await presence.probe()).detail],
      ['down', 'no poll for 61 s'],
    );
  });

  it('shares heartbeats between instances through the store', async () => {
    const store = new MemoryStateStore();
    const here = new RelayPresence(60_000, { store, relayIds: ['aadc01'] });
    const there = new RelayPresence(60_000, { store, relayIds: ['aadc01'] });
    await here.record(pollRequest('aadc01', { version: '0.6.3' }));
    assert.equal((await there.lastHeartbeat('aadc01'))?.poll?.version, '0.6.3');
    assert.equal((await there.probe()).state, 'ok');
  });

  it('says so when no relay is configured, and lists every relay when there are several', async () => {
    const none = new RelayPresence(60_000, { relayIds: [] });
    assert.deepEqual(await none.probe(), {
      state: 'unknown',
      detail: 'no relay is configured (RELAY_KEYS is not set)',
      lastSeen: null,
    });
    const two = new RelayPresence(60_000, { relayIds: ['aadc01', 'aadc02'] });
    await two.record(pollRequest('aadc02'));
    const report = await two.probe();
    assert.equal(report.state, 'unknown', 'the primary relay has not polled');
    assert.deepEqual(Object.keys(report.relays ?? {}), ['aadc01', 'aadc02']);
    assert.equal(report.relays?.aadc02.state, 'ok');
  });

  it('shows in the health report, which is degraded while the relay is down', async () => {
    const presence = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    const health = new HealthMonitor({ mode: 'test', version: '0', probes: [presence] });
    await presence.record(pollRequest('aadc01', { ready: false, problem: 'pwsh not found' }));
    const report = await health.report();
    assert.equal(report.status, 'degraded');
    assert.match(
      JSON.stringify(report.dependencies.relay),
      /"version":"0.6.0".*pwsh not found|pwsh not found.*"version":"0.6.0"/,
    );
  });
});
