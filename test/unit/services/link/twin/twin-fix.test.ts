import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { TwinFixError } from '../../../../../src/services/link/twin/twin-advice';
import type { TwinFixOutcome } from '../../../../../src/services/link/twin/twin-fix';
import type { TwinJournalEntry } from '../../../../../src/services/link/twin/twin-journal';
import { TWIN_STEPS } from '../../../../../src/services/link/twin/twin-steps';
import { AdminFacingError } from '../../../../../src/shared/admin-facing-error';
import { APES_IMMUTABLE_ID, apesCloudUser } from '../../../../support/link-fixtures';
import { deletedTwin, HOME_DN, NOW, PARKED_DN, PARKING_OU, plan, TWIN_ID } from './twin-fixtures';
import { World } from './twin-world';

const HOUR = 3600_000;

function stopped(outcome: TwinFixOutcome): TwinFixError {
  assert.equal(outcome.state, 'stopped', 'the fix should have stopped');
  if (outcome.state !== 'stopped') throw new Error('unreachable');
  assert.ok(outcome.error instanceof AdminFacingError);
  return outcome.error;
}

const steps = (journal: readonly TwinJournalEntry[], state: TwinJournalEntry['state']) =>
  journal.filter((e) => e.state === state).map((e) => e.step);

describe('TwinFix', () => {
  it('runs the six steps in order, each verified, and journals the deleted twin', async () => {
    const world = new World().adminMoves(1, 2);
    const outcome = await world.fix().run(plan(), []);
    assert.deepEqual(outcome, { state: 'done' });
    assert.deepEqual(steps(world.journal, 'done'), [...TWIN_STEPS]);
    assert.deepEqual(world.journal.find((e) => e.step === 'hard-delete' && e.state === 'done')?.deletedTwin, {
      id: TWIN_ID,
      userPrincipalName: 'apes1@contoso.onmicrosoft.com',
    });
    assert.ok(
      world.journal.some(
        (e) => e.state === 'waiting' && /waiting for you to move apes to OU=Anchor parking/.test(e.detail),
      ),
    );
    assert.equal(world.synced, true);
    assert.equal(world.twin, 'gone');
  });

  describe('step 1 (the admin parks the AD user)', () => {
    it('stops when the DN never leaves the scope within 2 h: nothing was changed, move it back if moved', async () => {
      const world = new World();
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'park');
      assert.equal(error.problem, 'wait-timeout');
      assert.match(error.message, /gave up after 2 h/);
      assert.match(error.nextSafeAction, /Nothing was changed in Entra ID/);
      assert.match(error.nextSafeAction, /if you moved it meanwhile, move it back to OU=Staff/);
      assert.deepEqual(error.states, {
        adUser: 'in-scope',
        adDn: world.dn,
        twin: 'live',
        original: 'unlinked',
      });
      assert.equal(
        world.time - NOW.getTime() >= 2 * HOUR && world.time - NOW.getTime() < 2 * HOUR + 60_000,
        true,
      );
      sinon.assert.notCalled(world.relay.delta);
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
    });

    it('takes the bound from the timing (configurable)', async () => {
      const world = new World();
      stopped(await world.fix({ adminWaitMs: 10 * 60_000 }).run(plan(), []));
      assert.ok(world.time - NOW.getTime() < 11 * 60_000);
    });

    it('stops when the AD user is gone from the directory', async () => {
      const world = new World();
      world.dn = null;
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.problem, 'ad-user-missing');
      assert.match(error.nextSafeAction, /restore it from the AD Recycle Bin/);
    });

    it('stops before anything when the plan names no parking OU', async () => {
      const world = new World();
      const error = stopped(await world.fix().run(plan({ parking: { ok: false, problem: 'no OU' } }), []));
      assert.equal(error.problem, 'no-parking-ou');
      sinon.assert.notCalled(world.sleep);
      assert.equal(error.states.adUser, 'in-scope');
    });
  });

  describe('step 2 (the twin is soft-deleted)', () => {
    it('stops when the soft-deleted holder is another object, and deletes nothing', async () => {
      const world = new World().adminMoves(1);
      world.otherDeleted = [deletedTwin({ id: 'old-one', userPrincipalName: 'old@contoso.com' })];
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'soft-delete');
      assert.equal(error.problem, 'twin-mismatch');
      assert.match(error.message, /old@contoso\.com \(old-one\), not the twin/);
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.match(error.nextSafeAction, /^Move apes back to OU=Staff.*restores the twin/);
    });

    it('stops when the deleted twin carries another value (not the object the plan named)', async () => {
      const world = new World().adminMoves(1);
      world.deletedTwinValue = 'c29tZXRoaW5nIGVsc2U=';
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.problem, 'twin-mismatch');
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
    });

    it('stops when something else holds the anchor, and deletes nothing', async () => {
      const world = new World().adminMoves(1);
      world.otherLive = [
        apesCloudUser({
          id: 'someone',
          userPrincipalName: 'someone@contoso.com',
          onPremisesImmutableId: APES_IMMUTABLE_ID,
        }),
      ];
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.problem, 'anchor-held');
      assert.match(error.message, /someone@contoso\.com/);
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
    });

    it('never deletes when the sync does not soft-delete the twin within the bound', async () => {
      const world = new World().adminMoves(1);
      world.syncWorks = false;
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'soft-delete');
      assert.equal(error.problem, 'wait-timeout');
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.match(error.nextSafeAction, /Move apes back to OU=Staff.*Nothing was changed in Entra ID/);
    });
  });

  describe('step 3 (the permanent delete)', () => {
    it('deletes only after reading the twin soft-deleted, and only the twin', async () => {
      const world = new World().adminMoves(1, 2);
      await world.fix().run(plan(), []);
      sinon.assert.calledOnceWithExactly(world.cloud.hardDeleteDeletedUser, TWIN_ID);
      const confirming = world.cloud.getDeletedUser.getCalls().find((c) => c.returnValue !== null);
      const confirmedSoft = world.cloud.getDeletedUser
        .getCalls()
        .filter((c) => c.calledBefore(world.cloud.hardDeleteDeletedUser.firstCall));
      assert.ok(confirming);
      assert.ok(confirmedSoft.length > 0);
      // The last read before the delete saw the twin in Deleted users.
      assert.ok(await confirmedSoft.at(-1)!.returnValue);
    });

    it('deletes nothing when the original changed since the approval; the twin is restorable', async () => {
      const world = new World().adminMoves(1);
      world.anchor = 'c29tZXRoaW5nIGVsc2U=';
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'hard-delete');
      assert.equal(error.problem, 'original-changed');
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.equal(error.states.twin, 'soft-deleted');
      assert.match(error.nextSafeAction, /Move apes back to OU=Staff.*restores the twin/);
    });

    it('deletes nothing when the AD user is back in scope before the delete; the twin is restorable', async () => {
      const world = new World().adminMoves(1);
      world.relay.delta.callsFake(async () => {
        world.twin = 'soft';
        world.dn = HOME_DN;
      });
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'hard-delete');
      assert.equal(error.problem, 'ad-user-moved');
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.match(error.nextSafeAction, /Nothing was deleted for good/);
    });

    it('says so when Graph refuses the delete', async () => {
      const world = new World().adminMoves(1);
      world.cloud.hardDeleteDeletedUser.rejects(new AdminFacingError('Graph refused: Forbidden'));
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.problem, 'delete-failed');
      assert.match(error.message, /Forbidden/);
    });
  });

  describe('step 4 (the link run)', () => {
    it('keeps the AD user parked when the twin is gone and the link run failed', async () => {
      const world = new World().adminMoves(1);
      world.linkRun.setAnchor.resolves({
        ok: false,
        message: 'the pause did not take',
        advice: 'Check the relay.',
      });
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'link');
      assert.equal(error.problem, 'link-failed');
      assert.deepEqual(error.states, {
        adUser: 'parked',
        adDn: PARKED_DN,
        twin: 'deleted-for-good',
        original: 'unlinked',
      });
      assert.match(error.nextSafeAction, /^Keep apes in .*Anchor parking.*new synced user/);
      assert.match(error.nextSafeAction, /Check the relay\./);
    });

    it('does not link while the AD user is back in scope with the twin gone: park it again at once', async () => {
      const world = new World();
      world.twin = 'gone';
      const at0 = NOW.toISOString();
      const history: TwinJournalEntry[] = (['park', 'soft-delete', 'hard-delete'] as const).map((step) => ({
        step,
        state: 'done',
        startedAt: at0,
        at: at0,
        detail: 'done',
      }));
      const error = stopped(await world.fix().run(plan(), history));
      assert.equal(error.problem, 'ad-user-moved');
      sinon.assert.notCalled(world.linkRun.setAnchor);
      assert.match(error.nextSafeAction, /^Move apes to OU=Anchor parking.* again right away/);
    });

    it('stops when the original does not read back with the anchor', async () => {
      const world = new World().adminMoves(1);
      world.linkRun.setAnchor.resolves({ ok: true, detail: 'set' });
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.problem, 'link-failed');
      assert.match(error.message, /reads back with no ImmutableId/);
    });
  });

  describe('steps 5 and 6', () => {
    it('asks to move the AD user back when the return is not seen within the bound', async () => {
      const world = new World().adminMoves(1);
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'return');
      assert.match(error.nextSafeAction, /^Move apes back to OU=Staff.*hard-matches/);
    });

    it('stops when a new synced user holds the anchor after the match', async () => {
      const world = new World().adminMoves(1, 2);
      const stranger = apesCloudUser({
        id: 'new-twin',
        userPrincipalName: 'apes2@contoso.onmicrosoft.com',
        onPremisesSyncEnabled: true,
        onPremisesImmutableId: APES_IMMUTABLE_ID,
      });
      world.relay.delta.callsFake(async () => {
        if (world.anchor) world.otherLive = [stranger];
        else if (world.dn === PARKED_DN && world.twin === 'live') world.twin = 'soft';
      });
      const error = stopped(await world.fix().run(plan(), []));
      assert.equal(error.step, 'hard-match');
      assert.equal(error.problem, 'anchor-held');
      assert.match(error.nextSafeAction, /Leave apes where it is/);
    });
  });

  describe('resume from the journal', () => {
    const at = (min: number) => new Date(NOW.getTime() + min * 60_000).toISOString();
    const entry = (
      step: TwinJournalEntry['step'],
      state: TwinJournalEntry['state'],
      startedAt = at(0),
    ): TwinJournalEntry => ({
      step,
      state,
      startedAt,
      at: startedAt,
      detail: state,
    });

    it('goes on with the step that was running when the instance stopped, keeping its start', async () => {
      const world = new World();
      world.dn = PARKED_DN;
      world.twin = 'soft';
      world.script = [undefined, (w) => (w.dn = 'CN=Aaron Pescasio,OU=Staff,DC=corp,DC=contoso,DC=com')];
      const history = [
        entry('park', 'done'),
        entry('soft-delete', 'done'),
        entry('hard-delete', 'running', at(7)),
      ];
      const outcome = await world.fix().run(plan(), history);
      assert.deepEqual(outcome, { state: 'done' });
      assert.deepEqual(world.journal[0], {
        ...world.journal[0],
        step: 'hard-delete',
        state: 'running',
        startedAt: at(7),
      });
      sinon.assert.calledOnce(world.cloud.hardDeleteDeletedUser);
      // Steps 1 and 2 are not run again: the first delta is step 6's.
      assert.ok(world.relay.delta.firstCall.calledAfter(world.linkRun.setAnchor.firstCall));
    });

    it('re-confirms the soft delete before deleting: a twin live again after the restart is not deleted', async () => {
      const world = new World();
      world.dn = PARKED_DN;
      world.twin = 'live';
      const history = [entry('park', 'done'), entry('soft-delete', 'done'), entry('hard-delete', 'running')];
      const error = stopped(await world.fix().run(plan(), history));
      assert.equal(error.problem, 'twin-restored');
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.match(error.nextSafeAction, /Move apes back to OU=Staff.*Nothing was changed/);
    });

    it('does not delete twice when the delete went through before the restart', async () => {
      const world = new World().adminMoves(1, 1);
      world.dn = PARKED_DN;
      world.twin = 'gone';
      const history = [entry('park', 'done'), entry('soft-delete', 'done'), entry('hard-delete', 'running')];
      await world.fix().run(plan(), history);
      sinon.assert.notCalled(world.cloud.hardDeleteDeletedUser);
      assert.equal(
        world.journal.find((e) => e.step === 'hard-delete' && e.state === 'done')?.deletedTwin?.id,
        TWIN_ID,
      );
    });

    it('does not extend a wait across a restart', async () => {
      const world = new World();
      const history = [entry('park', 'waiting', new Date(NOW.getTime() - 2 * HOUR + 60_000).toISOString())];
      const error = stopped(await world.fix().run(plan(), history));
      assert.equal(error.problem, 'wait-timeout');
      assert.ok(world.time - NOW.getTime() <= 60_000);
    });

    it('leaves a failed fix stopped unless asked to retry', async () => {
      const world = new World().adminMoves(1, 2);
      world.dn = PARKED_DN;
      world.twin = 'gone';
      const failed: TwinJournalEntry = {
        ...entry('link', 'failed'),
        failure: {
          problem: 'link-failed',
          states: { adUser: 'parked', adDn: PARKED_DN, twin: 'deleted-for-good', original: 'unlinked' },
          nextSafeAction: `Keep apes in ${PARKING_OU}`,
        },
      };
      const history = [
        entry('park', 'done'),
        entry('soft-delete', 'done'),
        entry('hard-delete', 'done'),
        failed,
      ];
      const error = stopped(await world.fix().run(plan(), history));
      assert.equal(error.nextSafeAction, `Keep apes in ${PARKING_OU}`);
      sinon.assert.notCalled(world.linkRun.setAnchor);
      world.script = [(w) => (w.dn = 'CN=Aaron Pescasio,OU=Staff,DC=corp,DC=contoso,DC=com')];
      assert.deepEqual(await world.fix().run(plan(), history, { retryFailed: true }), { state: 'done' });
      sinon.assert.calledOnce(world.linkRun.setAnchor);
    });
  });
});
