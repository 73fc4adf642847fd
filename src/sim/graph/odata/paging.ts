import { GraphSimError } from '../graph-errors';

/** Where the next page starts: after the item with this sort key and id. */
export interface PageCursor {
  key: string;
  id: string;
}

/**
 * Encodes a cursor as an opaque `$skiptoken`. Keyset paging (not offsets) keeps pages free of
 * duplicates and gaps when users are added or deleted between pages.
 */
export function encodeSkipToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, k: cursor.key, i: cursor.id })).toString('base64url');
}

/** Decodes a `$skiptoken`; a token the simulator did not issue answers 400. */
export function decodeSkipToken(token: string): PageCursor {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.v === 1 && typeof parsed.k === 'string' && typeof parsed.i === 'string') {
      return { key: parsed.k, id: parsed.i };
    }
  } catch {
    // falls through to the error below
  }
  // Graph's answer for a page token it cannot use (code as documented for directory paging).
  throw new GraphSimError(
    400,
    'Directory_ExpiredPageToken',
    'The specified page token value has expired and can no longer be included in your request.',
  );
}

/** Compares two cursors: by sort key, then by id. */
export function compareCursors(a: PageCursor, b: PageCursor): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** The page size: `$top` within Graph's 1..999, or the default of 100. */
export function pageSize(top: string | null, defaultSize = 100, max = 999): number {
  if (top === null) return defaultSize;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    // Wording as Graph answers an out-of-range $top on directory objects (from memory; plausible).
    throw new GraphSimError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`,
    );
  }
  return n;
}
