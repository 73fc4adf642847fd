import type { DependencyState, HealthMonitor, HealthReport } from '../../services/health/health-monitor';
import { STATUS_VERBS } from '../verbs';
import { SHOWN_BYTES, clip } from './format';

const STATE_ICON = { ok: '✓', down: '✗', unknown: '⚠' } as const;

/** One dependency's line on the status card. */
export interface StatusDependencyLine {
  name: string;
  icon: string;
  state: DependencyState;
  /** The probe's detail, with when the dependency was last seen if that is tracked. */
  detail: string;
}

/** The data the `status` card template binds. */
export interface StatusCardData {
  status: HealthReport['status'];
  mode: string;
  /** When the card was made, ISO 8601. */
  checkedAt: string;
  /** The Refresh button's verb. */
  verb: typeof STATUS_VERBS.refresh;
  dependencies: StatusDependencyLine[];
}

/** Asks every dependency now and returns the data the `status` card template expects. */
export async function statusCardData(health: HealthMonitor): Promise<StatusCardData> {
  const report = await health.report();
  const dependencies = Object.entries(report.dependencies).map(([name, dep]) => ({
    name,
    icon: STATE_ICON[dep.state],
    state: dep.state,
    detail: `${clip(dep.detail, SHOWN_BYTES.text)}${dep.lastSeen ? ` (last seen ${dep.lastSeen})` : ''}`,
  }));
  return {
    status: report.status,
    mode: report.mode,
    checkedAt: new Date().toISOString(),
    verb: STATUS_VERBS.refresh,
    dependencies,
  };
}
