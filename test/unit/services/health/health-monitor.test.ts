import assert from 'node:assert/strict';
import sinon from 'sinon';
import { HealthMonitor } from '../../../../src/services/health/health-monitor';
import type { HealthProbe } from '../../../../src/services/health/health-monitor';
import { PingProbe } from '../../../../src/services/health/ping-probe';
import { RelayPresence } from '../../../../src/services/relay/presence';

const ok: HealthProbe = { name: 'directory', probe: async () => ({ state: 'ok', detail: 'fine' }) };

describe('HealthMonitor', () => {
  it('is ok when every dependency is ok', async () => {
    const report = await new HealthMonitor({ mode: 'test', version: '1', probes: [ok] }).report();
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.dependencies.directory, { state: 'ok', detail: 'fine' });
  });

  it('reports a probe that throws as down with its message', async () => {
    const failing = new PingProbe('storage', {
      ping: async () => Promise.reject(new Error('disk full')),
      describe: () => 'file store',
    });
    const report = await new HealthMonitor({ mode: 'test', version: '1', probes: [ok, failing] }).report();
    assert.equal(report.status, 'degraded');
    assert.deepEqual(report.dependencies.storage, { state: 'down', detail: 'disk full' });
  });

  it('reports a probe that hangs as down after the timeout, without waiting for it', async () => {
    const hanging: HealthProbe = { name: 'graph', probe: () => new Promise(() => undefined) };
    const started = Date.now();
    const report = await new HealthMonitor({
      mode: 'test',
      version: '1',
      probes: [hanging],
      timeoutMs: 50,
    }).report();
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(report.dependencies.graph, { state: 'down', detail: 'no answer within 50 ms' });
  });
});

describe('RelayPresence', () => {
  afterEach(() => sinon.restore());

  it('is unknown until the relay polls, ok while it polls, down when it stops', async () => {
    const clock = sinon.useFakeTimers(new Date('2026-11-25T10:00:00Z'));
    const relay = new RelayPresence(60_000);
    assert.equal((await relay.probe()).state, 'unknown');
    relay.seen();
    assert.deepEqual(await relay.probe(), {
      state: 'ok',
      detail: 'polling',
      lastSeen: '2026-11-25T10:00:00.000Z',
    });
    clock.tick(61_000);
    assert.equal((await relay.probe()).state, 'down');
  });
});
