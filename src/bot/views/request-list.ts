import type { LinkRequest } from '../../services/link/link-request';
import { label } from './candidates';
import { REQUEST_STATE_MARK, SHOWN_BYTES, clip, formatTime } from './format';
import type { Mark } from './format';

/** The short id admins type after `cancel`: the first block of the request id. */
export function shortId(request: Pick<LinkRequest, 'id'>): string {
  return request.id.slice(0, 8);
}

/** At most this many requests are listed on one card; the rest are counted. */
export const LIST_SHOWN = 15;

/**
 * How much of each value a list entry shows, in UTF-8 bytes: {@link LIST_SHOWN} entries share one
 * card, so each gets less than {@link SHOWN_BYTES}. The request's own card shows it in full.
 */
const ITEM_BYTES = { name: 120, reason: 180, failure: 180 } as const;

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
  const items = requests.slice(0, LIST_SHOWN).map(listItem);
  const more = requests.length - items.length;
  if (more > 0) {
    items.push({
      icon: '…',
      color: 'Default',
      title: `${more} more`,
      line1: `Only the first ${LIST_SHOWN} are listed here.`,
      line2: '',
    });
  }
  return { title: clip(title, SHOWN_BYTES.line), empty: clip(empty, SHOWN_BYTES.text), items };
}

function listItem(r: LinkRequest): RequestListItem {
  const name = (text: string) => clip(text, ITEM_BYTES.name);
  const failure = r.run?.failure;
  const kind = r.twinFix ? 'Synced-twin fix: ' : '';
  return {
    ...REQUEST_STATE_MARK[r.state],
    title: `${kind}${name(label(r.preflight.ad))} ↔ ${name(r.preflight.cloud.userPrincipalName)}: ${r.state}`,
    line1: `Requested by ${name(r.requester.name)} at ${formatTime(r.createdAt)}${decisionText(r)}`,
    line2: `Request ${shortId(r)} · ${clip(r.reason, ITEM_BYTES.reason)}${twinText(r)}${failure ? ` · failed at ${failure.step}: ${clip(failure.message, ITEM_BYTES.failure)}` : ''}`,
  };
}

/** A fix names its twin: the one it deleted for good (and when), or the one it would delete. */
function twinText(r: LinkRequest): string {
  const fix = r.twinFix;
  if (!fix) return '';
  const twin = fix.deletedTwin ?? fix.plan.twin;
  const upn = clip(twin.userPrincipalName, ITEM_BYTES.name);
  return fix.deletedTwin ? ` · twin ${upn} (${twin.id}) deleted for good` : ` · twin ${upn} (${twin.id})`;
}

function decisionText(r: LinkRequest): string {
  if (r.decision)
    return ` · ${r.decision.verdict} by ${clip(r.decision.by.name, ITEM_BYTES.name)} at ${formatTime(r.decision.at)}`;
  if (r.cancelled) return ` · cancelled at ${formatTime(r.cancelled.at)}`;
  if (r.state === 'pending') return ` · expires ${formatTime(r.expiresAt)}`;
  return '';
}

/** A `link-list` card with no items: a title and one line, for progress and errors outside a list. */
export function listMessageData(title: string, message: string): RequestListCardData {
  return { title: clip(title, SHOWN_BYTES.line), empty: clip(message, SHOWN_BYTES.text), items: [] };
}
