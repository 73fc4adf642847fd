import type { PreflightReport } from '../../services/link/preflight/report';
import { MAX_REASON_LENGTH } from '../../services/link/request-store';
import { LINK_VERBS } from '../verbs';
import { label } from './candidates';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';

const VERDICT_TEXT = {
  pass: 'every check passed',
  warn: 'warnings need your acknowledgement',
  fail: 'blocked: fix the ✗ items first',
} as const;

/** The id of the toggle that acknowledges one warning; the request action reads it back. */
export function acknowledgementInput(checkId: string): string {
  return `ack.${checkId}`;
}

/** One check on the preflight card, marked with its status's {@link STATUS_MARK}. */
export interface PreflightCheckLine extends Mark {
  title: string;
  detail: string;
  /** What to do about a warning or failure; '' for a check that passed. */
  fix: string;
}

/** A warning the requester must acknowledge with a toggle before filing the request. */
export interface PreflightWarning {
  /** The toggle's input id, from {@link acknowledgementInput}. */
  inputId: string;
  title: string;
}

/** The data the `link-preflight` card template binds. */
export interface PreflightCardData {
  verdictIcon: string;
  verdictText: string;
  /** The AD account in one line: name, login, UPN and DN. */
  ad: string;
  /** The cloud user in one line: name, UPN and object id. */
  cloud: string;
  immutableId: string;
  anchorAttribute: string;
  checkedAt: string;
  checks: PreflightCheckLine[];
  warnings: PreflightWarning[];
  /** False when a check failed: the card then offers only "Check again". */
  canRequest: boolean;
  /** A line shown in red under the checks (why filing was refused); '' for none. */
  notice: string;
  /** The saved draft "Request approval" files. */
  draftId: string;
  /** How long a reason the input takes: the filing rule's limit. */
  reasonMaxLength: number;
  /** The pair "Check again" checks. */
  adUserId: string;
  cloudUserId: string;
  requestVerb: typeof LINK_VERBS.request;
  recheckVerb: typeof LINK_VERBS.check;
  /** True when the pair is blocked by a synced twin: the card offers "Plan the fix". */
  canPlanTwinFix: boolean;
  planTwinFixVerb: typeof LINK_VERBS.planTwinFix;
}

/**
 * The no-synced-twin check fails for three reasons (twin found, holders unreadable, too many
 * holders); only the first is fixable by the guided plan, and its detail names the twin.
 */
const TWIN_FOUND = 'Entra Connect already created the synced twin ';

/** True when the report's no-synced-twin check failed because a synced twin exists. */
export function hasSyncedTwin(report: PreflightReport): boolean {
  return report.checks.some(
    (c) => c.id === 'no-synced-twin' && c.status === 'fail' && c.detail.startsWith(TWIN_FOUND),
  );
}

/** The data the `link-preflight` card template expects. */
export function preflightCardData(report: PreflightReport, draftId: string, notice = ''): PreflightCardData {
  const { ad, cloud } = report;
  const { name, address, dn, text } = SHOWN_BYTES;
  return {
    verdictIcon: STATUS_MARK[report.verdict].icon,
    verdictText: VERDICT_TEXT[report.verdict],
    ad: `${clip(label(ad), name)} (${clip(ad.sAMAccountName, address)}, ${clip(ad.userPrincipalName ?? 'no UPN', address)}) ${clip(ad.dn, dn)}`,
    cloud: `${clip(cloud.displayName ?? cloud.userPrincipalName, name)} (${clip(cloud.userPrincipalName, address)}) ${cloud.id}`,
    immutableId: report.immutableId,
    anchorAttribute: report.anchorAttribute,
    checkedAt: formatTime(report.checkedAt),
    checks: report.checks.map((c) => ({
      ...STATUS_MARK[c.status],
      title: clip(c.title, name),
      detail: clip(c.detail, text),
      fix: c.status === 'pass' ? '' : clip(c.fix ?? '', text),
    })),
    warnings: report.checks
      .filter((c) => c.status === 'warn')
      .map((c) => ({ inputId: acknowledgementInput(c.id), title: clip(c.title, name) })),
    canRequest: report.verdict !== 'fail',
    notice: clip(notice, text),
    draftId,
    reasonMaxLength: MAX_REASON_LENGTH,
    adUserId: ad.objectGuid,
    cloudUserId: cloud.id,
    requestVerb: LINK_VERBS.request,
    recheckVerb: LINK_VERBS.check,
    canPlanTwinFix: hasSyncedTwin(report),
    planTwinFixVerb: LINK_VERBS.planTwinFix,
  };
}
