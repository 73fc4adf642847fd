import path from 'node:path';
import { InvalidStateKeyError, percentEncoded, stateKeySegments } from './state-key';

/** The suffix of every state file; no encoded segment contains a dot, so no key can end in it. */
export const STATE_FILE_SUFFIX = '.json';

/** Longest encoded segment: file systems allow 255 bytes a name, less the suffix and a lock suffix. */
const MAX_SEGMENT_LENGTH = 200;

/**
 * The file, relative to the data directory, that holds `key`: one directory per segment and the
 * last segment as `<segment>.json`, each segment percent-encoded. `link/requests/42` is
 * `link/requests/42.json`; `conversation/a:b` is `conversation/a%3Ab.json`.
 *
 * Besides what encodeURIComponent encodes (`/`, `\`, `:`, `%`, spaces, non-ASCII …), the dot is
 * encoded so that no segment can be `.` or `..` (no escape from the data directory) and no
 * directory can be named like a state file, a temp file or a lock; `*` is encoded because Windows
 * forbids it. Letter case is kept, so keys differing only in case collide on a case-insensitive
 * file system (Windows, macOS); Anchor's keys are lower case.
 * @throws InvalidStateKeyError for an empty segment, one too long for a file name, or a key that is
 * not well-formed Unicode.
 */
export function stateFileOf(key: string): string {
  const encoded = stateKeySegments(key).map((segment) => encodeSegment(key, segment));
  if (encoded.some((s) => s.length > MAX_SEGMENT_LENGTH)) {
    throw new InvalidStateKeyError(key, `a segment is longer than ${MAX_SEGMENT_LENGTH} characters encoded`);
  }
  encoded[encoded.length - 1] += STATE_FILE_SUFFIX;
  return path.join(...encoded);
}

/**
 * The key whose state file is `relativeFile` (with `/` or the platform separator): the inverse of
 * {@link stateFileOf}, for listing and for telling an administrator which item a file holds.
 * @returns undefined for a file that is not a state file (a temp file, a lock, a foreign file).
 */
export function stateKeyOf(relativeFile: string): string | undefined {
  const segments = relativeFile.split(/[\\/]/);
  const last = segments[segments.length - 1];
  if (!last.endsWith(STATE_FILE_SUFFIX)) return undefined;
  segments[segments.length - 1] = last.slice(0, -STATE_FILE_SUFFIX.length);
  try {
    const key = segments.map((s) => decodeURIComponent(s)).join('/');
    // Only a name stateFileOf() would have made maps back: not `a%2Fb.json`, not `a.b.json`.
    return stateFileOf(key) === path.join(...segments) + STATE_FILE_SUFFIX ? key : undefined;
  } catch {
    return undefined;
  }
}

function encodeSegment(key: string, segment: string): string {
  return percentEncoded(key, segment).replace(
    /[.*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
