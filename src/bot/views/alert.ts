import type { Incident } from '../../services/alerts/incident';
import { SHOWN_BYTES, STATUS_MARK, clip, formatTime } from './format';
import type { Mark } from './format';

/** The data the `alert` card template binds. */
export interface AlertCardData extends Mark {
  /** `The sync scheduler is paused on aadc01`, or once over `The sync scheduler runs again on aadc01`. */
  headline: string;
  /** When it started, and when it ended once resolved. */
  timeLine: string;
  detail: string;
  /** What to do; empty once resolved. */
  fix: string;
  /** What ended it; empty while open. */
  resolution: string;
  /** The card's accent: `attention` while open, `good` once resolved. */
  style: 'attention' | 'good';
}

/** The alert card for an incident, as it is now. */
export function alertCardData(incident: Incident): AlertCardData {
  const open = incident.state === 'open';
  const mark = open ? STATUS_MARK.warn : STATUS_MARK.pass;
  return {
    ...mark,
    headline: clip(open ? incident.title : incident.resolvedTitle, SHOWN_BYTES.line),
    timeLine: open
      ? `Since ${formatTime(incident.openedAt)}`
      : `From ${formatTime(incident.openedAt)} to ${formatTime(incident.resolvedAt)}`,
    // The detail quotes the relay or a run's step, which can be long.
    detail: clip(incident.detail, SHOWN_BYTES.text),
    fix: open ? incident.fix : '',
    resolution: clip(incident.resolution ?? '', SHOWN_BYTES.line),
    style: open ? 'attention' : 'good',
  };
}
