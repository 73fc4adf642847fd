import { AdminFacingError } from '../../shared/admin-facing-error';
import { plural } from '../../shared/plural';
import type { PermissionNeed } from './graph-permissions';
import { grantWords } from './graph-permissions';
/**
 * Errors of the cloud directory. Every one says what happened in words the chat can show; those
 * that come from a Graph answer keep Graph's status, code, message and request id, so an admin
 * can quote them to Microsoft support.
 */
export class CloudDirectoryError extends AdminFacingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudDirectoryError';
  }
}

/** One entry of Graph's `error.details` (ObjectConflict names the other object here). */
export interface GraphErrorDetail {
  code?: string;
  message?: string;
  target?: string;
}

/** What Graph answered, as it said it. */
export interface GraphAnswer {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  /** Graph's own timestamp of the failure (innerError.date), ISO 8601. */
  date?: string;
  details: GraphErrorDetail[];
  /** `GET /v1.0/users/…`, for the logs; never carries a token. */
  request?: string;
}

/** Graph refused a request. The base of the more specific errors below. */
export class GraphRequestError extends CloudDirectoryError {
  readonly status: number;
  readonly code: string;
  /** Graph's message, unchanged. */
  readonly graphMessage: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly date?: string;
  readonly details: GraphErrorDetail[];
  readonly request?: string;

  constructor(answer: GraphAnswer, summary?: string) {
    super(
      `${summary ? `${summary} ` : ''}Graph answered ${answer.status} ${answer.code}: ${answer.message}${trace(answer)}`,
    );
    this.name = 'GraphRequestError';
    this.status = answer.status;
    this.code = answer.code;
    this.graphMessage = answer.message;
    this.requestId = answer.requestId;
    this.clientRequestId = answer.clientRequestId;
    this.date = answer.date;
    this.details = answer.details;
    this.request = answer.request;
  }
}

/** No user (or object) with that id or UPN. */
export class UserNotFoundError extends GraphRequestError {
  constructor(
    readonly user: string,
    answer: GraphAnswer,
  ) {
    super(answer, `No cloud user '${user}'.`);
    this.name = 'UserNotFoundError';
  }
}

/** Another object, possibly in the recycle bin, already holds that onPremisesImmutableId. */
export class ImmutableIdConflictError extends GraphRequestError {
  /** Object id of the holder, from Graph's `User_<id>` detail, when Graph named it. */
  readonly conflictingObjectId?: string;

  constructor(answer: GraphAnswer) {
    const id = conflictingObjectId(answer);
    super(
      answer,
      id
        ? `Object ${id} already holds this ImmutableId (check /directory/deletedItems too).`
        : 'Another object already holds this ImmutableId.',
    );
    this.name = 'ImmutableIdConflictError';
    this.conflictingObjectId = id;
  }
}

/**
 * The user is mastered elsewhere: `synced` by Entra Connect, or `external-service` when it was
 * converted to cloud after sync was turned off (unsupported for a hard match).
 */
export class OnPremisesMasteredError extends GraphRequestError {
  constructor(
    readonly origin: 'synced' | 'external-service',
    answer: GraphAnswer,
  ) {
    super(
      answer,
      origin === 'synced'
        ? 'The user is already synchronised from on-prem AD; change it there.'
        : 'The user came from an external service; Graph does not let its on-prem attributes be set.',
    );
    this.name = 'OnPremisesMasteredError';
  }
}

/** Graph refused the ImmutableId value itself (for example a `$` or `_` in it). */
export class InvalidImmutableIdError extends GraphRequestError {
  constructor(answer: GraphAnswer) {
    super(answer, 'Graph refused the ImmutableId value.');
    this.name = 'InvalidImmutableIdError';
  }
}

/**
 * The tenant has no Entra ID P2 (or ID Governance), so it has no Privileged Identity Management:
 * Graph answers 400 AadPremiumLicenseRequired to PIM reads such as roleEligibilitySchedules.
 */
export class PremiumLicenseRequiredError extends GraphRequestError {
  constructor(answer: GraphAnswer) {
    super(answer, 'The tenant has no Microsoft Entra ID P2 licence, so it has no PIM (eligible roles).');
    this.name = 'PremiumLicenseRequiredError';
  }
}

/**
 * The tenant has neither Microsoft Entra ID P1 nor P2: Graph answers 403
 * Authentication_RequestFromNonPremiumTenantOrB2CTenant ("Neither tenant is B2C or tenant doesn't
 * have premium license") to a read of sign-in activity. A fact about the tenant, not a permission
 * to grant.
 */
