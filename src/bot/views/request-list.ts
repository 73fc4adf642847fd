import type { LinkRequest } from '../../services/link/link-request';
import { label } from './candidates';
import { REQUEST_STATE_MARK, formatTime } from './format';

/** The short id admins type after `cancel`: the first block of the request id. */
export function shortId(request: Pick<LinkRequest, 'id'>): string {
  return request.id.slice(0, 8);
}

/** The data the `link-list` card template expects. */
export function requestListData(title: string, requests: readonly LinkRequest[], empty: string): object {
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
