import { randomUUID } from 'node:crypto';
import { stateKeySegments } from './state-key';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/**
 * A {@link StateStore} in process memory: demo mode and unit tests. Lost on restart. Values are
 * copied through JSON, as the file and blob stores store them, so code that works here does not
 * meet a Date turned string (or an undefined property dropped) only in production.
 */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, { json: string; eTag: string }>();

  async read<T>(key: string): Promise<StoreItem<T> | undefined> {
    stateKeySegments(key);
    const item = this.items.get(key);
    return item ? { value: JSON.parse(item.json) as T, eTag: item.eTag } : undefined;
  }

  async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    stateKeySegments(key);
    const current = this.items.get(key);
    const holds = expectedETag === '*' || (expectedETag === null ? !current : current?.eTag === expectedETag);
    if (!holds) throw new ETagConflictError(key);
    const eTag = randomUUID();
    this.items.set(key, { json: JSON.stringify(value) ?? 'null', eTag });
    return eTag;
  }

  async delete(key: string): Promise<void> {
    stateKeySegments(key);
    this.items.delete(key);
  }

  async ping(): Promise<void> {}

  describe(): string {
    return 'memory (not durable: lost on restart)';
  }
}
