import assert from 'node:assert/strict';
import { NonceLedger } from '../../../../src/services/relay/nonce-ledger';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { SIGNATURE_WINDOW_MS } from '../../../../src/shared/relay-protocol/request-signing';
import { HOSTILE_STRINGS } from '../../../support/hostile-values';
import { RecordingStore } from '../../../support/recording-store';

const T0 = Date.parse('2026-11-25T10:00:30Z');
const MINUTE = 60_000;

/** The keys the store holds now (recorded writes not deleted since). */
function liveKeys(store: RecordingStore): string[] {
  const live = new Set<string>();
  for (const call of store.calls) {
    if (call.op === 'write') live.add(call.key);
    if (call.op === 'delete') live.delete(call.key);
  }
  return [...live].sort();
}

describe('NonceLedger (relay nonces in the shared store)', () => {
  it('accepts a nonce once, on this instance and on another sharing the store', async () => {
    const store = new MemoryStateStore();
    const a = new NonceLedger(store);
    const b = new NonceLedger(store);
    assert.equal(await a.use('aadc01', 'n-1', T0, T0), true);
    assert.equal(await a.use('aadc01', 'n-1', T0, T0 + 1000), false);
    assert.equal(await b.use('aadc01', 'n-1', T0, T0 + 2000), false, 'a replay to another instance');
    assert.equal(await b.use('aadc02', 'n-1', T0, T0), true, 'another relay may pick the same nonce');
    assert.equal(await b.use('aadc01', 'n-2', T0, T0), true);
  });

  it('lets exactly one of many instances accept the same nonce at once', async () => {
    const store = new MemoryStateStore();
    const ledgers = Array.from({ length: 8 }, () => new NonceLedger(store));
    for (let i = 0; i < 5; i++) {
      const answers = await Promise.all(ledgers.map((l) => l.use('aadc01', `race-${i}`, T0, T0)));
      assert.equal(answers.filter(Boolean).length, 1);
    }
  });

  it('never puts the relay’s text in a key: hostile nonces and key ids are stored by digest', async () => {
    const store = new RecordingStore();
    const ledger = new NonceLedger(store);
    for (const { value } of HOSTILE_STRINGS) {
      assert.equal(await ledger.use(value, value, T0, T0), true);
      assert.equal(await ledger.use(value, value, T0, T0), false);
    }
    for (const key of liveKeys(store)) {
      assert.match(key, /^relay\/nonce-slots(\/\d+)?$|^relay\/nonces\/\d+-[0-9a-f]{64}$/);
    }
  });

  it('drops a slot once its nonces cannot be replayed any more, and keeps the recent ones', async () => {
    const store = new RecordingStore();
    const ledger = new NonceLedger(store);
    await ledger.use('aadc01', 'old', T0, T0);
    await ledger.use('aadc01', 'recent', T0 + 3 * MINUTE, T0 + 3 * MINUTE);
    const oldKeys = liveKeys(store).filter((k) => k.startsWith(`relay/nonces/${Math.floor(T0 / MINUTE)}-`));
    assert.equal(oldKeys.length, 1);

    // Still inside two windows after the slot ended: nothing is dropped, the replay is refused.
    const stillKept = Math.floor(T0 / MINUTE + 1) * MINUTE + 2 * SIGNATURE_WINDOW_MS - 1;
    assert.deepEqual(await ledger.sweep(stillKept), []);
    assert.equal(await ledger.use('aadc01', 'old', T0, stillKept), false);

    const dropped = await ledger.sweep(stillKept + 1);
    assert.deepEqual(dropped, [Math.floor(T0 / MINUTE)]);
    const left = liveKeys(store);
    assert.ok(!left.some((k) => oldKeys.includes(k)), 'the old nonce is gone');
    assert.ok(!left.includes(`relay/nonce-slots/${Math.floor(T0 / MINUTE)}`), 'and its slot index');
    assert.equal(left.filter((k) => k.startsWith('relay/nonces/')).length, 1, 'the recent nonce is kept');
    assert.deepEqual((await store.read<{ slots: number[] }>('relay/nonce-slots'))?.value.slots, [
      Math.floor((T0 + 3 * MINUTE) / MINUTE),
    ]);
  });

  it('sweeps by itself as requests arrive, at most once a slot', async () => {
    const store = new RecordingStore();
    const ledger = new NonceLedger(store);
    await ledger.use('aadc01', 'first', T0, T0);
    const later = T0 + 2 * SIGNATURE_WINDOW_MS + 2 * MINUTE;
    await ledger.use('aadc01', 'later', later, later);
    await new Promise((r) => setTimeout(r, 20));
    const nonces = liveKeys(store).filter((k) => k.startsWith('relay/nonces/'));
    assert.equal(nonces.length, 1, nonces.join(', '));
    const deletes = store.since(0, 'delete').length;
    await ledger.use('aadc01', 'again', later + 1000, later + 1000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(store.since(0, 'delete').length, deletes, 'no second sweep within the slot');
  });
});
