import type { HealthMonitor } from '../../services/health/health-monitor';

const STATE_ICON = { ok: '✓', down: '✗', unknown: '⚠' } as const;

/** The verb of the status card's Refresh button. */
export const REFRESH_STATUS_VERB = 'status.refresh';

/** Asks every dependency now and returns the data the `status` card template expects. */
export async function statusCardData(health: HealthMonitor): Promise<object> {
  const report = await health.report();
  const dependencies = Object.entries(report.dependencies).map(([name, dep]) => ({
    name,
    icon: STATE_ICON[dep.state],
    state: dep.state,
    detail: dep.lastSeen ? `${dep.detail} (last seen ${dep.lastSeen})` : dep.detail,
  }));
  return {
    status: report.status,
    mode: report.mode,
    checkedAt: new Date().toISOString(),
    verb: REFRESH_STATUS_VERB,
    dependencies,
  };
}
