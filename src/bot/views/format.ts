import type { LinkRequestState } from '../../services/link/link-request';
import type { CheckStatus } from '../../services/link/preflight/report';
import { formatSpan } from '../../shared/time-text';

/** How a status shows on a card: an icon and the Adaptive Card colour it is drawn in. */
export interface Mark {
  icon: string;
  /** An Adaptive Card colour: `Good`, `Warning`, `Attention`, `Accent`, `Default`. */
  color: string;
}

/** The icon and Adaptive Card colour of each check status. */
export const STATUS_MARK: Record<CheckStatus, Mark> = {
  pass: { icon: '✓', color: 'Good' },
  warn: { icon: '⚠', color: 'Warning' },
  fail: { icon: '✗', color: 'Attention' },
};

/** A timestamp as admins read it in a card: `2026-11-25 10:04:31 UTC` (the services write it the same way). */
export { formatTime } from '../../shared/time-text';

/** "1 AD user", "3 AD users". */
export { plural } from '../../shared/plural';

/** The icon and Adaptive Card colour of each request state, on the request card and in lists. */
export const REQUEST_STATE_MARK: Record<LinkRequestState, Mark> = {
  pending: { icon: '⏳', color: 'Default' },
  approved: { icon: '▶', color: 'Accent' },
  running: { icon: '▶', color: 'Accent' },
  linked: { icon: '✓', color: 'Good' },
  failed: { icon: '✗', color: 'Attention' },
  rejected: { icon: '✗', color: 'Attention' },
  cancelled: { icon: '–', color: 'Default' },
  expired: { icon: '⌛', color: 'Warning' },
};

/**
 * How much of a value a card shows, in UTF-8 bytes (Teams counts a message's bytes, and a
 * character takes 1 to 4 of them). Every view clips the text it did not write itself to one of
 * these, so the largest card stays under Teams' 28 KB whatever the directory or a service holds;
 * `test/unit/bot/views/card-size.test.ts` builds each card from the longest values and checks it.
 */
export const SHOWN_BYTES = {
  /** A person's or an account's name. */
  name: 180,
  /** A login, UPN or mail address. */
  address: 180,
  /** A distinguished name. */
  dn: 360,
  /** One line quoting a service or a check (a step's detail, a status detail, a list line). */
  line: 360,
  /** A longer text: a check's detail or fix on the preflight card, a failure and its advice. */
  text: 480,
} as const;

const ELLIPSIS = '…';

/**
 * `text` cut to at most `maxBytes` of UTF-8 with an ellipsis, at a character boundary; unchanged
 * when it fits. What the card leaves out is in the request, the audit or the log.
 */
export function clip(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let used = 0;
  let kept = '';
  for (const char of text) {
    used += Buffer.byteLength(char, 'utf8');
    if (used > budget) break;
    kept += char;
  }
  return `${kept}${ELLIPSIS}`;
}

/**
 * How long ago `instant` was at `now`, as admins read an age next to a time: `just now`,
 * `12 min ago`, `2 h 10 min ago`, `3 d 4 h ago` (the span as `formatSpan` writes it). A time in the future (clocks apart) reads `just now`.
 */
export function formatAge(instant: string, now: Date): string {
  const ms = now.getTime() - Date.parse(instant);
  if (Number.isNaN(ms)) return '';
  return ms < 60_000 ? 'just now' : `${formatSpan(ms)} ago`;
}
