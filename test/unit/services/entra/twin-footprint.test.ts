import assert from 'node:assert/strict';
import { graphAnswer } from '../../../../src/services/entra/graph-answer';
import { toDomainError } from '../../../../src/services/entra/graph-error-mapping';
import {
  GraphDeadlineError,
  GraphPermissionError,
  NonPremiumTenantError,
  NotInRecycleBinError,
} from '../../../../src/services/entra/graph-errors';
import { GRAPH_PERMISSIONS } from '../../../../src/services/entra/graph-permissions';
import {
  knowable,
  licenceSkus,
  mailboxFacts,
  toSignInActivity,
} from '../../../../src/services/entra/twin-footprint';

const ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e09';
const answer = (status: number, code: string, message: string) =>
  graphAnswer(status, JSON.stringify({ error: { code, message, innerError: { 'request-id': 'r' } } }));

describe('Twin footprint: reading what deleting a user would lose', () => {
  describe('mailboxFacts', () => {
    it('counts a mailbox only when Exchange Online reports its plan provisioned', () => {
      const facts = mailboxFacts({
        id: ID,
        mail: 'a@contoso.com',
        proxyAddresses: ['SMTP:a@contoso.com'],
        assignedPlans: [{ service: 'exchange', capabilityStatus: 'Enabled' }],
        provisionedPlans: [
          { service: 'SharePoint', provisioningStatus: 'Success', capabilityStatus: 'Enabled' },
          { service: 'exchange', provisioningStatus: 'Success', capabilityStatus: 'Enabled' },
        ],
      });
      assert.deepEqual(facts, {
        hasMailbox: true,
        exchangeProvisioning: 'Success',
        exchangeLicensed: true,
        mail: 'a@contoso.com',
        proxyAddresses: ['SMTP:a@contoso.com'],
      });
    });

    it('does not take mail and proxyAddresses alone for a mailbox (a synced user carries them from AD)', () => {
      const facts = mailboxFacts({ id: ID, mail: 'a@contoso.com', proxyAddresses: ['SMTP:a@contoso.com'] });
      assert.equal(facts.hasMailbox, false);
      assert.equal(facts.exchangeProvisioning, null);
      assert.deepEqual(facts.proxyAddresses, ['SMTP:a@contoso.com'], 'still shown to the admin');
    });

    it('reports a pending or deleted Exchange plan as no mailbox, with its state', () => {
      const pending = mailboxFacts({
        id: ID,
        provisionedPlans: [
          { service: 'exchange', provisioningStatus: 'PendingInput', capabilityStatus: 'Enabled' },
        ],
      });
      assert.deepEqual([pending.hasMailbox, pending.exchangeProvisioning], [false, 'PendingInput']);
      const deleted = mailboxFacts({
        id: ID,
        assignedPlans: [{ service: 'exchange', capabilityStatus: 'Deleted' }],
        provisionedPlans: [
          { service: 'exchange', provisioningStatus: 'Success', capabilityStatus: 'Deleted' },
        ],
      });
      assert.deepEqual([deleted.hasMailbox, deleted.exchangeLicensed], [false, false]);
    });

    it('reads missing collections as empty (Graph returns [] or omits them)', () => {
      assert.deepEqual(mailboxFacts({ id: ID, proxyAddresses: null, mail: null }), {
        hasMailbox: false,
        exchangeProvisioning: null,
        exchangeLicensed: false,
        mail: null,
        proxyAddresses: [],
      });
      assert.deepEqual(licenceSkus({ id: ID }), []);
      assert.deepEqual(licenceSkus({ id: ID, assignedLicenses: [{ skuId: 'x' }, { skuId: null }] }), ['x']);
    });
  });

  it('reads signInActivity, null when Graph has none', () => {
    assert.equal(toSignInActivity(null), null);
    assert.equal(toSignInActivity(undefined), null);
    assert.deepEqual(
      toSignInActivity({ lastSignInDateTime: '2026-12-01T07:30:00Z', lastSignInRequestId: 'r' }),
      {
        lastSignInDateTime: '2026-12-01T07:30:00Z',
        lastNonInteractiveSignInDateTime: null,
        lastSuccessfulSignInDateTime: null,
      },
    );
  });

  describe('knowable', () => {
    it('turns a directory error into "could not check" with its message, never into an empty value', async () => {
      const denied = new GraphPermissionError(
        answer(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
        GRAPH_PERMISSIONS.readAppRoleAssignments,
      );
      const k = await knowable('app role assignments', () => Promise.reject(denied));
      assert.equal(k.known, false);
      assert.match(k.known ? '' : k.reason, /^reading app role assignments failed: .*Directory\.Read\.All/);
      const late = await knowable('groups', () => Promise.reject(new GraphDeadlineError(1000, 2)));
      assert.equal(late.known, false);
    });

    it('rethrows what is not a directory error (a bug), and any failure once the operation was cancelled', async () => {
      await assert.rejects(
        knowable('groups', () => Promise.reject(new TypeError('bug'))),
        TypeError,
      );
      const controller = new AbortController();
      controller.abort();
      const denied = new GraphDeadlineError(1000, 1);
      await assert.rejects(
        knowable('groups', () => Promise.reject(denied), controller.signal),
        GraphDeadlineError,
      );
    });
  });

  describe('error mapping', () => {
    it('maps Graph’s non-premium 403 to NonPremiumTenantError, not to a permission to grant', () => {
      const err = toDomainError(
        answer(
          403,
          'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
          "Neither tenant is B2C or tenant doesn't have premium license",
        ),
        { user: ID, need: GRAPH_PERMISSIONS.readSignInActivity },
      );
      assert.ok(err instanceof NonPremiumTenantError);
      assert.doesNotMatch(err.message, /grant it/);
    });

    it('maps a 404 on a recycle-bin item to NotInRecycleBinError, and a 403 there names User.DeleteRestore.All', () => {
      const missing = toDomainError(
        answer(404, 'Request_ResourceNotFound', `Resource '${ID}' does not exist …`),
        { deletedItem: ID, need: GRAPH_PERMISSIONS.deleteRestoreUsers },
      );
      assert.ok(missing instanceof NotInRecycleBinError);
      assert.equal(missing.objectId, ID);
      const denied = toDomainError(
        answer(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
        { deletedItem: ID, need: GRAPH_PERMISSIONS.deleteRestoreUsers },
      );
      assert.ok(denied instanceof GraphPermissionError);
      assert.match(denied.message, /grant it the User\.DeleteRestore\.All application permission/);
    });
  });
});
