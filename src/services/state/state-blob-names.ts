import { InvalidStateKeyError, percentEncoded, stateKeySegments } from './state-key';

/** Azure's limit on a blob name. */
export const MAX_BLOB_NAME = 1024;

/**
 * The blob that holds `key`: the whole key percent-encoded, `/` included, so every item is one flat
 * name in the container. `conversation/19:a@thread` is `conversation%2F19%3Aa%40thread`. The
 * mapping is one to one (decodeURIComponent reverses it), and it is the name Anchor's earlier
 * releases gave each blob through the Bot Framework's blob storage, so their containers read as
 * before.
 * @throws InvalidStateKeyError for an empty segment, a key that is not well-formed Unicode, or one
 * whose name would be longer than Azure allows (never cut short: two keys would share a blob).
 */
export function stateBlobOf(key: string): string {
  stateKeySegments(key);
  const name = percentEncoded(key);
  if (name.length > MAX_BLOB_NAME) {
    throw new InvalidStateKeyError(key, `its blob name would be longer than ${MAX_BLOB_NAME} characters`);
  }
  return name;
}
