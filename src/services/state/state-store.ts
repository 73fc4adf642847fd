/** A stored value with the eTag of the version that was read. */
export interface StoreItem<T = unknown> {
  value: T;
  eTag: string;
}

/** Thrown when a conditional write lost the race: someone else wrote the item first. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`State item "${key}" was changed by someone else; read it again and retry.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Server-side state (approvals, conversation references, relay jobs). Every write is
 * conditional on the eTag the writer read, so two instances never both win.
 */
export interface StateStore {
  read<T>(key: string): Promise<StoreItem<T> | undefined>;
  /**
   * Writes `value` under `key`. `expectedETag` must be the eTag read before, `null` to create
   * only when absent, or `'*'` to overwrite unconditionally. Returns the new eTag.
   * @throws ETagConflictError when the condition does not hold.
   */
  write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string>;
  delete(key: string): Promise<void>;
  /** Resolves when the store can be read and written. */
  ping(): Promise<void>;
  /** A short description for health reports, e.g. "memory (not durable)". */
  describe(): string;
}
