import type { LinkRequest } from '../../services/link/link-request';
import { label } from './candidates';
import { REQUEST_STATE_MARK, formatTime } from './format';
import type { Mark } from './format';

/** The short id admins type after `cancel`: the first block of the request id. */
export function shortId(request: Pick<LinkRequest, 'id'>): string {
  return request.id.slice(0, 8);
}

/** One request's entry on the `link-list` card, marked with its state's {@link REQUEST_STATE_MARK}. */
export interface RequestListItem extends Mark {
  title: string;
  line1: string;
  line2: string;
}

/** The data the `link-list` card template binds. */
export interface RequestListCardData {
  title: string;
  /** The line shown instead of the items when there are none. */
  empty: string;
  items: RequestListItem[];
}

/** The data the `link-list` card template expects. */
export function requestListData(
  title: string,
  requests: readonly LinkRequest[],
  empty: string,
): RequestListCardData {
  return {
    title,
    empty,
    items: requests.map((r) => ({
      ...REQUEST_STATE_MARK[r.state],
      title: `${label(r.preflight.ad)} ↔ ${r.preflight.cloud.userPrincipalName}: ${r.state}`,
      line1: `Requested by ${r.requester.name} at ${formatTime(r.createdAt)}${decisionText(r)}`,
      line2: `Request ${shortId(r)} · ${r.reason}${r.run?.failure ? ` · failed at ${r.run.failure.step}: ${r.run.failure.message}` : ''}`,
    })),
  };
}

function decisionText(r: LinkRequest): string {
  if (r.decision) return ` · ${r.decision.verdict} by ${r.decision.by.name} at ${formatTime(r.decision.at)}`;
  if (r.cancelled) return ` · cancelled at ${formatTime(r.cancelled.at)}`;
  if (r.state === 'pending') return ` · expires ${formatTime(r.expiresAt)}`;
  return '';
}

/** A `link-list` card with no items: a title and one line, for progress and errors outside a list. */
export function listMessageData(title: string, message: string): RequestListCardData {
  return { title, empty: message, items: [] };
}
