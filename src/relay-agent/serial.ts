/**
 * Runs tasks one at a time, in order. The relay uses one for everything that touches the sync
 * server (jobs, status reads, the lease's own resume) so they never interleave.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; resolves or rejects with its outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