export class NonPremiumTenantError extends GraphRequestError {
  constructor(answer: GraphAnswer) {
    super(
      answer,
      'The tenant has no Microsoft Entra ID P1 or P2 licence, so Graph does not show sign-in activity.',
    );
    this.name = 'NonPremiumTenantError';
  }
}

/**
 * No such object in the recycle bin (404 from `/directory/deletedItems/{id}`): it was permanently
 * deleted already, restored, or never deleted.
 */
export class NotInRecycleBinError extends GraphRequestError {
  constructor(
    readonly objectId: string,
    answer: GraphAnswer,
  ) {
    super(
      answer,
      `No deleted object '${objectId}' in the recycle bin (deleted items): it was already permanently ` +
        'deleted, restored, or never deleted. Nothing was deleted.',
    );
    this.name = 'NotInRecycleBinError';
  }
}

/**
 * Graph refused to change the user's onPremisesImmutableId (403). Changing it is a sensitive
 * action: for a user with most admin roles, any custom role, or membership or ownership of a
 * role-assignable group only a Privileged Authentication Administrator or Global Administrator
 * may do it, so Graph treats the target as privileged. (A missing User.ReadUpdate.All answers the
 * same 403; the advice names it second.)
 */
export class PrivilegedTargetError extends GraphRequestError {
  constructor(answer: GraphAnswer) {
    super(
      answer,
      'Graph refused to change onPremisesImmutableId of this user: the target is privileged (an admin ' +
        'role, a custom role, or a member or owner of a role-assignable group), and only a Privileged ' +
        'Authentication Administrator or Global Administrator may change it; or, if it is none of ' +
        "these, Anchor's identity lacks User.ReadUpdate.All (Graph answers both with the same 403).",
    );
    this.name = 'PrivilegedTargetError';
  }
}

/**
 * The app lacks a permission or role for this request (403). When the request said what it needs,
 * the message names the application permission to grant.
 */
export class GraphPermissionError extends GraphRequestError {
  constructor(
    answer: GraphAnswer,
    /** The permission the refused request needs, when the request named it. */
    readonly need?: PermissionNeed,
  ) {
    super(answer, permissionSummary(need));
    this.name = 'GraphPermissionError';
  }
}

function permissionSummary(need: PermissionNeed | undefined): string {
  if (!need) return "Anchor's identity is not allowed to do this.";
  const note = need.note ? `; ${need.note}` : '';
  return (
    `Anchor's identity may not ${need.action}: grant it the ${grantWords(need)} ` +
    `application permission (admin consent)${note}.`
  );
}

/** Graph kept throttling (429/503/504) past the retries or the deadline. */
export class GraphThrottledError extends GraphRequestError {
  constructor(
    answer: GraphAnswer,
    /** How long Graph last asked to wait, in milliseconds, when it said. */
    readonly retryAfterMs: number | undefined,
    readonly attempts: number,
  ) {
    super(
      answer,
      `Graph is busy: gave up after ${plural(attempts, 'attempt')}${
        retryAfterMs !== undefined ? `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s` : ''
      }.`,
    );
    this.name = 'GraphThrottledError';
  }
}

/** The operation ran out of time; nothing more was sent after the deadline. */
export class GraphDeadlineError extends CloudDirectoryError {
  constructor(
    readonly timeoutMs: number,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`Microsoft Graph did not answer within ${timeoutMs} ms (${plural(attempts, 'attempt')}).`, options);
    this.name = 'GraphDeadlineError';
  }
}

/** No token: the credential was refused or the authority could not be reached. */
export class GraphAuthenticationError extends CloudDirectoryError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`Anchor could not get a token for Microsoft Graph: ${detail}`, options);
    this.name = 'GraphAuthenticationError';
  }
}

/** Graph could not be reached at all (DNS, connection refused, TLS). */
export class GraphUnreachableError extends CloudDirectoryError {
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(`Microsoft Graph at ${url} could not be reached: ${detail}`, options);
    this.name = 'GraphUnreachableError';
  }
}

/** The object id Graph names in an ObjectConflict detail (`User_<guid>`), if any. */
export function conflictingObjectId(answer: Pick<GraphAnswer, 'message' | 'details'>): string | undefined {
  const texts = [answer.message, ...answer.details.flatMap((d) => [d.message, d.target, d.code])];
  for (const text of texts) {
    const match = /\b[A-Za-z]+_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(
      text ?? '',
    );
    if (match) return match[1].toLowerCase();
  }
  return undefined;
}

function trace(answer: GraphAnswer): string {
  const parts = [
    answer.requestId && `request-id ${answer.requestId}`,
    answer.date && `date ${answer.date}`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
