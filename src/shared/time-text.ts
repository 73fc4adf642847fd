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
