import assert from 'node:assert/strict';
import { SerialQueue } from '../../../src/shared/serial-queue';

/** A promise with its resolve and reject at hand, to finish a task when the test says so. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise callback that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SerialQueue', () => {
  it('runs the tasks of one key one after another, in the order queued', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const first = deferred();
    const a = queue.run(async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
      return 'a';
    });
    const b = queue.run(async () => {
      log.push('b starts');
      return 'b';
    });
    await settle();
    assert.deepEqual(log, ['a starts'], 'b waits for a');
    first.resolve();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(log, ['a starts', 'a ends', 'b starts']);
  });

  it('runs the next task after one that rejected, and hands the rejection to its caller', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(async () => 'next');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'next');
  });

  it('runs the tasks of different keys side by side', async () => {
    const queue = new SerialQueue();
    const held = deferred();
    const log: string[] = [];
    const a = queue.run(async () => {
      log.push('a');
      await held.promise;
    }, 'one');
    const b = queue.run(async () => void log.push('b'), 'two');
    await b;
    assert.deepEqual(log, ['a', 'b'], 'b ran while a was still running');
    held.resolve();
    await a;
  });

  it('forgets a key once its last task has settled', async () => {
    const queue = new SerialQueue();
    const tails = queue['tails'];
    const held = deferred();
    const task = queue.run(() => held.promise, 'item');
    assert.equal(tails.size, 1);
    held.reject(new Error('gone'));
    await assert.rejects(task);
    await settle();
    assert.equal(tails.size, 0);
  });
});
