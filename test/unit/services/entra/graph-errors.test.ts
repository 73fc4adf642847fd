import assert from 'node:assert/strict';
import { graphAnswer } from '../../../../src/services/entra/graph-answer';
import { toDomainError } from '../../../../src/services/entra/graph-error-mapping';
import { GRAPH_PERMISSIONS } from '../../../../src/services/entra/graph-permissions';
import {
  GraphPermissionError,
  GraphRequestError,
  ImmutableIdConflictError,
  InvalidImmutableIdError,
  OnPremisesMasteredError,
  PremiumLicenseRequiredError,
  PrivilegedTargetError,
  UserNotFoundError,
} from '../../../../src/services/entra/graph-errors';

const HOLDER = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';

function body(code: string, message: string, details: unknown[] = []) {
  return JSON.stringify({
    error: {
      code,
      message,
      details,
      innerError: { 'request-id': 'req-1', 'client-request-id': 'client-1', date: '2026-11-25T10:00:00' },
    },
  });
}

describe('Graph error mapping', () => {
  it("keeps Graph's status, code, message, request id and date", () => {
    const answer = graphAnswer(
      400,
      body('Request_BadRequest', 'Invalid filter clause'),
      undefined,
      'GET /v1.0/users',
    );
    const error = toDomainError(answer);
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'Request_BadRequest');
    assert.equal(error.graphMessage, 'Invalid filter clause');
    assert.equal(error.requestId, 'req-1');
    assert.equal(error.clientRequestId, 'client-1');
    assert.equal(error.date, '2026-11-25T10:00:00');
    assert.equal(error.request, 'GET /v1.0/users');
    assert.match(error.message, /400 Request_BadRequest: Invalid filter clause \(request-id req-1/);
  });

  it('takes the request id from the headers when the body has none', () => {
    const answer = graphAnswer(502, 'Bad gateway', new Headers({ 'request-id': 'hdr-1' }));
    assert.equal(answer.requestId, 'hdr-1');
    assert.equal(answer.code, 'HTTP502');
    assert.equal(answer.message, 'Bad gateway');
  });

  it('names the conflicting object of an ObjectConflict from its User_<id> detail', () => {
    const answer = graphAnswer(
      400,
      body(
        'Request_BadRequest',
        'Another object with the same value for property onPremisesImmutableId already exists.',
        [
          {
            code: 'ObjectConflict',
            message: `ConflictingObjects: User_${HOLDER}`,
            target: 'onPremisesImmutableId',
          },
        ],
      ),
    );
    const error = toDomainError(answer, { user: 'x', writesImmutableId: true });
    assert.ok(error instanceof ImmutableIdConflictError);
    assert.equal(error.conflictingObjectId, HOLDER);
    assert.match(error.message, new RegExp(HOLDER));
  });

  it('tells synced users from users that came from an external service', () => {
    const synced = toDomainError(
      graphAnswer(
        400,
        body(
          'Request_BadRequest',
          'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
        ),
      ),
    );
    assert.ok(synced instanceof OnPremisesMasteredError);
    assert.equal(synced.origin, 'synced');
    const external = toDomainError(
      graphAnswer(
        400,
        body(
          'Request_BadRequest',
          'Unable to update the specified properties for objects that have originated within an external service.',
        ),
      ),
    );
    assert.ok(external instanceof OnPremisesMasteredError);
    assert.equal(external.origin, 'external-service');
  });

  it('maps 404 on a user, a refused ImmutableId value and 403', () => {
    const notFound = toDomainError(
      graphAnswer(404, body('Request_ResourceNotFound', "Resource 'x' does not exist")),
      {
        user: 'x@contoso.com',
      },
    );
    assert.ok(notFound instanceof UserNotFoundError);
    assert.equal(notFound.user, 'x@contoso.com');
    const invalid = toDomainError(
      graphAnswer(
        400,
        body(
          'Request_BadRequest',
          "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.",
        ),
      ),
      { writesImmutableId: true },
    );
    assert.ok(invalid instanceof InvalidImmutableIdError);
    const denied = toDomainError(
      graphAnswer(
        403,
        body('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      ),
    );
    assert.ok(denied instanceof GraphPermissionError);
    assert.match(denied.message, /Insufficient privileges/);
    assert.equal(denied.need, undefined);
  });

  it('names the application permission to grant when the refused request said what it needs', () => {
    const answer = graphAnswer(
      403,
      body('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
    );
    const org = toDomainError(answer, { need: GRAPH_PERMISSIONS.readOrganization });
    assert.ok(org instanceof GraphPermissionError);
    assert.equal(org.need, GRAPH_PERMISSIONS.readOrganization);
    assert.match(
      org.message,
      /^Anchor's identity may not read the organization: grant it the Organization\.Read\.All application permission \(admin consent\)\. Graph answered 403 Authorization_RequestDenied: Insufficient privileges/,
    );
    // A 403 on the ImmutableId write itself means a privileged target (the next test).
    const users = toDomainError(answer, { need: GRAPH_PERMISSIONS.readUsers });
    assert.match(users.message, /may not read users: grant it the User\.Read\.All application permission/);
  });

  it('maps a 403 on an ImmutableId write to "the target is privileged", not to a permission to grant', () => {
    const answer = graphAnswer(
      403,
      body('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
    );
    const write = toDomainError(answer, { user: 'x', writesImmutableId: true });
    assert.ok(write instanceof PrivilegedTargetError, String(write));
    assert.ok(!(write instanceof GraphPermissionError));
    assert.match(write.message, /the target is privileged/);
    assert.match(write.message, /Privileged Authentication Administrator or Global Administrator/);
    assert.doesNotMatch(write.message, /app registration is not allowed/);
    // A read refused with the same answer is still a permission to grant.
    assert.ok(toDomainError(answer, { user: 'x' }) instanceof GraphPermissionError);
  });

  it('maps AadPremiumLicenseRequired (no Entra ID P2) to its own error', () => {
    const error = toDomainError(
      graphAnswer(
        400,
        body(
          'AadPremiumLicenseRequired',
          'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
        ),
      ),
    );
    assert.ok(error instanceof PremiumLicenseRequiredError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.message, /no Microsoft Entra ID P2/);
  });
});
