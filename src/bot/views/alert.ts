import type { Incident } from '../../services/alerts/incident';
import { STATUS_MARK, formatTime } from './format';
import type { Mark } from './format';

/** The data the `alert` card template binds. */
export interface AlertCardData extends Mark {
  /** `⚠ The sync scheduler is paused on aadc01`, or `✓ Resolved: …`. */
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
    headline: open ? incident.title : `Resolved: ${incident.title}`,
    timeLine: open
      ? `Since ${formatTime(incident.openedAt)}`
      : `From ${formatTime(incident.openedAt)} to ${formatTime(incident.resolvedAt)}`,
    detail: incident.detail,
    fix: open ? incident.fix : '',
    resolution: incident.resolution ?? '',
    style: open ? 'attention' : 'good',
  };
}
