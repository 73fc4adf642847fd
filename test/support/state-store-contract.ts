import assert from 'node:assert/strict';
import { updateItem } from '../../src/services/state/conditional-update';
import { InvalidStateKeyError } from '../../src/services/state/state-key';
import { ETagConflictError } from '../../src/services/state/state-store';
import type { StateStore } from '../../src/services/state/state-store';

/** One store on fresh, empty storage, for one test. */
export interface StoreUnderTest {
  store: StateStore;
  /**
   * Another store instance on the same storage, as a second bot instance opens it (the same dir,
   * the same container). A memory store cannot be shared, so it returns itself.
   */
  another(): StateStore;
  /** Removes what the test left behind. */
  dispose?(): Promise<void>;
}

/** About 1 MB of JSON: a large audit day or a long list of open requests. */
function largeValue(): { entries: { id: number; text: string }[] } {
  return {
    entries: Array.from({ length: 5_000 }, (_, id) => ({ id, text: `entry ${id} ${'ü-山-😀-'.repeat(30)}` })),
  };
}

/**
 * The behaviour every {@link StateStore} must have, as mocha tests: eTag semantics, JSON values,
 * key handling and races. Run once per implementation (memory, file, Azure Blob on Azurite), so
 * they cannot drift apart.
 * @param makeStore Opens a store on fresh storage; called before each test.
 */
