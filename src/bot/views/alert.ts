import type { Incident, IncidentKind, IncidentRemedy, RemedyActor } from '../../services/alerts/incident';
import { RESTARTABLE_KINDS } from '../../services/alerts/incident';
import { ALERT_VERBS } from '../verbs';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';

/** One piece of evidence in the card's FactSet. */
export interface AlertFact {
  title: string;
  value: string;
}

/** The data the `alert` card template binds. */
export interface AlertCardData extends Mark {
  /** `The sync scheduler is paused on aadc01`, or once over `The sync scheduler runs again on aadc01`. */
  headline: string;
  /** When it started, and when it ended once resolved. */
  timeLine: string;
  detail: string;
  /** What Anchor saw: both sources' last heartbeat, recent errors; [] when the incident has none. */
  facts: AlertFact[];
  /** What to do; empty once resolved. */
  fix: string;
  /** Who pressed the fix and when ("Restart ADSync pressed by Adele Vance at …"); '' when nobody did. */
  remedyLine: string;
  /** What the fix did last, in the service's words; '' when nobody pressed it. */
  remedyMessage: string;
  /** What the buttons below will do (a refused restart, a full sync's cost); '' when there is nothing to say. */
  offer: string;
  /** What ended it; empty while open. */
  resolution: string;
  /** A refusal of the click that drew this card, shown as is; '' otherwise. */
  notice: string;
  /** The card's accent: `attention` while open, `good` once resolved. */
  style: 'attention' | 'good';
  /** What the buttons send: the incident by kind and id, never its state. */
  kind: IncidentKind;
  incidentId: string;
  /** "Restart ADSync", or "Try again" after the relay refused; '' when it is not offered. */
  restartTitle: string;
  canRequestFullSync: boolean;
  canDecideFullSync: boolean;
  restartVerb: typeof ALERT_VERBS.restart;
  requestFullSyncVerb: typeof ALERT_VERBS.requestFullSync;
  approveFullSyncVerb: typeof ALERT_VERBS.approveFullSync;
  rejectFullSyncVerb: typeof ALERT_VERBS.rejectFullSync;
}

/** How many facts a card shows: the evidence is a glance, the rest is in the log and `status`. */
const SHOWN_FACTS = 8;

/**
 * The alert card for an incident, as it is now.
 * @param notice a refusal of the click that drew it (the service's message), shown as is.
 */
export function alertCardData(incident: Incident, notice = ''): AlertCardData {
  const open = incident.state === 'open';
  const mark = open ? STATUS_MARK.warn : STATUS_MARK.pass;
  const remedy = incident.remedy ?? null;
  const buttons = open ? buttonsFor(incident.kind, remedy) : NO_BUTTONS;
  return {
    ...mark,
    headline: clip(open ? incident.title : incident.resolvedTitle, SHOWN_BYTES.line),
    timeLine: open
      ? `Since ${formatTime(incident.openedAt)}`
      : `From ${formatTime(incident.openedAt)} to ${formatTime(incident.resolvedAt)}`,
    // The detail quotes the relay or a run's step, which can be long.
    detail: clip(incident.detail, SHOWN_BYTES.text),
    // The evidence quotes the event log (an error's text), which can be long.
    facts: (incident.facts ?? []).slice(0, SHOWN_FACTS).map((f) => ({
      title: clip(f.title, SHOWN_BYTES.name),
      value: clip(f.value, SHOWN_BYTES.line),
    })),
    fix: open ? incident.fix : '',
    remedyLine: clip(remedyLine(remedy), SHOWN_BYTES.line),
    // Once over, the resolution says what happened; the fix's last step ("watching…") is stale.
    remedyMessage: open ? clip(remedy?.message ?? '', SHOWN_BYTES.text) : '',
    offer: open ? offerLine(remedy) : '',
    resolution: clip(incident.resolution ?? '', SHOWN_BYTES.line),
    notice: clip(notice, SHOWN_BYTES.text),
    style: open ? 'attention' : 'good',
    kind: incident.kind,
    incidentId: incident.id,
    ...buttons,
    restartVerb: ALERT_VERBS.restart,
    requestFullSyncVerb: ALERT_VERBS.requestFullSync,
    approveFullSyncVerb: ALERT_VERBS.approveFullSync,
    rejectFullSyncVerb: ALERT_VERBS.rejectFullSync,
  };
}

type Buttons = Pick<AlertCardData, 'restartTitle' | 'canRequestFullSync' | 'canDecideFullSync'>;

const NO_BUTTONS: Buttons = { restartTitle: '', canRequestFullSync: false, canDecideFullSync: false };

/**
 * The buttons of an open incident. None while the relay works or Anchor watches for the heartbeat,
 * so a second press cannot even be tried; the service ignores one that comes from an older copy.
 */
function buttonsFor(kind: IncidentKind, remedy: IncidentRemedy | null): Buttons {
  if (!RESTARTABLE_KINDS.includes(kind)) return NO_BUTTONS;
  switch (remedy?.state) {
    case undefined:
    case 'restart-failed':
      return { ...NO_BUTTONS, restartTitle: 'Restart ADSync' };
    case 'restart-refused':
      return { ...NO_BUTTONS, restartTitle: 'Try again' };
    case 'no-heartbeat':
      return { ...NO_BUTTONS, canRequestFullSync: true };
    case 'full-sync-requested':
      // Shown to every copy: the service refuses the requester, and the card shows its words.
      return { ...NO_BUTTONS, canDecideFullSync: true };
    default:
      return NO_BUTTONS;
  }
}

/** "Restart ADSync pressed by Adele Vance at …", then who asked for and decided a full sync. */
function remedyLine(remedy: IncidentRemedy | null): string {
  if (!remedy) return '';
  const parts: string[] = [];
  if (remedy.restartedBy)
    parts.push(`Restart ADSync pressed by ${by(remedy.restartedBy)}${at(remedy.restartedAt)}`);
  const full = remedy.fullSync;
  if (full) {
    parts.push(`Full password sync requested by ${by(full.requestedBy)}${at(full.requestedAt)}`);
    if (full.decision && full.decidedBy)
      parts.push(
        `${full.decision === 'approved' ? 'approved' : 'rejected'} by ${by(full.decidedBy)}${at(full.decidedAt)}`,
      );
    if (full.ranAt) parts.push(`ran${at(full.ranAt)}`);
  }
  return parts.join('; ');
}

function by(actor: RemedyActor): string {
  return clip(actor.name || 'an admin', SHOWN_BYTES.name);
}

function at(instant: string | null): string {
  return instant ? ` at ${formatTime(instant)}` : '';
}

/** What the buttons of this state will do, in Anchor's words (the service's are the remedy message). */
function offerLine(remedy: IncidentRemedy | null): string {
  switch (remedy?.state) {
    case 'restart-refused':
      return 'The relay did not restart ADSync because a sync cycle was running (a restart would interrupt it). Try again once it ends.';
    case 'no-heartbeat':
      return "No heartbeat came back after the restart. A full password sync re-sends every password hash to Entra ID; it runs once, after a second admin's approval.";
    case 'full-sync-requested':
      return 'A full password sync re-sends every password hash to Entra ID: a second admin must approve it (not the one who asked).';
    default:
      return '';
  }
}
