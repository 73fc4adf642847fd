import { sleep } from '../../shared/sleep';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/** How often {@link updateItem} re-reads and decides again before it gives up. */
const MAX_ATTEMPTS = 100;
/** Conflicts retried at once: against one other writer, re-reading straight away wins. */
const IMMEDIATE_RETRIES = 3;
/** Ceiling of the random pause between later attempts. */
const MAX_BACKOFF_MS = 100;

/**
 * Read-decide-write on one item, conditional on the eTag read: when another writer wins the race,
 * the item is read again and `decide` runs again on what is there now. `decide` returns the new
 * value, or `undefined` to leave the item as it is.
 *
 * A crowd of writers on one key (50 updates at once, two instances sharing a queue) would keep
 * colliding in lockstep, one winner per round, and the last writer would need as many rounds as
 * there are writers. After a few immediate retries each loser therefore waits a random, growing
 * pause ("full jitter"), which spreads the crowd out.
 * @returns the value written, or undefined when `decide` chose not to write.
 * @throws ETagConflictError when the item kept changing under it for {@link MAX_ATTEMPTS} attempts.
 */
export async function updateItem<T>(
  store: StateStore,
  key: string,
  decide: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > IMMEDIATE_RETRIES) await sleep(Math.random() * backoffCeiling(attempt));
    const item: StoreItem<T> | undefined = await store.read<T>(key);
    const next = decide(item?.value);
    if (next === undefined) return undefined;
    try {
      await store.write(key, next, item ? item.eTag : null);
      return next;
    } catch (err) {
      if (!(err instanceof ETagConflictError)) throw err;
    }
  }
  throw new ETagConflictError(key);
}

/** 2, 4, 8 … ms, capped at {@link MAX_BACKOFF_MS}. */
function backoffCeiling(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 2 ** (attempt - IMMEDIATE_RETRIES));
}
