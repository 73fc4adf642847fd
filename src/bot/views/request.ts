import { isRequester, isTwinFix } from '../../services/link/link-request';
import { twinData, twinFailure, twinHeadline, twinStepLines } from './twin-fix-request';
import type { RequestTwinData } from './twin-fix-request';
import type { PreflightCheck } from '../../services/link/preflight/report';
import { verdictOf } from '../../services/link/preflight/report';
import type {
  LinkFailure,
  LinkRequest,
  LinkStep,
  LinkStepName,
  Person,
} from '../../services/link/link-request';
import { LINK_VERBS } from '../verbs';
import { label } from './candidates';
import { REQUEST_STATE_MARK, SHOWN_BYTES, STATUS_MARK, clip, formatTime, plural } from './format';
import type { Mark } from './format';

/** Who is looking at a request card: its requester, or an admin who may decide. */
export type RequestViewer = 'requester' | 'approvers';

const STEP_TITLE: Record<LinkStepName, string> = {
  pause: 'Pause the sync scheduler',
  'wait-for-cycle': 'Wait for the running sync cycle to end',
  preflight: 'Re-run the preflight',
  'set-immutable-id': 'Set onPremisesImmutableId',
  resume: 'Resume the sync scheduler',
  delta: 'Run a delta sync cycle',
  verify: 'Wait for Entra Connect to take the user over',
  rollback: 'Undo: clear onPremisesImmutableId',
};

const STEP_MARK: Record<LinkStep['state'], Mark> = {
  running: { icon: '…', color: 'Accent' },
  done: STATUS_MARK.pass,
  failed: STATUS_MARK.fail,
  skipped: { icon: '–', color: 'Default' },
};

const HEADLINE: Record<LinkRequest['state'], string> = {
  pending: 'Link request: waiting for approval',
  approved: 'Link request: approved, starting',
  running: 'Linking…',
  linked: 'Linked',
  failed: 'Link failed',
  rejected: 'Link request rejected',
  cancelled: 'Link request cancelled',
  expired: 'Link request expired',
};

/** One preflight check on the request card, marked with its status's {@link STATUS_MARK}. */
export interface RequestCheckLine extends Mark {
  title: string;
  detail: string;
}

/** The preflight in one line, marked with its verdict's {@link STATUS_MARK}. */
export interface RequestPreflightLine extends Mark {
  /** How many checks passed and what the requester acknowledged; never "passed" beside a warning. */
  summary: string;
  checkedAt: string;
}

/** One step of the run on the request card. */
export interface RequestStepLine extends Mark {
  title: string;
  /** When the step finished, or started while it runs. */
  time: string;
  detail: string;
}

/** The data the `link-request` card template binds. */
export interface RequestCardData {
  requestId: string;
  stateIcon: string;
  stateColor: string;
  headline: string;
  /** Who decided and when, or what happens next. */
  stateLine: string;
  requester: string;
  createdAt: string;
  reason: string;
  /** The AD account in one line: name, login and DN. */
  ad: string;
  /** The cloud user in one line: name and UPN. */
  cloud: string;
  /** "Cloud:", or for a synced-twin fix "Keep (original):". */
  cloudLabel: string;
  immutableId: string;
  anchorAttribute: string;
  preflight: RequestPreflightLine;
  /** The checks that warned or failed: shown at a glance. */
  flagged: RequestCheckLine[];
  /**
   * The checks that passed: folded behind "Show checks", an `Action.ToggleVisibility` (Adaptive
   * Cards 1.2; listed among the actions Teams supports in Microsoft's "Card actions" page,
   * msteams-platform/task-modules-and-cards/cards/cards-actions.md). It runs in the client: no
   * invoke reaches the bot, and the card stays the same for every viewer.
   */
  passed: RequestCheckLine[];
  /** The run's steps, shown right under the outcome. */
  steps: RequestStepLine[];
  /** Why the run failed, when it did. */
  failure: Pick<LinkFailure, 'message' | 'advice'> | null;
  /** A line at the bottom (why a click was refused, where the card went); '' for none. */
  notice: string;
  /** Its colour: red for a refusal or an admin not reached, plain for news. */
  noticeColor: NoticeTone;
  /** For a synced-twin fix: the twin it deletes; null for a plain link. */
  twin: RequestTwinData | null;
  /** Approve and Reject show for approvers of a pending request; Cancel for its requester. */
  canDecide: boolean;
  canCancel: boolean;
  /** Who Teams asks for their own view of the card (`refresh.userIds`); null drops the refresh. */
  refreshUserIds: string[] | null;
  viewVerb: typeof LINK_VERBS.view;
  approveVerb: typeof LINK_VERBS.approve;
  rejectVerb: typeof LINK_VERBS.reject;
  cancelVerb: typeof LINK_VERBS.cancel;
}

