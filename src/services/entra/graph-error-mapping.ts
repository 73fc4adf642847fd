import {
  GraphPermissionError,
  GraphRequestError,
  ImmutableIdConflictError,
  InvalidImmutableIdError,
  NonPremiumTenantError,
  NotInRecycleBinError,
  OnPremisesMasteredError,
  PremiumLicenseRequiredError,
  PrivilegedTargetError,
  UserNotFoundError,
} from './graph-errors';
import type { GraphAnswer } from './graph-errors';
import type { PermissionNeed } from './graph-permissions';

/** What the request was about, so a 404 or 400 can be named precisely. */
export interface ErrorContext {
  /** The user id or UPN the request addressed, when it addressed one. */
  user?: string;
  /** True when the request wrote onPremisesImmutableId. */
  writesImmutableId?: boolean;
  /** The application permission the request needs, so a 403 can name it. */
  need?: PermissionNeed;
  /** The recycle-bin object the request addressed, so a 404 says it is not in the recycle bin. */
  deletedItem?: string;
}

/**
 * Turns a Graph error answer into the most specific domain error. The texts matched are the ones
 * Graph sends, which the Graph simulator (src/sim/graph) reproduces; anything unrecognised stays a
 * GraphRequestError with Graph's own words.
 */
export function toDomainError(answer: GraphAnswer, context: ErrorContext = {}): GraphRequestError {
  const text = `${answer.message} ${answer.details.map((d) => d.message ?? '').join(' ')}`;
  if (answer.status === 404 && context.deletedItem && /NotFound/i.test(answer.code)) {
    return new NotInRecycleBinError(context.deletedItem, answer);
  }
  if (answer.status === 404 && context.user && /NotFound/i.test(answer.code)) {
    return new UserNotFoundError(context.user, answer);
  }
  if (answer.code === 'ObjectConflict' || /another object with the same value/i.test(text)) {
    return new ImmutableIdConflictError(answer);
  }
  if (/on-premises mastered|currently undergoing migration/i.test(text)) {
    return new OnPremisesMasteredError('synced', answer);
  }
  if (/originated within an external service/i.test(text)) {
    return new OnPremisesMasteredError('external-service', answer);
  }
  if (answer.status === 400 && context.writesImmutableId && /onPremisesImmutableId/i.test(text)) {
    return new InvalidImmutableIdError(answer);
  }
  if (answer.code === 'AadPremiumLicenseRequired') return new PremiumLicenseRequiredError(answer);
  // A 403 that no permission fixes: the tenant lacks Entra ID P1/P2 (sign-in activity).
  if (answer.code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    return new NonPremiumTenantError(answer);
  }
  // Writing onPremisesImmutableId is a sensitive action: a 403 there means the target is beyond
  // the app's roles (an admin, or in a role-assignable group), not a read permission to grant.
  if (answer.status === 403 && context.writesImmutableId) return new PrivilegedTargetError(answer);
  if (answer.status === 403) return new GraphPermissionError(answer, context.need);
  return new GraphRequestError(answer);
}
