import assert from 'node:assert/strict';
import { REMEDIES_UNAVAILABLE, UNKNOWN_INCIDENT } from '../../../../src/bot/actions/incident-press';
import { ALERT_VERBS } from '../../../../src/bot/verbs';
import { AdminFacingError } from '../../../../src/shared/admin-facing-error';
import { ADMIN } from '../../../support/activities';
import { alertHarness, fakeRemedies, press } from '../../../support/alert-press';
import { remedySample } from '../../../support/card-samples';

const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';

describe('Restart ADSync on an alert card', () => {
  it('restarts as the admin who pressed it and answers with the restarting card', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    remedies.restart.resolves({ ...incident, remedy: remedySample('restarting') });

    const answer = await press(
      h,
      ADMIN,
      ALERT_VERBS.restart,
      { kind: 'phs-silent', incidentId: incident.id },
      'Adele Vance',
    );

    assert.deepEqual(remedies.restart.firstCall.args, [
      'phs-silent',
      incident.id,
      { aadObjectId: ADMIN.aadObjectId, name: 'Adele Vance' },
    ]);
    assert.equal(answer.type, CARD);
    const card = JSON.stringify(answer.value);
    assert.match(card, /Restart ADSync pressed by Adele Vance at 2026-11-25 10:40:00 UTC/);
    assert.match(card, /is restarting the ADSync service/);
    assert.doesNotMatch(card, /Action\.Execute/, 'no button while it restarts');
  });

  it('shows a refusal on the card as the incident is now, with its button', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    remedies.restart.rejects(
      new AdminFacingError('The relay aadc01 has not polled for 12 minutes: Anchor cannot restart ADSync.'),
    );

    const answer = await press(h, ADMIN, ALERT_VERBS.restart, {
      kind: 'phs-silent',
      incidentId: incident.id,
    });

    assert.equal(answer.type, CARD);
    const card = JSON.stringify(answer.value);
    assert.match(card, /has not polled for 12 minutes: Anchor cannot restart ADSync/);
    assert.match(card, /"title":"Restart ADSync"/);
  });

  it('answers a refusal about an incident since replaced with the words alone', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    await h.alerts.resolve('phs-silent', 'Heartbeat back.');
    await h.alerts.raise('phs-silent', { title: 't', resolvedTitle: 'r', detail: 'd', fix: 'f' });
    remedies.restart.rejects(new AdminFacingError('This alert is over.'));

    const answer = await press(h, ADMIN, ALERT_VERBS.restart, {
      kind: 'phs-silent',
      incidentId: incident.id,
    });

    assert.deepEqual(answer, { statusCode: 200, type: MESSAGE, value: 'This alert is over.' });
  });

  it('checks the kind and the id before the services see them', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    for (const data of [
      { kind: 'phs-silent', incidentId: 'not-a-guid' },
      { kind: 'phs-silent', incidentId: `${incident.id}/../x` },
      { kind: 'toString', incidentId: incident.id },
      { kind: 'PHS-SILENT', incidentId: incident.id },
      { incidentId: incident.id },
    ]) {
      const answer = await press(h, ADMIN, ALERT_VERBS.restart, data);
      assert.deepEqual(
        answer,
        { statusCode: 200, type: MESSAGE, value: UNKNOWN_INCIDENT },
        JSON.stringify(data),
      );
    }
    assert.equal(remedies.restart.callCount, 0);
  });

  it('says the fix is not available when Anchor runs without it', async () => {
    const { h, incident } = await alertHarness(undefined);
    const answer = await press(h, ADMIN, ALERT_VERBS.restart, {
      kind: 'phs-silent',
      incidentId: incident.id,
    });
    assert.deepEqual(answer, { statusCode: 200, type: MESSAGE, value: REMEDIES_UNAVAILABLE });
  });

  it('lets a fault in Anchor through, never dressed as a refusal on the card', async () => {
    const remedies = fakeRemedies();
    const { h, incident } = await alertHarness(remedies);
    remedies.restart.rejects(new TypeError('boom'));
    await assert.rejects(
      press(h, ADMIN, ALERT_VERBS.restart, { kind: 'phs-silent', incidentId: incident.id }),
      /boom/,
    );
  });
});