/** How the notice line reads: Adaptive Card text colours. */
export type NoticeTone = 'Default' | 'Attention';

/** The data the `link-request` card template expects, for one viewer. */
export function requestCardData(
  request: LinkRequest,
  viewer: RequestViewer,
  notice = '',
  noticeTone: NoticeTone = 'Attention',
): RequestCardData {
  const { ad, cloud } = request.preflight;
  const pending = request.state === 'pending';
  const mark = REQUEST_STATE_MARK[request.state];
  const failure = request.run?.failure;
  const { name, address, dn, line, text } = SHOWN_BYTES;
  const checkLine = (c: PreflightCheck): RequestCheckLine => ({
    ...STATUS_MARK[c.status],
    title: clip(c.title, name),
    detail: clip(c.detail, line),
  });
  const twinFix = isTwinFix(request) ? request : null;
  // A fix repairs exactly what no-synced-twin found: listing that ✗ on its card would read as a block.
  const checks = request.preflight.checks.filter((c) => !twinFix || c.id !== 'no-synced-twin');
  return {
    requestId: request.id,
    stateIcon: mark.icon,
    stateColor: mark.color,
    headline: `${twinFix ? twinHeadline(twinFix) : HEADLINE[request.state]}: ${clip(label(ad), name)}`,
    stateLine: stateLine(withShownNames(request)),
    requester: clip(request.requester.name, name),
    createdAt: formatTime(request.createdAt),
    // Shown whole: the approver decides on what the requester wrote (the filing rule bounds it).
    reason: request.reason,
    ad: `${clip(label(ad), name)} (${clip(ad.sAMAccountName, address)}) ${clip(ad.dn, dn)}`,
    cloud: `${clip(cloud.displayName ?? cloud.userPrincipalName, name)} (${clip(cloud.userPrincipalName, address)})`,
    immutableId: request.preflight.immutableId,
    anchorAttribute: request.preflight.anchorAttribute,
    preflight: {
      ...STATUS_MARK[verdictOf(checks)],
      summary: preflightSummary(withShownNames(request), checks),
      checkedAt: formatTime(request.preflight.checkedAt),
    },
    flagged: checks.filter((c) => c.status !== 'pass').map(checkLine),
    passed: checks.filter((c) => c.status === 'pass').map(checkLine),
    steps: twinFix
      ? twinStepLines(twinFix)
      : (request.run?.steps ?? []).map((s) => ({
          ...STEP_MARK[s.state],
          title: STEP_TITLE[s.name],
          time: formatTime(s.finishedAt ?? s.startedAt),
          // The failure box below quotes the failed step; saying it twice only makes the card taller.
          detail: s.state === 'failed' && s.detail === failure?.message ? '' : clip(s.detail ?? '', line),
        })),
    failure: twinFix
      ? twinFailure(twinFix)
      : failure
        ? { message: clip(failure.message, text), advice: clip(failure.advice, text) }
        : null,
    twin: twinFix ? twinData(twinFix) : null,
    cloudLabel: twinFix ? 'Keep (original):' : 'Cloud:',
    notice: clip(notice, text),
    noticeColor: noticeTone,
    canDecide: pending && viewer === 'approvers',
    canCancel: pending && viewer === 'requester',
    // Teams asks for the requester's own view (Cancel instead of Approve) on a shared card.
    refreshUserIds: pending && request.requester.chatUserId ? [request.requester.chatUserId] : null,
    viewVerb: LINK_VERBS.view,
    approveVerb: LINK_VERBS.approve,
    rejectVerb: LINK_VERBS.reject,
    cancelVerb: LINK_VERBS.cancel,
  };
}

