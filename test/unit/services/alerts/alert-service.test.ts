import assert from 'node:assert/strict';
import { AlertService } from '../../../../src/services/alerts/alert-service';
import type { IncidentChange } from '../../../../src/services/alerts/alert-service';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { memoryLogger } from '../../../support/memory-logger';

const TEXT = {
  title: 'The sync scheduler is paused on aadc01',
  resolvedTitle: 'The sync scheduler runs again on aadc01',
  detail: 'paused',
  fix: 'resume it',
};

describe('AlertService (incidents: raise once, remind, resolve)', () => {
  let clock: Date;
  let audit: AuditLog;
  let alerts: AlertService;
  let changes: IncidentChange[];

  beforeEach(() => {
    clock = new Date('2026-11-25T10:00:00Z');
    const store = new MemoryStateStore();
    audit = new AuditLog(store, () => clock);
    alerts = new AlertService({ store, audit, logger: memoryLogger().logger, now: () => clock });
    changes = [];
    alerts.onChange((change) => void changes.push(change));
  });

  it('raises one incident however many instances raise it at once, audited and announced once', async () => {
    const raised = await Promise.all(Array.from({ length: 5 }, () => alerts.raise('scheduler-paused', TEXT)));
    assert.equal(raised.filter(Boolean).length, 1);
    assert.deepEqual(changes, ['raised']);
    const incident = raised.find(Boolean)!;
    assert.deepEqual(
      (await audit.recent({ requestId: incident.id })).map((e) => e.action),
      ['alert.raised'],
    );
    assert.equal((await alerts.get('scheduler-paused'))?.state, 'open');
  });

  it('reminds only when due, and resolves once, keeping the cards to update', async () => {
    const incident = (await alerts.raise('scheduler-paused', TEXT))!;
    await alerts.addCards('scheduler-paused', incident.id, [
      { conversation: { id: 'c1' }, activityId: 'a1' },
    ]);
    assert.equal(await alerts.remindIfDue('scheduler-paused', 3600_000), undefined);
    clock = new Date(clock.getTime() + 3600_000);
    assert.ok(await alerts.remindIfDue('scheduler-paused', 3600_000));
    assert.equal(await alerts.remindIfDue('scheduler-paused', 3600_000), undefined);

    const resolved = await alerts.resolve('scheduler-paused', 'enabled again');
    assert.equal(resolved?.state, 'resolved');
    assert.equal(resolved?.cards.length, 1);
    assert.equal(await alerts.resolve('scheduler-paused', 'enabled again'), undefined);
    assert.deepEqual(changes, ['raised', 'reminder', 'resolved']);

    const next = await alerts.raise('scheduler-paused', TEXT);
    assert.ok(next && next.id !== incident.id, 'a new incident after the last one was resolved');
  });
});
