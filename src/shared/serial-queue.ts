/**
 * Runs tasks one after another for the same key and side by side for different keys. Each task
 * starts once the one queued before it under its key has settled, resolved or rejected, so a
 * failure never blocks the tasks behind it.
 *
 * The relay agent queues everything that touches the sync server under one key, so jobs, status
 * reads and the lease's own resume never interleave; the relay's state file queues its updates;
 * the file store queues its own writes to one item per key, so they wait in memory instead of
 * polling the cross-process lock against each other.
 */
export class SerialQueue {
  /** The last task queued under each key, settled quietly; dropped once the key is idle. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` once every task queued before it under `key` has settled.
   * @param key Tasks under different keys do not wait for each other; one key when omitted.
   * @returns What `task` resolves or rejects with.
   */
  run<T>(task: () => Promise<T>, key = ''): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

function ignore(): void {
  // The task's own promise carries its outcome to the caller; the tail only marks that it settled.
}
