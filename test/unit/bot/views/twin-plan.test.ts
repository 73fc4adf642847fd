import assert from 'node:assert/strict';
import { expandCard } from '../../../../src/bot/cards/card-templates';
import { twinPlanCardData } from '../../../../src/bot/views/twin-plan';
import { APES_TWIN_ID, twinPlanSample } from '../../../support/twin-fixtures';

describe('twin plan card data', () => {
  it('marks what deleting the twin loses and offers no request on a ✗ plan', () => {
    const data = twinPlanCardData(twinPlanSample('licensed'), 'draft-2');
    assert.equal(data.canRequest, false);
    const licences = data.rows.find((r) => r.label === 'Licences');
    assert.deepEqual([licences?.lostIcon, licences?.color], ['✗', 'Attention']);
    const titles = ((expandCard('twin-plan', data).actions ?? []) as { title: string }[]).map((a) => a.title);
    assert.deepEqual(titles, ['Check again']);
    // Nothing can be approved from a ✗ plan, so it does not warn about what approving deletes.
    assert.equal(data.attention, '');
    assert.doesNotMatch(JSON.stringify(expandCard('twin-plan', data)), /permanent deletion/);
  });

  it('asks to acknowledge the warnings and the informative unknown, and names the deletion', () => {
    const data = twinPlanCardData(twinPlanSample('clean'), 'draft-2');
    assert.equal(data.canRequest, true);
    assert.deepEqual(
      data.warnings.map((w) => w.inputId),
      ['ack.twin-groups', 'ack.twin-sign-in'],
    );
    assert.match(
      data.attention,
      new RegExp(`permanent deletion of apes2@contoso.com \\(${APES_TWIN_ID}\\)\\. It cannot be restored\\.`),
    );
    assert.deepEqual(
      data.steps.map((s) => s.actor),
      ['you', 'Anchor', 'Anchor', 'Anchor', 'you', 'Anchor'],
    );
  });

  it('shows the parking problem as ✗ when no parking OU could be named', () => {
    const plan = {
      ...twinPlanSample('clean'),
      parking: null,
      parkingProblem: 'No OU outside the sync scope.',
    };
    const data = twinPlanCardData(plan, 'draft-2');
    assert.equal(data.parkingOk, false);
    assert.match(
      JSON.stringify(expandCard('twin-plan', data)),
      /✗ No parking OU: .*No OU outside the sync scope\./,
    );
  });
});