/**
 * "11 of 11 checks passed", or "10 of 11 checks passed; 1 warning, acknowledged by Megan Bowen":
 * a count of passes never stands alone beside a warning or a failure.
 */
function preflightSummary(request: LinkRequest, checks: readonly PreflightCheck[]): string {
  const count = (status: PreflightCheck['status']) => checks.filter((c) => c.status === status).length;
  const passed = `${count('pass')} of ${checks.length} checks passed`;
  const failed = count('fail') > 0 ? `; ${count('fail')} failed` : '';
  const warned = count('warn');
  if (warned === 0) return `${passed}${failed}`;
  const acknowledged = checks
    .filter((c) => c.status === 'warn')
    .every((c) => request.acknowledged.includes(c.id));
  const by = acknowledged ? `acknowledged by ${request.requester.name}` : 'not all acknowledged';
  return `${passed}${failed}; ${plural(warned, 'warning')}, ${by}`;
}

function stateLine(request: LinkRequest): string {
  const d = request.decision;
  switch (request.state) {
    case 'pending':
      return `Needs an admin other than ${request.requester.name}. Expires ${formatTime(request.expiresAt)}.`;
    case 'approved':
    case 'running':
      return `Approved by ${d?.by.name} at ${formatTime(d?.at)}.`;
    case 'linked':
      return `Approved by ${d?.by.name} at ${formatTime(d?.at)}; linked at ${formatTime(request.run?.finishedAt)} (${durationOf(request)}).`;
    case 'failed':
      return `Approved by ${d?.by.name} at ${formatTime(d?.at)}; failed at ${formatTime(request.run?.finishedAt)}.${schedulerAfter(request)}`;
    case 'rejected':
      return `Rejected by ${d?.by.name} at ${formatTime(d?.at)}.`;
    case 'cancelled':
      return `Cancelled by ${request.cancelled?.by.name} at ${formatTime(request.cancelled?.at)}.`;
    case 'expired':
      return `Nobody decided before ${formatTime(request.expiresAt)}. File a new request if it is still needed.`;
  }
}

/** The request with the names of the people in it clipped to what a card shows of a name. */
function withShownNames(request: LinkRequest): LinkRequest {
  const shown = <P extends { name: string }>(person: P): P => ({
    ...person,
    name: clip(person.name, SHOWN_BYTES.name),
  });
  const { decision, cancelled } = request;
  return {
    ...request,
    requester: shown(request.requester),
    decision: decision && { ...decision, by: shown(decision.by) },
    cancelled: cancelled && { ...cancelled, by: shown(cancelled.by) },
  };
}

function durationOf(request: LinkRequest): string {
  const run = request.run;
  if (!run?.finishedAt) return '';
  const seconds = Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
  return `${seconds} s`;
}

/** Which view of a request card `actor` gets: the requester's own, or the approvers'. */
export function viewerOf(request: LinkRequest, actor: Person): RequestViewer {
  return isRequester(request, actor) ? 'requester' : 'approvers';
}

/** What the failed run left the scheduler as, from its own read-back; nothing when it never paused it. */
function schedulerAfter(request: LinkRequest): string {
  switch (request.run?.failure?.scheduler) {
    case 'enabled':
      return ' The scheduler was resumed.';
    case 'paused':
      return ' The sync scheduler is STILL PAUSED: see what to do below.';
    case 'unknown':
      return ' Anchor could not confirm that the scheduler was resumed: check it on the sync server.';
    default:
      return '';
  }
}
