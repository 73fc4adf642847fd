import { randomUUID } from 'node:crypto';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/** A {@link StateStore} in process memory: demo mode and unit tests. Lost on restart. */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, StoreItem>();

  async read<T>(key: string): Promise<StoreItem<T> | undefined> {
    const item = this.items.get(key);
    return item ? { value: structuredClone(item.value) as T, eTag: item.eTag } : undefined;
  }

  async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    const current = this.items.get(key);
    const holds = expectedETag === '*' || (expectedETag === null ? !current : current?.eTag === expectedETag);
    if (!holds) throw new ETagConflictError(key);
    const eTag = randomUUID();
    this.items.set(key, { value: structuredClone(value), eTag });
    return eTag;
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }

  async ping(): Promise<void> {}

  describe(): string {
    return 'memory (not durable: lost on restart)';
  }
}