export function stateStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name}: StateStore contract`, () => {
    let fixture: StoreUnderTest;
    let store: StateStore;
    let dispose: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      dispose = undefined;
      fixture = await makeStore();
      store = fixture.store;
      dispose = fixture.dispose;
    });

    afterEach(async () => dispose?.());

    it('reads nothing for a key never written', async () => {
      assert.equal(await store.read('link/requests/missing'), undefined);
    });

    it('creates only when absent: a second create-only write conflicts and changes nothing', async () => {
      const eTag = await store.write('link/requests/r1', { state: 'pending' }, null);
      await assert.rejects(store.write('link/requests/r1', { state: 'other' }, null), ETagConflictError);
      assert.deepEqual(await store.read('link/requests/r1'), { value: { state: 'pending' }, eTag });
    });

    it('refuses a write on a stale or unknown eTag', async () => {
      const first = await store.write('relay/jobs/j1', { state: 'queued' }, null);
      const second = await store.write('relay/jobs/j1', { state: 'running' }, first);
      await assert.rejects(store.write('relay/jobs/j1', { state: 'stale' }, first), ETagConflictError);
      await assert.rejects(
        store.write('relay/jobs/j1', { state: 'made up' }, '"0x8D000000"'),
        ETagConflictError,
      );
      await assert.rejects(store.write('relay/jobs/none', { state: 'x' }, second), ETagConflictError);
      assert.deepEqual(await store.read('relay/jobs/j1'), { value: { state: 'running' }, eTag: second });
      assert.equal(await store.read('relay/jobs/none'), undefined);
    });

    it("overwrites unconditionally with '*', whether the item exists or not", async () => {
      await store.write('approvals/channel', { id: 'old' }, null);
      const eTag = await store.write('approvals/channel', { id: 'new' }, '*');
      assert.deepEqual(await store.read('approvals/channel'), { value: { id: 'new' }, eTag });
      await store.write('conversation/fresh', { id: 'c' }, '*');
      assert.deepEqual((await store.read('conversation/fresh'))?.value, { id: 'c' });
    });

    it('deletes an item, quietly when it is not there, and a create-only write works again', async () => {
      await store.write('link/drafts/d1', { n: 1 }, null);
      await store.delete('link/drafts/d1');
      assert.equal(await store.read('link/drafts/d1'), undefined);
      await store.delete('link/drafts/d1');
      await store.delete('never/written/at/all');
      await store.write('link/drafts/d1', { n: 2 }, null);
      assert.deepEqual((await store.read('link/drafts/d1'))?.value, { n: 2 });
    });

    it('gives every write a new eTag, even of the same value, and reads return it', async () => {
      const eTags = [await store.write('audit/2026-11-25', { same: true }, null)];
      for (let i = 0; i < 3; i++) {
        eTags.push(await store.write('audit/2026-11-25', { same: true }, eTags[eTags.length - 1]));
      }
      eTags.push(await store.write('audit/2026-11-25', { same: true }, '*'));
      assert.equal(new Set(eTags).size, eTags.length);
      assert.equal((await store.read('audit/2026-11-25'))?.eTag, eTags[eTags.length - 1]);
    });

    it('round-trips JSON values: unicode, nesting, every JSON type, and about 1 MB', async () => {
      const values: Record<string, unknown> = {
        'v/unicode': 'Zoë Ångström-Nuñez, 山田 太郎, 😀, "quotes", \\ back\\slash, \n new line',
        'v/nested': { a: [1, { b: [true, false, null] }, 'x'], c: { d: { e: { f: -1.5e-7 } } } },
        'v/array': [1, 'two', { three: 3 }],
        'v/number': 42,
        'v/zero': 0,
        'v/false': false,
        'v/null': null,
        'v/empty': '',
        'v/large': largeValue(),
      };
      for (const [key, value] of Object.entries(values)) await store.write(key, value, null);
      for (const [key, value] of Object.entries(values)) {
        assert.deepEqual((await store.read(key))?.value, value, key);
      }
      assert.ok(JSON.stringify(values['v/large']).length > 1_000_000);
    });

    it('stores values as JSON: a Date comes back as its ISO string, undefined properties are dropped', async () => {
      await store.write('v/json', { at: new Date('2026-11-25T10:00:00Z'), gone: undefined, kept: 1 }, null);
      assert.deepEqual((await store.read('v/json'))?.value, { at: '2026-11-25T10:00:00.000Z', kept: 1 });
    });

    it('keeps keys with "/", ":", dots and unicode apart, prefixes included', async () => {
      const keys = [
        'a',
        'a/b',
        'a/b/c',
        'a:b',
        'a.b',
        'a/..',
        '../escape',
        'conversation/19:3a0f5e@thread.tacv2',
        'conversation/a:1Hx-Üñí/😀',
        '名前/山田',
        'a%2Fb',
        'a b',
        '*',
      ];
      for (const key of keys) await store.write(key, { key }, null);
      for (const key of keys) assert.deepEqual((await store.read(key))?.value, { key }, key);
    });

    it('refuses an empty key and empty segments', async () => {
      for (const key of ['', '/a', 'a/', 'a//b']) {
        await assert.rejects(store.write(key, 1, '*'), InvalidStateKeyError, JSON.stringify(key));
        await assert.rejects(store.read(key), InvalidStateKeyError, JSON.stringify(key));
      }
    });

    it('loses no update: 50 concurrent updateItem increments on one key make 50', async function () {
      this.timeout(60_000);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => updateItem<number>(store, 'counter', (n) => (n ?? 0) + 1)),
      );
      assert.equal((await store.read('counter'))?.value, 50);
      // Each increment saw a different count, so none overwrote another.
      assert.deepEqual(
        [...(results as number[])].sort((x, y) => x - y),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('lets exactly one of two instances win a race of conditional writes', async function () {
      this.timeout(60_000);
      const other = fixture.another();
      for (let round = 0; round < 10; round++) {
        const key = `race/${round}`;
        const created = await Promise.allSettled([
          store.write(key, { by: 'first' }, null),
          other.write(key, { by: 'second' }, null),
        ]);
        assertOneWinner(created);
        const { eTag } = (await store.read(key))!;
        const updated = await Promise.allSettled([
          store.write(key, { by: 'first', round }, eTag),
          other.write(key, { by: 'second', round }, eTag),
        ]);
        const winner = assertOneWinner(updated);
        const stored = await other.read<{ by: string }>(key);
        assert.equal(stored?.value.by, winner === 0 ? 'first' : 'second');
      }
    });
  });
}

/** Exactly one write succeeded and the other lost with ETagConflictError; returns the winner's index. */
function assertOneWinner(results: PromiseSettledResult<string>[]): number {
  const won = results.map((r) => r.status === 'fulfilled');
  assert.equal(won.filter(Boolean).length, 1, `expected one winner, got ${JSON.stringify(results)}`);
  const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(loser.reason instanceof ETagConflictError, String(loser.reason));
  return won.indexOf(true);
}
