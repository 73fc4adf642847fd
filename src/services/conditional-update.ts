import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/**
 * How often {@link updateItem} re-reads and decides again before it gives up. Each round of a race
 * has one winner, so N writers of one item (50 requests filed at once all touch the open list)
 * need up to N rounds.
 */
const MAX_ATTEMPTS = 200;
/** The longest random pause between attempts; spreading the retries keeps the rounds short. */
const MAX_BACKOFF_MS = 50;

/**
 * Read-decide-write on one item, conditional on the eTag read: when another writer wins the race,
 * the item is read again and `decide` runs again on what is there now. `decide` returns the new
 * value, or `undefined` to leave the item as it is.
 * @returns the value written, or undefined when `decide` chose not to write.
 */
export async function updateItem<T>(
  store: StateStore,
  key: string,
  decide: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const item: StoreItem<T> | undefined = await store.read<T>(key);
    const next = decide(item?.value);
    if (next === undefined) return undefined;
    try {
      await store.write(key, next, item ? item.eTag : null);
      return next;
    } catch (err) {
      if (!(err instanceof ETagConflictError)) throw err;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt)),
      );
    }
  }
  throw new ETagConflictError(key);
}
