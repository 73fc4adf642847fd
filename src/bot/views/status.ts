import type { HealthMonitor } from '../../services/health/health-monitor';
import { STATUS_VERBS } from '../verbs';

const STATE_ICON = { ok: '✓', down: '✗', unknown: '⚠' } as const;

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
    verb: STATUS_VERBS.refresh,
    dependencies,
  };
}
