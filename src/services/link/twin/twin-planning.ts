import type { PreflightReport } from '../preflight/report';
import type { TwinPlan } from './twin-plan';

/**
 * Plans the fix of the synced twin a preflight found: reads both cloud users' footprints, the
 * holders of the value and the directory's OUs, and judges the plan (`buildTwinPlan`).
 */
export interface TwinPlanning {
  /**
   * @throws AdminFacingError when the preflight names no synced twin, or a fact the plan cannot do
   *   without (the twin itself) cannot be read.
   */
  plan(report: PreflightReport): Promise<TwinPlan>;
}
