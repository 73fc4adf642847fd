import { lock } from 'proper-lockfile';

/**
 * A lock older than this belongs to a process that died holding it and is taken over. The holder
 * refreshes its lock every few seconds, and holds it only for one read-compare-rename.
 */
const STALE_MS = 5_000;

/** Waiting for a busy lock: short random pauses, about 15 s in all, longer than {@link STALE_MS}. */
const RETRIES = { retries: 300, factor: 1.3, minTimeout: 2, maxTimeout: 50, randomize: true };

/** Thrown when a lock could not be had in time, or was lost while held. */
export class FileLockError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not lock ${file}: ${reason}`, options);
    this.name = 'FileLockError';
  }
}

/**
 * Runs `critical` while holding an exclusive lock on `file` that other processes on this machine
 * respect: proper-lockfile's `<file>.lock` directory, made with mkdir (atomic on a local file
 * system). The file itself need not exist; its directory must.
 *
 * `critical` gets `assertHeld()` to call right before its one irreversible step (the rename): if
 * this process stalled past the stale time and another took the lock over, it throws instead of
 * overwriting what the other wrote. proper-lockfile's default for that case throws from a timer
 * and would end the process.
 * @throws FileLockError when the lock is still held by another after about 15 s, or was lost.
 */
export async function withFileLock<T>(
  file: string,
  critical: (assertHeld: () => void) => Promise<T>,
): Promise<T> {
  let lost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: RETRIES,
      onCompromised: (err) => (lost = err),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileLockError(
      file,
      code === 'ELOCKED' ? 'another process kept it locked' : (err as Error).message,
      { cause: err },
    );
  }
  try {
    return await critical(() => {
      if (lost) throw new FileLockError(file, `the lock was lost while held (${lost.message})`);
    });
  } finally {
    // A lost lock is already gone (and may be another's now): releasing it fails harmlessly.
    await release().catch(() => undefined);
  }
}
