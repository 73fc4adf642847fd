import assert from 'node:assert/strict';
import { DirectoryError } from '../../../src/shared/directory/directory-error';
import { CloudDirectoryError, GraphDeadlineError } from '../../../src/services/entra/graph-errors';
import { LinkDraftError } from '../../../src/services/link/drafts';
import { PreflightSubjectError } from '../../../src/services/link/preflight/run-preflight';
import { LinkRequestError } from '../../../src/services/link/request-store';
import { LinkStepError } from '../../../src/services/link/run/advice';
import { RelayError } from '../../../src/services/relay/relay-client';
import { AdminFacingError, adminMessage } from '../../../src/shared/admin-facing-error';

describe('AdminFacingError', () => {
  const chatFacing: [string, Error][] = [
    ['DirectoryError', new DirectoryError('unreachable', 'The domain controller did not answer.')],
    ['CloudDirectoryError', new CloudDirectoryError('Graph refused.')],
    ['GraphDeadlineError', new GraphDeadlineError(30_000, 3)],
    ['RelayError', new RelayError('offline', 'The relay is offline.')],
    ['LinkStepError', new LinkStepError('no-relay', 'No relay is configured.')],
    ['PreflightSubjectError', new PreflightSubjectError('cloud', 'The cloud user no longer exists.')],
    ['LinkRequestError', new LinkRequestError('expired', 'This request expired.')],
    ['LinkDraftError', new LinkDraftError('This preflight is unknown to Anchor.')],
  ];

  for (const [name, error] of chatFacing) {
    it(`counts ${name} as written for the admin, shown as it is`, () => {
      assert.ok(error instanceof AdminFacingError);
      assert.equal(error.name, name);
      assert.equal(adminMessage(error), error.message);
    });
  }

  it('names anything else as a fault in Anchor, on one line', () => {
    const bug = new TypeError("Cannot read properties of undefined\n  (reading 'checks')");
    assert.equal(
      adminMessage(bug),
      "Unexpected error in Anchor: Cannot read properties of undefined (reading 'checks')",
    );
    assert.equal(adminMessage('a string'), 'Unexpected error in Anchor: a string');
  });
});
