/** Thrown for a key no state store accepts; a programming error, not a runtime condition. */
export class InvalidStateKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`State key ${JSON.stringify(key)} is invalid: ${reason}.`);
    this.name = 'InvalidStateKeyError';
  }
}

/**
 * The `/`-separated segments of a state key such as `link/requests/<uuid>`. Every store checks
 * keys the same way, so a key that works in the demo's memory store also works on disk and in
 * Azure: an empty segment (`a//b`, `a/`) is refused because the file and blob stores would fold it
 * into `a/b` and two keys would share one item.
 * @throws InvalidStateKeyError for an empty key or an empty segment.
 */
export function stateKeySegments(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStateKeyError(String(key), 'it is empty');
  const segments = key.split('/');
  if (segments.some((s) => s.length === 0)) {
    throw new InvalidStateKeyError(key, 'it has an empty segment (a leading, trailing or double "/")');
  }
  return segments;
}

/**
 * `part` of `key` (a segment, or the whole key) percent-encoded by encodeURIComponent: the one
 * encoding the durable stores name items by. The file store encodes each segment (and escapes a
 * little more for file systems), the blob store the whole key.
 * @throws InvalidStateKeyError when `key` is not well-formed Unicode (a lone surrogate), which
 * encodeURIComponent refuses and no file or blob name can hold.
 */
export function percentEncoded(key: string, part: string = key): string {
  try {
    return encodeURIComponent(part);
  } catch (err) {
    if (err instanceof URIError) throw new InvalidStateKeyError(key, 'it is not well-formed Unicode');
    throw err;
  }
}
