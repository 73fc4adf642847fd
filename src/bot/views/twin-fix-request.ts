import type { LinkRequest, LinkStep, TwinFixRecord } from '../../services/link/link-request';
import type { TwinObjectStates } from '../../services/link/twin/twin-advice';
import type { TwinJournalEntry } from '../../services/link/twin/twin-journal';
import { TWIN_STEPS, TWIN_STEP_INFO } from '../../services/link/twin/twin-steps';
import type { TwinStepName } from '../../services/link/twin/twin-steps';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';
import { permanentDeletionLine } from './twin-plan';

/** The twin of a synced-twin fix on its request card. */
export interface RequestTwinData {
  /** The twin in one line: UPN and object id. */
  label: string;
  /** The red line about the permanent deletion, for whoever decides; '' once decided. */
  attention: string;
  /** "Deleted for good at …" once step 3 did it; '' before. */
  deleted: string;
  /** "Twin (to delete):", then "Twin (deleted):". */
  title: string;
}

/** One of the six steps of a fix on the request card. */
export interface TwinStepLine extends Mark {
  title: string;
  time: string;
  detail: string;
}

const ENTRY_MARK: Record<TwinJournalEntry['state'], Mark> = {
  running: { icon: '…', color: 'Accent' },
  waiting: { icon: '⏳', color: 'Accent' },
  done: STATUS_MARK.pass,
  failed: STATUS_MARK.fail,
};

const NOT_STARTED: Mark = { icon: '–', color: 'Default' };

/** What a fix's card says in its headline, by the request's state and the step it is at. */
export function twinHeadline(request: LinkRequest & { twinFix: TwinFixRecord }): string {
  const at = currentStep(request.twinFix.journal);
  const number = at ? TWIN_STEP_INFO[at].number : 1;
  switch (request.state) {
    case 'pending':
      return 'Synced-twin fix: waiting for approval';
    case 'approved':
      return 'Synced-twin fix: approved, starting';
    case 'running':
      return `Synced-twin fix, step ${number} of 6`;
    case 'linked':
      return 'Linked: twin deleted, original synced';
    case 'failed':
      return `Synced-twin fix stopped at step ${number} of 6`;
    case 'rejected':
      return 'Synced-twin fix rejected';
    case 'cancelled':
      return 'Synced-twin fix cancelled';
    case 'expired':
      return 'Synced-twin fix expired';
  }
}

/** The twin line and, while someone may still decide, the permanent-deletion warning. */
export function twinData(request: LinkRequest & { twinFix: TwinFixRecord }): RequestTwinData {
  const { twin } = request.twinFix.plan;
  const deleted = request.twinFix.journal.find((e) => e.step === 'hard-delete' && e.state === 'done');
  return {
    label: `${clip(twin.userPrincipalName, SHOWN_BYTES.address)} (${twin.id})`,
    attention: request.state === 'pending' ? permanentDeletionLine(twin) : '',
    deleted: deleted ? `deleted for good at ${formatTime(deleted.at)}` : '',
    title: deleted ? 'Twin (deleted):' : 'Twin (to delete):',
  };
}

/**
 * The six steps, each as its latest journal entry says (waiting shows what for: "waiting for you to
 * move …"), the ones not reached yet as "–". Step 4's own link-run steps are condensed into its line.
 */
export function twinStepLines(request: LinkRequest & { twinFix: TwinFixRecord }): TwinStepLine[] {
  const { journal } = request.twinFix;
  // Before approval the approver sees the six steps the approval starts; a fix that never ran shows none.
  if (request.state === 'pending') return TWIN_STEPS.map(plannedLine);
  if (journal.length === 0 && request.state !== 'running' && request.state !== 'approved') return [];
  // A stopped fix goes no further: the steps it never reached would only push the advice down.
  const steps =
    request.state === 'failed' ? TWIN_STEPS.filter((s) => journal.some((e) => e.step === s)) : TWIN_STEPS;
  return steps.map((step) => {
    const latest = journal.filter((e) => e.step === step).at(-1);
    if (!latest) return plannedLine(step);
    const runSteps = step === 'link' && latest.state !== 'done' ? linkRunLine(request.run?.steps ?? []) : '';
    // What a step waits for is news; a done step's own line is in the audit (and the failure box
    // quotes a failed one), so the card stays short enough for Teams.
    const detail = latest.state === 'waiting' || latest.state === 'running' ? latest.detail : '';
    return {
      ...ENTRY_MARK[latest.state],
      title: titleOf(step),
      // The day is on the state line; a step's clock time keeps its line to one row.
      time: formatTime(latest.at).slice(11),
      detail: clip(
        [detail === 'started' ? '' : detail, runSteps].filter(Boolean).join(' · '),
        SHOWN_BYTES.line,
      ),
    };
  });
}

/** The failure box of a stopped fix: what stopped, where every object stands, and the next safe action. */
export function twinFailure(
  request: LinkRequest & { twinFix: TwinFixRecord },
): { message: string; advice: string } | null {
  const failed = request.twinFix.journal.filter((e) => e.state === 'failed').at(-1);
  const message = failed?.detail ?? request.run?.failure?.message;
  if (request.state !== 'failed' || !message) return null;
  const states = failed?.failure?.states;
  const where = states ? ` Where things stand: ${describeStates(states, request)}.` : '';
  return {
    // The headline already says which step stopped.
    message: clip(
      `${capitalized(message.replace(/^Step \d \([a-z-]+\) stopped: /, '').replace(/\.$/, ''))}.${where}`,
      SHOWN_BYTES.text,
    ),
    advice: clip(failed?.failure?.nextSafeAction ?? request.run?.failure?.advice ?? '', SHOWN_BYTES.text),
  };
}

function describeStates(states: TwinObjectStates, request: LinkRequest & { twinFix: TwinFixRecord }): string {
  const sam = request.twinFix.plan.ad.sAMAccountName;
  const where = states.adDn ? ` at ${clip(states.adDn, SHOWN_BYTES.dn)}` : '';
  // The twin and the original are named on the card above; here only how each stands.
  return `AD user ${sam} ${states.adUser}${where}; twin ${states.twin}; original ${states.original}`;
}

function plannedLine(step: TwinStepName): TwinStepLine {
  const info = TWIN_STEP_INFO[step];
  return {
    ...NOT_STARTED,
    title: titleOf(step),
    time: '',
    detail: info.actor === 'admin' ? 'you do this one' : '',
  };
}

function titleOf(step: TwinStepName): string {
  const info = TWIN_STEP_INFO[step];
  return `${info.number}. ${info.title}`;
}

/** The step the fix is at: the last one the journal names. */
function currentStep(journal: readonly TwinJournalEntry[]): TwinStepName | undefined {
  return journal.at(-1)?.step;
}

/** "pause ✓ resume ✓": step 4's link run in one line. */
function linkRunLine(steps: readonly LinkStep[]): string {
  const mark = { running: '…', done: '✓', failed: '✗', skipped: '–' } as const;
  return steps.map((s) => `${s.name} ${mark[s.state]}`).join(', ');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
