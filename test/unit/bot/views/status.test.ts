import assert from 'node:assert/strict';
import { statusCardDataOf } from '../../../../src/bot/views/status';
import type { StatusCardData } from '../../../../src/bot/views/status';
import { healthSample } from '../../../support/card-samples';

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
