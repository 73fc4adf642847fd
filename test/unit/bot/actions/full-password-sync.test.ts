import assert from 'node:assert/strict';
import { ALERT_VERBS } from '../../../../src/bot/verbs';
import { AdminFacingError } from '../../../../src/shared/admin-facing-error';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import type { TestSender } from '../../../support/activities';
import { ADMIN } from '../../../support/activities';
import { alertHarness, fakeRemedies, press } from '../../../support/alert-press';
import { remedySample } from '../../../support/card-samples';

const CARD = 'application/vnd.microsoft.card.adaptive';
const APPROVER: TestSender = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};

describe('the full password sync on an alert card', () => {
  it('asks for it as the admin who pressed, and answers with Approve and Reject', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    remedies.requestFullSync.resolves({ ...incident, remedy: remedySample('full-sync-requested') });

    const answer = await press(
      h,
      ADMIN,
      ALERT_VERBS.requestFullSync,
      { kind: 'phs-silent', incidentId: incident.id },
      'Adele Vance',
    );

    assert.deepEqual(remedies.requestFullSync.firstCall.args, [
      'phs-silent',
      incident.id,
      { aadObjectId: ADMIN.aadObjectId, name: 'Adele Vance' },
    ]);
    assert.equal(answer.type, CARD);
    assert.match(JSON.stringify(answer.value), /"title":"Approve full password sync"/);
  });

  for (const [verb, decision] of [
    [ALERT_VERBS.approveFullSync, 'approved'],
    [ALERT_VERBS.rejectFullSync, 'rejected'],
  ] as const) {
    it(`${decision}: passes the second admin and the decision`, async () => {
      const remedies = fakeRemedies();
      const { h, incident } = await alertHarness(remedies);
      remedies.decideFullSync.resolves({ ...incident, remedy: remedySample('full-sync-running') });

      const answer = await press(
        h,
        APPROVER,
        verb,
        { kind: 'phs-silent', incidentId: incident.id },
        'Isaiah Langer',
      );

      assert.deepEqual(remedies.decideFullSync.firstCall.args, [
        'phs-silent',
        incident.id,
        { aadObjectId: APPROVER.aadObjectId, name: 'Isaiah Langer' },
        decision,
      ]);
      assert.equal(answer.type, CARD);
      assert.match(JSON.stringify(answer.value), /runs the full password sync/);
    });
  }

  it("shows the service's refusal of the requester on the card, the buttons still there for the others", async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    await h.alerts.update('phs-silent', incident.id, (current) => ({
      ...current,
      remedy: remedySample('full-sync-requested'),
    }));
    const refusal = 'You asked for this full password sync: another admin must approve it.';
    remedies.decideFullSync.rejects(new AdminFacingError(refusal));

    const answer = await press(h, ADMIN, ALERT_VERBS.approveFullSync, {
      kind: 'phs-silent',
      incidentId: incident.id,
    });

    assert.equal(answer.type, CARD);
    const card = JSON.stringify(answer.value);
    assert.match(card, /You asked for this full password sync: another admin must approve it/);
    assert.match(card, /"title":"Approve full password sync"/);
  });

  it('checks the kind and the id before the services see them', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    for (const verb of [
      ALERT_VERBS.requestFullSync,
      ALERT_VERBS.approveFullSync,
      ALERT_VERBS.rejectFullSync,
    ]) {
      await press(h, ADMIN, verb, { kind: 'phs-silent', incidentId: 'x' });
      await press(h, ADMIN, verb, { kind: 'constructor', incidentId: incident.id });
    }
    assert.equal(remedies.requestFullSync.callCount + remedies.decideFullSync.callCount, 0);
  });
});
