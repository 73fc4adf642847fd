import type { LinkRequest } from '../link-request';
import type { PreflightReport } from '../preflight/report';

/**
 * What in a fresh preflight stops an approved run, one line each; empty when it may go on.
 * A failing check stops it. So does a warning the requester did not acknowledge (the approver
 * never saw it) and a changed value or pair: the approval was for the value and pair on the card.
 */
export function recheckProblems(request: LinkRequest, report: PreflightReport): string[] {
  const approved = request.preflight;
  const problems = report.checks.filter((c) => c.status === 'fail').map((c) => `${c.title}: ${c.detail}`);
  problems.push(
    ...report.checks
      .filter((c) => c.status === 'warn' && !request.acknowledged.includes(c.id))
      .map((c) => `${c.title} (a new warning nobody acknowledged): ${c.detail}`),
  );
  if (report.cloud.id !== approved.cloud.id || report.ad.objectGuid !== approved.ad.objectGuid) {
    problems.push('the re-check was for another pair of users than the one approved');
  }
  if (report.immutableId !== approved.immutableId) {
    problems.push(`the ImmutableId is now ${report.immutableId}, not the approved ${approved.immutableId}`);
  }
  return problems;
}
