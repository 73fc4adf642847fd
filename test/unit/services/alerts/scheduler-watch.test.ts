import assert from 'node:assert/strict';
import { AlertService } from '../../../../src/services/alerts/alert-service';
import { SchedulerWatch } from '../../../../src/services/alerts/scheduler-watch';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import type { LinkRequest, LinkStep } from '../../../../src/services/link/link-request';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { apesPreflight } from '../../../support/link-fixtures';
import { memoryLogger } from '../../../support/memory-logger';
import { pollRequest, schedulerState } from '../../../support/relay-messages';

describe('SchedulerWatch (a scheduler left paused alerts every admin until it is enabled)', () => {
  let clock: Date;
  let presence: RelayPresence;
  let alerts: AlertService;
  let underWay: boolean;
  let watch: SchedulerWatch;

  beforeEach(() => {
    clock = new Date('2026-11-25T10:00:00Z');
    const store = new MemoryStateStore();
    presence = new RelayPresence(60_000, { store, relayIds: ['aadc01'] });
    alerts = new AlertService({ store, audit: new AuditLog(store), logger: memoryLogger().logger });
    underWay = false;
    watch = new SchedulerWatch({
      alerts,
      relay: {
        lastHeartbeat: () => presence.lastHeartbeat(),
        isFresh: (h) => presence.isFresh(h, clock.getTime()),
      },
      runUnderWay: async () => underWay,
      graceMs: 120_000,
      now: () => clock,
    });
  });

  /** The relay polls now, reporting the scheduler enabled or paused. */
  async function poll(enabled: boolean | null): Promise<void> {
    await presence.record(
      pollRequest('aadc01', { scheduler: schedulerState({ syncCycleEnabled: enabled }) }),
      clock,
    );
  }

  async function after(ms: number): Promise<void> {
    clock = new Date(clock.getTime() + ms);
    await poll(false);
    await watch.check();
  }

  it('raises once the relay reported it paused for the grace time with no run under way', async () => {
    await poll(false);
    await watch.check();
    await after(60_000);
    assert.equal(await alerts.get('scheduler-paused'), undefined, 'not within the grace time');
    await after(60_000);
    const incident = await alerts.get('scheduler-paused');
    assert.equal(incident?.state, 'open');
    assert.match(incident!.title, /paused on aadc01/);
    assert.match(incident!.detail, /no link run holds the pause/);
  });

  it('says nothing while a link run holds the pause, or while the relay report is unknown or stale', async () => {
    underWay = true;
    await poll(false);
    await watch.check();
    await after(300_000);
    underWay = false;
    await poll(null);
    await watch.check();
    clock = new Date(clock.getTime() + 600_000);
    await watch.check();
    assert.equal(await alerts.get('scheduler-paused'), undefined);
  });

  it('resolves the incident when the relay reports the scheduler enabled', async () => {
    await poll(false);
    await watch.check();
    await after(120_000);
    clock = new Date(clock.getTime() + 10_000);
    await poll(true);
    await watch.check();
    const incident = await alerts.get('scheduler-paused');
    assert.equal(incident?.state, 'resolved');
    assert.match(incident!.resolution ?? '', /reported SyncCycleEnabled True at 2026-11-25 10:02:10 UTC/);
    assert.match(incident!.resolvedTitle, /runs again on aadc01/);
  });

  /** A finished run whose steps end as given. */
  function finished(
    state: LinkRequest['state'],
    resume: LinkStep['state'] | null,
    scheduler?: 'enabled' | 'paused' | 'unknown',
  ): LinkRequest {
    const steps: LinkStep[] = [{ name: 'pause', state: 'done', startedAt: '', finishedAt: '', detail: null }];
    if (resume)
      steps.push({
        name: 'resume',
        state: resume,
        startedAt: '',
        finishedAt: '',
        detail: 'the sync scheduler is still paused on aadc01',
      });
    return {
      id: '1b2c3d4e-0000-4000-8000-000000000001',
      state,
      preflight: apesPreflight(),
      run: {
        startedAt: '',
        finishedAt: '',
        steps,
        failure: scheduler ? { step: 'resume', message: 'still paused', advice: '', scheduler } : null,
        owner: null,
        leaseUntil: null,
      },
    } as unknown as LinkRequest;
  }

  it('raises at once when a run ended with the scheduler read back paused, and not for other outcomes', async () => {
    await poll(false);
    await watch.runEnded(finished('linked', 'done'));
    await watch.runEnded(finished('failed', 'done', 'enabled'));
    await watch.runEnded(finished('failed', null));
    assert.equal(await alerts.get('scheduler-paused'), undefined);
    await watch.runEnded(finished('failed', 'failed', 'paused'));
    const incident = await alerts.get('scheduler-paused');
    assert.equal(incident?.state, 'open');
    assert.match(
      incident!.detail,
      /apes@contoso\.com .*could not resume it: the sync scheduler is still paused/,
    );
  });
});
