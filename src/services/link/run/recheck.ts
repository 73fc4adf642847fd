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
  problems.push(...undoProblems(report));
  return problems;
}

/**
 * Anchor writes only where it can undo the write. Graph refuses every onPremisesImmutableId change
 * for a user in a federated domain, clearing included, so the rollback after a failed run could
 * not take the value back: the run needs the domain confirmed managed now. An acknowledged
 * warning (a domain Graph did not call Managed) is not enough here.
 */
function undoProblems(report: PreflightReport): string[] {
  const domain = report.checks.find((c) => c.id === 'domain-managed');
  if (domain?.status === 'pass') return [];
  const seen = domain ? `${domain.title}: ${domain.detail}` : 'the re-check did not judge the UPN domain';
  return [
    `${seen} — Anchor writes only where it could undo the write, and Graph refuses every ImmutableId ` +
      'change in a federated domain, clearing included',
  ];
}
