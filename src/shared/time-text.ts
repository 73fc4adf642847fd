/**
 * The one way Anchor writes an instant for people: `2026-11-25 10:04:31 UTC`. Cards, check
 * details, step details, advice and alerts all use it, so an admin never compares an ISO string
 * with a formatted time. Stored data and logs keep ISO 8601.
 */
export function formatTime(instant: string | Date | number | null | undefined): string {
  if (instant === null || instant === undefined || instant === '') return '';
  const date = instant instanceof Date ? instant : new Date(instant);
  // Text that is not a time (a sync server's own wording) is shown as it came.
  if (Number.isNaN(date.getTime())) return String(instant);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A span for people, to the minute past an hour: `45 s`, `12 min`, `2 h 10 min`, `3 d 4 h`. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

/** `2026-11-25 10:04:31 UTC (2 h 10 min ago)`; empty for no instant. */
export function formatTimeAgo(instant: string | null | undefined, now: Date | number = Date.now()): string {
  if (!instant || Number.isNaN(Date.parse(instant))) return formatTime(instant);
  return `${formatTime(instant)} (${formatSpan(Number(now) - Date.parse(instant))} ago)`;
}
