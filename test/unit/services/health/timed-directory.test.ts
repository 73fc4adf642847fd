import assert from 'node:assert/strict';
import { DirectoryProbe } from '../../../../src/services/health/directory-probe';
import { TimedDirectory } from '../../../../src/services/health/timed-directory';
import type { DirectoryService } from '../../../../src/shared/directory/ad-directory';

/** A directory whose pings take the next of `durations` on the injected clock. */
function timed(durations: number[], fail = false) {
  let now = 0;
  const inner: DirectoryService = {
    search: async () => ({ users: [], more: 0 }),
    find: async () => ({ users: [], more: 0 }),
    listOus: async () => [],
    ping: async () => {
      now += durations.shift() ?? 0;
      if (fail) throw new Error('AD cannot be read: the relay on sync01 has not been seen since 09:00');
    },
    describe: () => 'via relay sync01',
  };
  return new TimedDirectory(inner, 'relay', () => now);
}

describe('TimedDirectory and DirectoryProbe', () => {
  it('reports p50, p95 and max of the latest reads, and the last one', async () => {
    const directory = timed(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
    assert.equal(directory.latency(), null);
    for (let i = 0; i < 20; i++) await directory.ping();
    assert.deepEqual(directory.latency(), { reads: 20, p50Ms: 100, p95Ms: 190, maxMs: 200 });
    assert.equal(directory.lastMs(), 200);
  });

  it('keeps only the latest 100 reads', async () => {
    const directory = timed([
      ...Array.from({ length: 100 }, () => 1000),
      ...Array.from({ length: 100 }, () => 5),
    ]);
    for (let i = 0; i < 200; i++) await directory.ping();
    assert.deepEqual(directory.latency(), { reads: 100, p50Ms: 5, p95Ms: 5, maxMs: 5 });
  });

  it('the probe says where AD is read and how fast, and down with the reason', async () => {
    const ok = await new DirectoryProbe(timed([12])).probe();
    assert.equal(ok.state, 'ok');
    assert.equal(ok.placement, 'relay');
    assert.equal(ok.detail, 'via relay sync01 · p50 12 ms, p95 12 ms');
    const down = await new DirectoryProbe(timed([40], true)).probe();
    assert.equal(down.state, 'down');
    assert.match(
      down.detail,
      /^AD cannot be read: the relay on sync01 has not been seen since 09:00 · p50 40 ms/,
    );
    assert.deepEqual(down.latency, { reads: 1, p50Ms: 40, p95Ms: 40, maxMs: 40 });
  });
});
