import { TWIN_STEPS, TWIN_STEP_INFO } from '../../services/link/twin/twin-steps';
import type { TwinCheckStatus } from '../../services/link/twin/twin-checks';
import type { TwinPlan } from '../../services/link/twin/twin-plan';
import { planWarnings } from '../../services/link/twin/twin-plan';
import { MAX_REASON_LENGTH } from '../../services/link/request-store';
import { LINK_VERBS } from '../verbs';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';
import { acknowledgementInput } from './preflight';
import type { PreflightWarning } from './preflight';

/** A twin check's mark: the preflight's three, plus `?` for a fact Anchor could not read. */
const TWIN_MARK: Record<TwinCheckStatus, Mark> = {
  ...STATUS_MARK,
  unknown: { icon: '?', color: 'Attention' },
};

const VERDICT_TEXT = {
  pass: 'every check passed',
  warn: 'warnings need your acknowledgement',
  fail: 'blocked: fix the ✗ items first',
} as const;

/** One row of the side-by-side comparison; a row the deletion loses is marked ✗ in red. */
export interface TwinComparisonLine {
  label: string;
  original: string;
  twin: string;
  /** '✗' when deleting the twin loses what it has here, else ''. */
  lostIcon: string;
  /** `Attention` for a lost row, else `Default`. */
  color: string;
}

/** A check line (twin check or a non-passing preflight check of the original). */
export interface TwinCheckLine extends Mark {
  title: string;
  detail: string;
  /** What to do; '' for a check that passed. */
  fix: string;
}

/** One of the six steps and who does it. */
export interface TwinStepLine {
  number: number;
  title: string;
  /** "you" for the admin's steps, "Anchor" for the others. */
  actor: string;
}

/** The data the `twin-plan` card template binds. */
export interface TwinPlanCardData {
  sam: string;
  verdictIcon: string;
  verdictText: string;
  original: string;
  twin: string;
  ad: string;
  rows: TwinComparisonLine[];
  twinChecks: TwinCheckLine[];
  /** The original's preflight in one line: how many checks passed, warned, failed. */
  preflightSummary: string;
  /** The original's preflight checks that did not pass (its no-synced-twin is what the plan fixes). */
  preflightIssues: TwinCheckLine[];
  /** Where step 1 parks the AD user, or the reason none could be named (then `parkingOk` is false). */
  parking: string;
  parkingOk: boolean;
  homeOu: string;
  steps: TwinStepLine[];
  /** The permanent-deletion line every approver must read; '' on a ✗ plan, which cannot be filed. */
  attention: string;
  warnings: PreflightWarning[];
  canRequest: boolean;
  notice: string;
  plannedAt: string;
  draftId: string;
  reasonMaxLength: number;
  adUserId: string;
  cloudUserId: string;
  requestVerb: typeof LINK_VERBS.request;
  recheckVerb: typeof LINK_VERBS.check;
}

/** The attention line of a plan and of its request: what approving it deletes for good. */
export function permanentDeletionLine(twin: { userPrincipalName: string; id: string }): string {
  return (
    `Approving this plan approves the permanent deletion of ${clip(twin.userPrincipalName, SHOWN_BYTES.address)} ` +
    `(${twin.id}). It cannot be restored.`
  );
}

/** The data the `twin-plan` card template expects. */
export function twinPlanCardData(plan: TwinPlan, draftId: string, notice = ''): TwinPlanCardData {
  const { name, address, dn, text } = SHOWN_BYTES;
  const line = (c: {
    status: TwinCheckStatus;
    title: string;
    detail: string;
    fix?: string;
  }): TwinCheckLine => ({
    ...TWIN_MARK[c.status],
    title: clip(c.title, name),
    detail: clip(c.detail, text),
    fix: c.status === 'pass' ? '' : clip(c.fix ?? '', text),
  });
  const others = plan.preflight.checks.filter((c) => c.id !== 'no-synced-twin');
  const count = (s: string): number => others.filter((c) => c.status === s).length;
  return {
    sam: clip(plan.ad.sAMAccountName, address),
    verdictIcon: STATUS_MARK[plan.verdict].icon,
    verdictText: VERDICT_TEXT[plan.verdict],
    original: `${clip(plan.original.userPrincipalName, address)} (${plan.original.id})`,
    twin: `${clip(plan.twin.userPrincipalName, address)} (${plan.twin.id})`,
    ad: `${clip(plan.ad.sAMAccountName, address)} ${clip(plan.ad.dn, dn)}`,
    rows: plan.comparison.map((r) => ({
      label: clip(r.label, name),
      original: clip(r.original, text),
      twin: clip(r.twin, text),
      lostIcon: r.lost ? '✗' : '',
      color: r.lost ? 'Attention' : 'Default',
    })),
    twinChecks: plan.twinChecks.map(line),
    preflightSummary: `The original's preflight: ✓ ${count('pass')} · ⚠ ${count('warn')} · ✗ ${count('fail')}`,
    preflightIssues: others.filter((c) => c.status !== 'pass').map(line),
    parking: plan.parking ? clip(plan.parking.dn, dn) : clip(plan.parkingProblem ?? 'no parking OU', text),
    parkingOk: plan.parking !== null,
    homeOu: clip(plan.ad.homeOu, dn),
    steps: TWIN_STEPS.map((s) => ({
      number: TWIN_STEP_INFO[s].number,
      title: TWIN_STEP_INFO[s].title,
      actor: TWIN_STEP_INFO[s].actor === 'admin' ? 'you' : 'Anchor',
    })),
    // A ✗ plan cannot be filed, so it approves nothing: no warning about what approving would do.
    attention: plan.verdict === 'fail' ? '' : permanentDeletionLine(plan.twin),
    warnings: planWarnings(plan).map((w) => ({
      inputId: acknowledgementInput(w.id),
      title: clip(w.title, name),
    })),
    canRequest: plan.verdict !== 'fail',
    notice: clip(notice, text),
    plannedAt: formatTime(plan.plannedAt),
    draftId,
    reasonMaxLength: MAX_REASON_LENGTH,
    adUserId: plan.ad.objectGuid,
    cloudUserId: plan.original.id,
    requestVerb: LINK_VERBS.request,
    recheckVerb: LINK_VERBS.check,
  };
}
