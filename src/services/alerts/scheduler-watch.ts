import type { LinkRequest } from '../link/link-request';
import type { RelayHeartbeat } from '../relay/presence';
import type { AlertService } from './alert-service';
import type { IncidentText } from './incident';
import { formatTime } from '../../shared/time-text';

/** What {@link SchedulerWatch} reads and raises with. */
export interface SchedulerWatchOptions {
  alerts: AlertService;
  /** The relay's last heartbeat and whether it is fresh (RelayPresence). */
  relay: {
    lastHeartbeat(): Promise<RelayHeartbeat | null>;
    isFresh(heartbeat: RelayHeartbeat, now?: number): boolean;
  };
  /** True while a link run holds the pause (a request approved or running). */
  runUnderWay: () => Promise<boolean>;
  /**
   * How long the relay must report the scheduler paused with no run under way before the admins
   * are alerted: longer than the relay's status refresh, so a resume it has not reported yet is
   * not taken for a pause left behind.
   */
  graceMs: number;
  now?: () => Date;
}

const TITLE = (server: string) => `The sync scheduler is paused on ${server}`;
const FIX =
  'Run Set-ADSyncScheduler -SyncCycleEnabled $true on the Entra Connect server. While Anchor holds ' +
  'its pause lease there, the relay keeps trying to resume the scheduler by itself. This card turns ' +
  'green as soon as the relay reports the scheduler enabled.';

/**
 * Alerts every admin while the Entra Connect scheduler stays paused with no link run holding the
 * pause (a resume that did not take, or a pause left behind by hand), and marks the alert resolved
 * once the relay reports the scheduler enabled. While it is paused Entra Connect exports nothing:
 * no new user, no disabled account, no group change reaches Entra ID.
 */
export class SchedulerWatch {
  /** When this instance first saw the scheduler paused with no run under way. */
  private pausedSince: number | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerWatchOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Looks at the relay's last heartbeat: raises after the grace time, resolves once enabled. */
  async check(): Promise<void> {
    const heartbeat = await this.options.relay.lastHeartbeat();
    const now = this.now().getTime();
    if (!heartbeat?.poll || !this.options.relay.isFresh(heartbeat, now)) return;
    const { relayId, scheduler } = heartbeat.poll;
    if (scheduler.syncCycleEnabled === true) {
      this.pausedSince = undefined;
      await this.options.alerts.resolve(
        'scheduler-paused',
        `The relay ${relayId} reported SyncCycleEnabled True at ${formatTime(heartbeat.at)}.`,
      );
      return;
    }
    if (scheduler.syncCycleEnabled !== false || (await this.options.runUnderWay())) {
      this.pausedSince = undefined;
      return;
    }
    this.pausedSince ??= now;
    if (now - this.pausedSince < this.options.graceMs) return;
    await this.options.alerts.raise('scheduler-paused', {
      ...text(relayId),
      detail:
        `The relay ${relayId} has reported SyncCycleEnabled False since ${formatTime(this.pausedSince)} ` +
        'and no link run holds the pause. Entra Connect exports nothing while it is paused.',
    });
  }

  /**
   * Told when a link run changed: one that ended with the scheduler read back paused, or not read
   * back at all, left it paused as far as Anchor knows, which the run checked itself, so the admins
   * are alerted at once (an `unknown` is resolved by the relay's next report if it was enabled).
   */
  async runEnded(request: LinkRequest): Promise<void> {
    const failure = request.state === 'failed' ? request.run?.failure : null;
    if (failure?.scheduler !== 'paused' && failure?.scheduler !== 'unknown') return;
    const resume = request.run?.steps.filter((s) => s.name === 'resume').at(-1);
    const heartbeat = await this.options.relay.lastHeartbeat();
    const server = heartbeat?.poll?.relayId ?? heartbeat?.relayId ?? 'the Entra Connect server';
    const why = failure.scheduler === 'paused' ? 'could not resume it' : 'could not confirm it resumed it';
    await this.options.alerts.raise('scheduler-paused', {
      ...text(server),
      detail:
        `The link of ${request.preflight.cloud.userPrincipalName} (request ${request.id.slice(0, 8)}) ${why}: ` +
        `${(resume?.detail ?? failure.message).replace(/\.$/, '')}. Entra Connect exports nothing while it is paused.`,
    });
  }
}

function text(server: string): IncidentText {
  return {
    title: TITLE(server),
    resolvedTitle: `The sync scheduler runs again on ${server}`,
    detail: '',
    fix: FIX,
  };
}
