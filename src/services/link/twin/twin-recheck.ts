import type { LinkRequest } from '../link-request';
import type { PreflightReport } from '../preflight/report';
import { recheckProblems } from '../run/recheck';
import { inSyncScope } from './parking-ou';
import type { TwinPlan } from './twin-plan';

/** The checks that must pass again at step 4: the twin is gone for good, so nothing else holds the value. */
const MUST_PASS_NOW = ['no-synced-twin', 'anchor-unique'] as const;

/**
 * What in the re-check of step 4 stops the write of a synced-twin fix, one line each; empty when it
 * may go on. As for a link ({@link recheckProblems}), except that the AD user is expected outside
 * the sync scope — parked, so `ad-user-ready` fails, and must fail for that reason alone: an AD
 * user back in scope would let a cycle create a new twin before the value is set, and a disabled
 * one would disable the original at step 6. And the twin deleted by step 3 must really be gone:
 * `no-synced-twin` and `anchor-unique` must pass now.
 */
export function twinRecheckProblems(
  request: LinkRequest & { twinFix: { plan: TwinPlan } },
  report: PreflightReport,
): string[] {
  const plan = request.twinFix.plan;
  const others = report.checks.filter((c) => c.id !== 'ad-user-ready');
  const problems = recheckProblems(request, { ...report, checks: others });
  if (!report.ad.enabled) {
    problems.push(`the AD user ${report.ad.dn} is disabled: step 6 would disable the original cloud user`);
  }
  if (report.ad.inSyncScope || inSyncScope(report.ad.dn, plan.syncScopeOus)) {
    problems.push(
      `the AD user ${report.ad.dn} is back in sync scope before the ImmutableId is set: a sync cycle could ` +
        'create a new synced twin; move it back to the parking OU',
    );
  }
  for (const id of MUST_PASS_NOW) {
    const check = report.checks.find((c) => c.id === id);
    // A failure is already listed above; a warning or a missing check is not "gone for good".
    if (check?.status === 'fail') continue;
    if (check?.status !== 'pass') {
      problems.push(
        `${check?.title ?? id} does not pass now (${check?.detail ?? 'not checked'}): the twin must be gone`,
      );
    }
  }
  return problems;
}
