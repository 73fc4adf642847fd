import type { PreflightReport } from '../../services/link/preflight/report';
import { LINK_VERBS } from '../verbs';
import { label } from './candidates';
import { STATUS_MARK, formatTime } from './format';

const VERDICT_TEXT = {
  pass: 'every check passed',
  warn: 'warnings need your acknowledgement',
  fail: 'blocked: fix the ✗ items first',
} as const;

/** The id of the toggle that acknowledges one warning; the request action reads it back. */
export function acknowledgementInput(checkId: string): string {
  return `ack.${checkId}`;
}

/** The data the `link-preflight` card template expects. */
export function preflightCardData(report: PreflightReport, draftId: string, notice = ''): object {
  const { ad, cloud } = report;
  return {
    verdictIcon: STATUS_MARK[report.verdict].icon,
    verdictText: VERDICT_TEXT[report.verdict],
    ad: `${label(ad)} (${ad.sAMAccountName}, ${ad.userPrincipalName ?? 'no UPN'}) ${ad.dn}`,
    cloud: `${cloud.displayName ?? cloud.userPrincipalName} (${cloud.userPrincipalName}) ${cloud.id}`,
    immutableId: report.immutableId,
    anchorAttribute: report.anchorAttribute,
    checkedAt: formatTime(report.checkedAt),
    checks: report.checks.map((c) => ({
      ...STATUS_MARK[c.status],
      title: c.title,
      detail: c.detail,
      fix: c.status === 'pass' ? '' : (c.fix ?? ''),
    })),
    warnings: report.checks
      .filter((c) => c.status === 'warn')
      .map((c) => ({ inputId: acknowledgementInput(c.id), title: c.title })),
    canRequest: report.verdict !== 'fail',
    notice,
    draftId,
    adUserId: ad.objectGuid,
    cloudUserId: cloud.id,
    requestVerb: LINK_VERBS.request,
    recheckVerb: LINK_VERBS.check,
  };
}
