import type { NoticeTone } from '../views/request';

/** An admin the approval card did not reach, and why, for the requester's card. */
export interface UnreachedAdmin {
  name: string;
  why: string;
}

/** What publishing an approval card came to, in the words the requester reads. */
export interface PublishOutcome {
  /** Where the card went: "the admin channel General", "Adele Vance's chat". */
  sentTo: string[];
  /** Admins not reached yet, each with the reason. */
  notReached: UnreachedAdmin[];
}

/**
 * The line on the requester's card after publishing: where the card went, exactly who it did not
 * reach and why, and that the request waits in `pending` for every admin either way.
 */
export function approvalNotice(outcome: PublishOutcome): string {
  const parts: string[] = [];
  if (outcome.sentTo.length) parts.push(`Approval card sent to ${outcome.sentTo.join(', ')}.`);
  for (const admin of outcome.notReached) parts.push(`Not reached: ${admin.name} — ${admin.why}.`);
  if (!outcome.sentTo.length && !outcome.notReached.length) {
    parts.push('No other admin is configured, so nobody can approve this request.');
  } else if (outcome.notReached.length) {
    parts.push('Every admin sees the request when they type "pending".');
  }
  return parts.join(' ');
}

/**
 * Its colour: red when someone was not reached (the requester has something to do), plain when
 * everyone was. Not amber: Teams' light theme draws it too pale to read on white.
 */
export function approvalNoticeTone(outcome: PublishOutcome): NoticeTone {
  return outcome.notReached.length || !outcome.sentTo.length ? 'Attention' : 'Default';
}
