import assert from 'node:assert/strict';
import { requestCardData } from '../../../../src/bot/views/request';
import type { LinkFailure } from '../../../../src/services/link/link-request';
import { requestSamples } from '../../../support/link-card-fixtures';

describe('the request card after a failed run', () => {
  /** The sample failed request, its run ended with the scheduler as given. */
  function stateLine(scheduler: LinkFailure['scheduler']): string {
    const failed = requestSamples().failed;
    const failure = { ...failed.run!.failure!, scheduler };
    return requestCardData({ ...failed, run: { ...failed.run!, failure } }, 'approvers').stateLine;
  }

  it('says the scheduler was resumed only when the run read it back enabled', () => {
    assert.match(stateLine('enabled'), /The scheduler was resumed\.$/);
    assert.match(stateLine('paused'), /STILL PAUSED/);
    assert.match(stateLine('unknown'), /could not confirm that the scheduler was resumed/);
    assert.doesNotMatch(stateLine(undefined), /resumed|paused/i);
  });
});
