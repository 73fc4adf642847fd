import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../shared/atomic-file';
import { SerialQueue } from '../shared/serial-queue';
import type { RelayEvent } from '../shared/relay-protocol/messages';

/** A pause the relay owes a resume for. */
export interface LeaseRecord {
  pausedAt: string;
  expiresAt: string;
  /** The job that paused the scheduler, for the report. */
  jobId: string | null;
  /**
   * When a resume Anchor asked for did not take (the scheduler read back paused): from then on the
   * relay tries again by itself, without waiting for `expiresAt`.
   */
  resumeOwedSince?: string;
}

/** What the relay keeps across restarts: the pause lease and events not yet reported. */
export interface RelayStateData {
  lease: LeaseRecord | null;
  outbox: RelayEvent[];
}

/** Where {@link RelayStateData} lives: the state file, or memory in unit tests. */
export interface RelayStateStore {
  read(): Promise<RelayStateData>;
  update(change: (data: RelayStateData) => void): Promise<RelayStateData>;
}

const EMPTY: RelayStateData = { lease: null, outbox: [] };

/**
 * The relay's state file (RELAY_STATE_FILE). Writes replace the file atomically and durably
 * ({@link replaceFile}), so a crash or power cut mid-write never loses the lease; updates are
 * serialized. The relay is the file's only writer, so after the first read the state is kept in
 * memory: the poll loop looks at the outbox every second without touching the disk.
 */
export class RelayStateFile implements RelayStateStore {
  private readonly queue = new SerialQueue();
  private cache?: RelayStateData;

  constructor(readonly file: string) {}

  /** The stored state; empty when the file does not exist yet. */
  async read(): Promise<RelayStateData> {
    this.cache ??= await this.load();
    return structuredClone(this.cache);
  }

  private async load(): Promise<RelayStateData> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw err;
    }
    const data = JSON.parse(text) as Partial<RelayStateData>;
    return { lease: data.lease ?? null, outbox: Array.isArray(data.outbox) ? data.outbox : [] };
  }

  /** Applies `change` to the stored state and writes it back, one update at a time. */
  update(change: (data: RelayStateData) => void): Promise<RelayStateData> {
    return this.queue.run(async () => {
      const data = await this.read();
      change(data);
      await mkdir(path.dirname(this.file), { recursive: true });
      await replaceFile(this.file, JSON.stringify(data, null, 2));
      this.cache = structuredClone(data);
      return data;
    });
  }
}
