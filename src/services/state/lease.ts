import { updateItem } from './conditional-update';
import type { StateStore } from './state-store';

/** Who holds a lease stored at a key, and until when. */
export interface Lease {
  holder: string;
  expiresAt: string;
}

/**
 * Takes or renews the lease at `key` for `holder` for `ms`: granted when nobody holds it, the
 * holder is `holder` already, or the last holder's lease ran out (an instance that died). Two
 * instances asking at once get one answer yes, through the store's conditional write.
 * @returns true when `holder` holds the lease now.
 */
export async function takeLease(
  store: StateStore,
  key: string,
  holder: string,
  ms: number,
  now: Date = new Date(),
): Promise<boolean> {
  const taken = await updateItem<Lease>(store, key, (current) =>
    !current || current.holder === holder || Date.parse(current.expiresAt) <= now.getTime()
      ? { holder, expiresAt: new Date(now.getTime() + ms).toISOString() }
      : undefined,
  );
  return taken?.holder === holder;
}
