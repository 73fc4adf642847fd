import type { Logger } from '../shared/logger';
import type { SchedulerWatch } from '../services/alerts/scheduler-watch';
import type { SyncHealthMonitor } from '../services/alerts/sync-health-monitor';
import type { AuditLog } from '../services/audit/audit-log';
import type { LinkService } from '../services/link/link-service';
import type { LinkWorkflow } from '../services/link/run/workflow';
import type { RelayJobQueue } from '../services/relay/job-queue';

/** A started sweeper; stop() clears its timer. */
export interface Sweeper {
  stop(): void;
}

/**
 * Runs `task` every `intervalMs` (and at once when `atStart`), never two at a time: a round that
 * waits for the relay or the store must not overlap the next. `task` handles its own failures.
 */
function every(intervalMs: number, task: () => Promise<unknown>, atStart: boolean): Sweeper {
  let busy = false;
  const run = () => {
    if (busy) return;
    busy = true;
    void task().finally(() => (busy = false));
  };
  if (atStart) run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** How often jobs whose time ran out are expired, in case the instance awaiting them is gone. */
const JOB_SWEEP_INTERVAL_MS = 15_000;

/** Expires relay jobs whose time ran out, every 15 s, in case the instance awaiting them is gone. */
export function sweepExpiredJobs(queue: RelayJobQueue, logger: Logger): Sweeper {
  const timer = setInterval(() => {
    queue.expire().then(
      (expired) => expired.forEach((r) => logger.warn({ job: r.job }, 'relay job expired')),
      (err: unknown) => logger.warn({ err }, 'expiring relay jobs failed'),
    );
  }, JOB_SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** What {@link sweepRequests} works on. */
export interface RequestSweep {
  link: LinkService;
  workflow: LinkWorkflow;
  audit: AuditLog;
  intervalMs: number;
  retentionDays: number;
  logger: Logger;
}

/**
 * At start and then every interval: ends link runs a stopped instance left behind (resuming the
 * scheduler first), starts approved requests nobody started, expires pending requests past their
 * time (the link service audits each and announces it), and drops audit days past retention.
 */
export function sweepRequests(sweep: RequestSweep): Sweeper {
  const { link, workflow, audit, logger } = sweep;
  // A recovery waits for relay jobs; the next tick must not start a second one meanwhile.
  return every(
    sweep.intervalMs,
    () =>
      workflow
        .recoverOrphans()
        .catch((err: unknown) => logger.warn({ err }, 'recovering link runs failed'))
        .then(() => link.expireDue())
        .catch((err: unknown) => logger.warn({ err }, 'expiring link requests failed'))
        .then(() => audit.prune(sweep.retentionDays))
        .then((dropped) => dropped?.length && logger.info({ dropped }, 'audit days past retention dropped'))
        .catch((err: unknown) => logger.warn({ err }, 'pruning the audit log failed')),
    true,
  );
}

/** How often the relay's last report is looked at for a scheduler left paused. */
const ALERT_SWEEP_INTERVAL_MS = 30_000;

/**
 * Every 30 s: raises or resolves the "scheduler paused" incident from the relay's last report
 * (reminders of every incident are the sync-health monitor's).
 */
export function sweepAlerts(watch: SchedulerWatch, logger: Logger): Sweeper {
  return every(
    ALERT_SWEEP_INTERVAL_MS,
    () =>
      watch.check().catch((err: unknown) => logger.warn({ err }, 'checking for a paused scheduler failed')),
    false,
  );
}

/**
 * At start and then every SYNC_HEALTH_INTERVAL_SECONDS: one round of the sync-health monitor, on
 * the instance that holds its lease.
 */
export function sweepSyncHealth(monitor: SyncHealthMonitor, intervalMs: number, logger: Logger): Sweeper {
  return every(
    intervalMs,
    () => monitor.tick().catch((err: unknown) => logger.warn({ err }, 'reading the sync health failed')),
    true,
  );
}
