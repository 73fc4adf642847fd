import assert from 'node:assert/strict';
import { nextSafeAction, statesBefore } from '../../../../../src/services/link/twin/twin-advice';
import type { TwinObjectStates } from '../../../../../src/services/link/twin/twin-advice';
import { resumePoint } from '../../../../../src/services/link/twin/twin-journal';
import {
  verifyHardDeleted,
  verifyHardMatched,
  verifyParked,
  verifyReturned,
  verifySoftDeleted,
} from '../../../../../src/services/link/twin/twin-steps';
import { APES_IMMUTABLE_ID, apesCloudUser } from '../../../../support/link-fixtures';
import { deletedTwin, HOME_DN, holders, PARKED_DN, plan, twinUser } from './twin-fixtures';

describe('twin steps', () => {
  const p = plan();

  it('step 1 is done only with the DN outside the scope; step 5 only with it back inside', () => {
    assert.equal(verifyParked(HOME_DN, p).state, 'waiting');
    assert.equal(verifyParked(PARKED_DN, p).state, 'done');
    assert.equal(verifyReturned(PARKED_DN, p).state, 'waiting');
    assert.equal(
      verifyReturned('CN=Aaron Pescasio,OU=Sales,OU=Staff,DC=corp,DC=contoso,DC=com', p).state,
      'done',
    );
    assert.deepEqual(verifyParked(null, p).state, 'stop');
  });

  it('step 2 waits while the twin is live and is done only for the named twin as the sole holder', () => {
    const live = { live: twinUser(), deleted: null, holders: holders({ users: [twinUser()] }) };
    assert.equal(verifySoftDeleted(live, p).state, 'waiting');
    const soft = { live: null, deleted: deletedTwin(), holders: holders({ deletedUsers: [deletedTwin()] }) };
    assert.equal(verifySoftDeleted(soft, p).state, 'done');
    const truncated = { ...soft, holders: holders({ deletedUsers: [deletedTwin()], truncated: true }) };
    assert.deepEqual(verifySoftDeleted(truncated, p).state, 'stop');
    const scanStopped = {
      ...soft,
      holders: holders({ deletedUsers: [deletedTwin()], recycleBinScan: { scanned: 1000, complete: false } }),
    };
    const partial = verifySoftDeleted(scanStopped, p);
    assert.equal(partial.state === 'stop' && partial.problem, 'anchor-held');
    assert.match(partial.state === 'stop' ? partial.detail : '', /more objects than Anchor could list/);
    const vanished = { live: null, deleted: null, holders: holders() };
    const gone = verifySoftDeleted(vanished, p);
    assert.equal(gone.state === 'stop' && gone.problem, 'twin-gone');
  });

  it('step 3 waits while Deleted users still lists the twin, and stops when it is live again', () => {
    const soft = { live: null, deleted: deletedTwin(), holders: holders({ deletedUsers: [deletedTwin()] }) };
    assert.equal(verifyHardDeleted(soft, p).state, 'waiting');
    assert.equal(verifyHardDeleted({ live: null, deleted: null, holders: holders() }, p).state, 'done');
    const back = verifyHardDeleted({ live: twinUser(), deleted: null, holders: holders() }, p);
    assert.equal(back.state === 'stop' && back.problem, 'twin-restored');
  });

  it('step 6 waits for the sync, and is done only with the original synced as the sole holder', () => {
    const set = apesCloudUser({ onPremisesImmutableId: APES_IMMUTABLE_ID });
    assert.equal(verifyHardMatched(set, holders({ users: [set] }), p).state, 'waiting');
    const synced = { ...set, onPremisesSyncEnabled: true };
    assert.equal(verifyHardMatched(synced, holders({ users: [synced] }), p).state, 'done');
  });

  describe('next safe action', () => {
    const states = (extra: Partial<TwinObjectStates>): TwinObjectStates => ({
      adUser: 'parked',
      adDn: PARKED_DN,
      twin: 'soft-deleted',
      original: 'unlinked',
      ...extra,
    });
    it('while the twin can still be restored: move the AD user back', () => {
      assert.match(
        nextSafeAction(states({}), p, 'twin-mismatch'),
        /^Move apes back to OU=Staff.*restores the twin/,
      );
    });
    it('twin deleted for good, original without the anchor: keep the AD user parked', () => {
      assert.match(nextSafeAction(states({ twin: 'deleted-for-good' }), p, 'link-failed'), /^Keep apes in/);
    });
    it('twin deleted for good and the AD user back in scope too early: park it again at once', () => {
      const text = nextSafeAction(states({ twin: 'deleted-for-good', adUser: 'in-scope' }), p, 'link-failed');
      assert.match(text, /^Move apes to OU=Anchor parking.* again right away/);
    });
    it('original holds the anchor: moving back finishes the fix', () => {
      assert.match(
        nextSafeAction(states({ twin: 'deleted-for-good', original: 'anchor-set' }), p, 'wait-timeout'),
        /^Move apes back/,
      );
    });
    it('something unread: look before moving anything', () => {
      assert.match(
        nextSafeAction(states({ twin: 'unknown' }), p, 'service-failed'),
        /before moving anything/,
      );
    });
    it('statesBefore follows what each verified step has done', () => {
      assert.deepEqual(statesBefore('link', p), {
        adUser: 'parked',
        adDn: null,
        twin: 'deleted-for-good',
        original: 'unlinked',
      });
    });
  });

  describe('resumePoint', () => {
    const e = (step: 'park' | 'hard-match', state: 'running' | 'done' | 'failed') => ({
      step,
      state,
      startedAt: 's',
      at: 'a',
      detail: 'd',
    });
    it('starts at step 1, goes on after a done step, re-runs a running one with its start, and ends after step 6', () => {
      assert.deepEqual(resumePoint([]), { kind: 'step', step: 'park', startedAt: null });
      assert.deepEqual(resumePoint([e('park', 'done')]), {
        kind: 'step',
        step: 'soft-delete',
        startedAt: null,
      });
      assert.deepEqual(resumePoint([e('park', 'running')]), { kind: 'step', step: 'park', startedAt: 's' });
      assert.deepEqual(resumePoint([e('hard-match', 'done')]), { kind: 'finished' });
      assert.equal(resumePoint([e('park', 'failed')]).kind, 'stopped');
      assert.deepEqual(resumePoint([e('park', 'failed')], true), {
        kind: 'step',
        step: 'park',
        startedAt: null,
      });
    });
  });
});
