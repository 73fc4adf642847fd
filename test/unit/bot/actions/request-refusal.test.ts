import assert from 'node:assert/strict';
import { requestRefusal } from '../../../../src/bot/actions/request-refusal';
import { LinkRequestError } from '../../../../src/services/link/request-store';
import { APPROVER, REQUESTER } from '../../../support/link-fixtures';
import { requestSamples } from '../../../support/link-card-fixtures';

/** The text of an invoke answer: the card's body, or the message. */
function textOf(answer: ReturnType<typeof requestRefusal>): string {
  return JSON.stringify(answer.value);
}

describe('requestRefusal: the answer to a refused click on a request card', () => {
  it('redraws the request as it is now, for the clicker, with the refusal under it', () => {
    const pending = requestSamples().pending;
    const refused = new LinkRequestError(
      'self-approval',
      'You filed this request; another admin must approve it.',
      pending,
    );
    const answer = requestRefusal(refused, REQUESTER);
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(textOf(answer), /another admin must approve it/);
    assert.match(textOf(answer), new RegExp(pending.id));
  });

  it('answers with the refusal alone for a request Anchor does not know', () => {
    const answer = requestRefusal(
      new LinkRequestError('unknown-request', 'Anchor has no such link request.'),
      APPROVER,
    );
    assert.equal(answer.type, 'application/vnd.microsoft.activity.message');
    assert.equal(answer.value, 'Anchor has no such link request.');
  });

  it('rethrows anything that is not a refusal of the request store', () => {
    const fault = new TypeError('a bug');
    assert.throws(
      () => requestRefusal(fault, APPROVER),
      (err: unknown) => err === fault,
    );
  });
});
