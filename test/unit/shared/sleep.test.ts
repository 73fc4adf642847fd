import assert from 'node:assert/strict';
import sinon from 'sinon';
import { sleep } from '../../../src/shared/sleep';

describe('sleep', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })));
  afterEach(() => clock.restore());

  it('resolves once the time has passed, not before', async () => {
    let done = false;
    const waiting = sleep(1000).then(() => (done = true));
    await clock.tickAsync(999);
    assert.equal(done, false);
    await clock.tickAsync(1);
    await waiting;
    assert.equal(done, true);
  });

  it('rejects with the reason when the signal aborts, and leaves no timer behind', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('caller gave up'));
    await assert.rejects(waiting, /caller gave up/);
    assert.equal(clock.countTimers(), 0);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    await assert.rejects(sleep(60_000, AbortSignal.abort(new Error('too late'))), /too late/);
    assert.equal(clock.countTimers(), 0);
  });
});
