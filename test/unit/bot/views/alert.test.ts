import assert from 'node:assert/strict';
import { expandCard } from '../../../../src/bot/cards/card-templates';
import { alertCardData } from '../../../../src/bot/views/alert';
import { ALERT_VERBS } from '../../../../src/bot/verbs';
import type { Incident, RemedyState } from '../../../../src/services/alerts/incident';
import { phsSilentIncident, remedySample } from '../../../support/card-samples';

/** The titles and verbs of the card's buttons once expanded, e.g. `Restart ADSync → alert.restart`. */
function buttons(incident: Incident, notice = ''): string[] {
  const card = expandCard('alert', alertCardData(incident, notice));
  const actions = (card.actions ?? []) as { title: string; verb: string }[];
  return actions.map((a) => `${a.title} → ${a.verb}`);
}

/** The card's text, to match lines against. */
function text(incident: Incident, notice = ''): string {
  return JSON.stringify(expandCard('alert', alertCardData(incident, notice)));
}

const RESTART = `Restart ADSync → ${ALERT_VERBS.restart}`;
const TRY_AGAIN = `Try again → ${ALERT_VERBS.restart}`;
const REQUEST = `Run a full password sync… → ${ALERT_VERBS.requestFullSync}`;
const APPROVE = `Approve full password sync → ${ALERT_VERBS.approveFullSync}`;
const REJECT = `Reject → ${ALERT_VERBS.rejectFullSync}`;

describe('the alert card', () => {
  describe('offers the buttons of the fix by where it stands', () => {
    const expected: Record<RemedyState | 'none', string[]> = {
      none: [RESTART],
      restarting: [],
      'restart-refused': [TRY_AGAIN],
      'restart-failed': [RESTART],
      watching: [],
      'no-heartbeat': [REQUEST],
      'full-sync-requested': [APPROVE, REJECT],
      'full-sync-running': [],
      'full-sync-failed': [],
      'full-sync-done': [],
    };
    for (const [state, titles] of Object.entries(expected)) {
      it(`${state}: ${titles.length ? titles.join(', ') : 'no button'}`, () => {
        const remedy = state === 'none' ? null : remedySample(state as RemedyState);
        assert.deepEqual(buttons(phsSilentIncident(remedy)), titles);
      });
    }
  });

  it('offers Restart ADSync on a stopped service too, but on no other kind of incident', () => {
    const stopped: Incident = { ...phsSilentIncident(), kind: 'service-stopped' };
    assert.deepEqual(buttons(stopped), [RESTART]);
    for (const kind of [
      'scheduler-paused',
      'sync-silent',
      'relay-silent',
      'staging-mode',
      'health-unreadable',
    ] as const)
      assert.deepEqual(buttons({ ...phsSilentIncident(), kind }), [], kind);
  });

  it('sends only the kind and the id of the incident, never its state', () => {
    const card = expandCard('alert', alertCardData(phsSilentIncident(remedySample('full-sync-requested'))));
    for (const action of card.actions as { data: unknown }[])
      assert.deepEqual(action.data, { kind: 'phs-silent', incidentId: phsSilentIncident().id });
  });

  it('shows the evidence as a FactSet: both sources of the heartbeat and the errors with their text', () => {
    const card = expandCard('alert', alertCardData(phsSilentIncident()));
    const factSet = (card.body as { type: string; facts?: unknown }[]).find((e) => e.type === 'FactSet');
    assert.deepEqual(factSet?.facts, phsSilentIncident().facts);
  });

  it('leaves the FactSet out when the incident has no facts', () => {
    const { facts: _facts, ...bare } = phsSilentIncident();
    const card = expandCard('alert', alertCardData(bare));
    assert.equal((card.body as { type: string }[]).filter((e) => e.type === 'FactSet').length, 0);
  });

  it('says who pressed Restart and when, then what the fix did last', () => {
    const data = alertCardData(phsSilentIncident(remedySample('watching')));
    assert.equal(data.remedyLine, 'Restart ADSync pressed by Adele Vance at 2026-11-25 10:40:00 UTC');
    assert.equal(data.remedyMessage, remedySample('watching').message);
  });

  it('says a refused restart was refused because a sync cycle ran', () => {
    assert.match(text(phsSilentIncident(remedySample('restart-refused'))), /a sync cycle was running/);
  });

  it('says a full password sync re-sends every password hash and needs a second admin', () => {
    for (const state of ['no-heartbeat', 'full-sync-requested'] as const) {
      const card = text(phsSilentIncident(remedySample(state)));
      assert.match(card, /re-sends every password hash/, state);
      assert.match(card, /second admin/, state);
    }
  });

  it('names who asked for the full password sync and who decided it', () => {
    const remedy = remedySample('full-sync-running');
    remedy.fullSync = {
      ...remedy.fullSync!,
      decidedBy: { aadObjectId: 'b', name: 'Isaiah Langer' },
      decidedAt: '2026-11-25T11:20:00.000Z',
      decision: 'approved',
    };
    assert.equal(
      alertCardData(phsSilentIncident(remedy)).remedyLine,
      'Restart ADSync pressed by Adele Vance at 2026-11-25 10:40:00 UTC; ' +
        'Full password sync requested by Adele Vance at 2026-11-25 11:16:03 UTC; ' +
        'approved by Isaiah Langer at 2026-11-25 11:20:00 UTC',
    );
  });

  it("shows a refusal of the click on the card, in the service's words", () => {
    const refusal = 'You asked for this full password sync: another admin must approve it.';
    const incident = phsSilentIncident(remedySample('full-sync-requested'));
    assert.match(text(incident, refusal), /another admin must approve it/);
    assert.doesNotMatch(text(incident), /another admin must approve it/);
  });

  it('turns green once resolved: recovered, with no button and no "What to do"', () => {
    const resolved: Incident = {
      ...phsSilentIncident(remedySample('watching')),
      state: 'resolved',
      resolvedAt: '2026-11-25T10:52:30.000Z',
      resolution: 'Heartbeat back at 2026-11-25 10:52:12 UTC.',
    };
    const data = alertCardData(resolved);
    assert.equal(data.style, 'good');
    assert.equal(data.headline, 'Password hash sync heartbeats again on aadc01');
    assert.equal(data.timeLine, 'From 2026-11-25 10:12:44 UTC to 2026-11-25 10:52:30 UTC');
    assert.deepEqual(buttons(resolved), []);
    assert.doesNotMatch(text(resolved), /What to do|re-sends/);
    // Who fixed it stays on the card; the fix's last step ("watching…") is over.
    assert.match(text(resolved), /Restart ADSync pressed by Adele Vance/);
    assert.equal(data.remedyMessage, '');
  });
});
