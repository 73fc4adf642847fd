import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../shared/atomic-file';
import { withFileLock } from '../../shared/file-lock';
import { SerialQueue } from '../../shared/serial-queue';
import { stateFileOf } from './state-file-names';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/**
 * A state file that is not what the file store writes: cut short (a full disk, a copy that
 * stopped half way), edited by hand into invalid JSON, or JSON without an eTag. Only the item in
 * that file is affected; every other key still reads.
 *
 * What the administrator should do: stop Anchor, then restore the named file from a backup, or
 * delete it, which drops that one item (a link request, a relay job, a day of the audit log, a
 * conversation reference) as if it had never been written; then start Anchor again.
 */
export class StateFileCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(
      `State file ${file} (key "${key}") is corrupt: ${reason}. Restore it from a backup, or delete it ` +
        'to drop this one item; the rest of the state is not affected.',
    );
    this.name = 'StateFileCorruptError';
  }
}

/** What one state file holds. */
interface StateFileContent {
  eTag: string;
  value: unknown;
}

/**
 * A durable {@link StateStore} on the local disk, the default: one JSON file per key under the
 * data directory (`link/requests/<id>` is `<dir>/link/requests/<id>.json`, see stateFileOf()),
 * holding `{ "eTag": "…", "value": … }`.
 *
 * - Reads take no lock: every write replaces the whole file by rename, so a reader sees one
 *   version or the next, never a torn file.
 * - Writes and deletes hold a per-key lock (proper-lockfile's `<file>.lock`) around
 *   read-compare-rename, so conditional writes are safe between processes on one machine, and
 *   between store instances in one process. Writes of one instance to one key queue in memory
 *   first, so they do not poll the lock against each other.
 * - Several machines must not share a data directory (network file systems make no promises
 *   about the lock's timing); several instances share Azure Blob Storage instead.
 */
export class FileStateStore implements StateStore {
  /** The data directory, absolute. */
  readonly dir: string;
  private readonly queue = new SerialQueue();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** @throws StateFileCorruptError when the item's file is not valid state; other keys still read. */
  async read<T>(key: string): Promise<StoreItem<T> | undefined> {
    const content = await this.load(key, this.fileOf(key));
    return content && { value: content.value as T, eTag: content.eTag };
  }

  /** @throws StateFileCorruptError for a conditional write over a corrupt file; `'*'` replaces it. */
  async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    const file = this.fileOf(key);
    const eTag = randomUUID();
    // Serialized before locking, so the lock is held only for the compare and the rename.
    const content = JSON.stringify({ eTag, value: value ?? null } satisfies StateFileContent);
    await mkdir(path.dirname(file), { recursive: true });
    return this.queue.run(
      () =>
        withFileLock(file, async (assertHeld) => {
          if (expectedETag !== '*') {
            const current = await this.load(key, file);
            const holds = expectedETag === null ? !current : current?.eTag === expectedETag;
            if (!holds) throw new ETagConflictError(key);
          }
          assertHeld();
          await replaceFile(file, content);
          return eTag;
        }),
      key,
    );
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    // Directories are never removed, so a missing one means there is nothing to delete.
    if (!(await exists(path.dirname(file)))) return;
    await this.queue.run(
      () =>
        withFileLock(file, async (assertHeld) => {
          assertHeld();
          await rm(file, { force: true });
        }),
      key,
    );
  }

  /**
   * Writes, renames, reads back and deletes a probe file in the data directory (creating the
   * directory if need be), which proves it is there and writable. The probe's name starts with a
   * dot, which no state file's name has.
   */
  async ping(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const probe = path.join(this.dir, `.ping-${randomBytes(6).toString('hex')}`);
    const text = new Date().toISOString();
    try {
      await replaceFile(probe, text);
      if ((await readFile(probe, 'utf8')) !== text) throw new Error(`${probe} did not read back as written`);
    } finally {
      await rm(probe, { force: true });
    }
  }

  describe(): string {
    return `file (${this.dir})`;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, stateFileOf(key));
  }

  private async load(key: string, file: string): Promise<StateFileContent | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StateFileCorruptError(file, key, `not valid JSON (${(err as Error).message})`);
    }
    if (!isContent(parsed)) throw new StateFileCorruptError(file, key, 'valid JSON but without an "eTag"');
    return parsed;
  }
}

function isContent(parsed: unknown): parsed is StateFileContent {
  return (
    typeof parsed === 'object' && parsed !== null && typeof (parsed as { eTag?: unknown }).eTag === 'string'
  );
}

async function exists(target: string): Promise<boolean> {
  try {
    await access(target);
    return true;
  } catch {
    return false;
  }
}
