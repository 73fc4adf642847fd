import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `content` so that a reader sees the old content or the new, never a mix
 * and never a torn file: the content goes to a temp file in the same directory (a rename is only
 * atomic within one file system), is flushed to disk, and is renamed over `file`. The directory
 * entry is flushed too where the platform allows, so the rename survives a power cut.
 *
 * A crash before the rename leaves a `*.tmp` file beside it, which readers ignore.
 */
export async function replaceFile(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/** fsync of a directory: works on Linux and macOS; Windows cannot open a directory, so it is skipped there. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the rename happened; only its durability across a power cut is at stake.
  }
}
