import { MemoryStateStore } from '../../src/services/state/memory-state-store';
import type { StateStore, StoreItem } from '../../src/services/state/state-store';

/** One call a {@link RecordingStore} saw. */
export interface StoreCall {
  op: 'read' | 'write' | 'delete';
  key: string;
}

/**
 * A state store that records every call (attempts included, even those the store refuses) before
 * passing it on, so a test can say which keys were read and which were changed.
 */
export class RecordingStore implements StateStore {
  readonly calls: StoreCall[] = [];

  constructor(readonly inner: StateStore = new MemoryStateStore()) {}

  read<T>(key: string): Promise<StoreItem<T> | undefined> {
    this.calls.push({ op: 'read', key });
    return this.inner.read<T>(key);
  }

  write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    this.calls.push({ op: 'write', key });
    return this.inner.write(key, value, expectedETag);
  }

  delete(key: string): Promise<void> {
    this.calls.push({ op: 'delete', key });
    return this.inner.delete(key);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  describe(): string {
    return `recording ${this.inner.describe()}`;
  }

  /** A position in {@link calls}: look at the calls made after it. */
  mark(): number {
    return this.calls.length;
  }

  /** The calls made since `mark`, of the given kinds. */
  since(mark: number, ...ops: StoreCall['op'][]): StoreCall[] {
    return this.calls.slice(mark).filter((c) => ops.length === 0 || ops.includes(c.op));
  }
}
