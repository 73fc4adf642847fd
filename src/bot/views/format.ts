import type { LinkRequestState } from '../../services/link/link-request';
import type { CheckStatus } from '../../services/link/preflight/report';

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

/** A timestamp as admins read it in a card: `2026-11-25 10:04:31 UTC`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "1 AD user", "3 AD users". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

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
