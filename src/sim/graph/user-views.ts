import { USER_PROPERTIES } from './odata/filter-rules';
import type { SelectRules } from './odata/odata-select';
import type { GraphVersion } from './sim-request';

/** The properties Graph v1.0 returns for a user when `$select` is absent. */
export const DEFAULT_USER_PROPERTIES = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'jobTitle',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
] as const;

/**
 * `$select` rules per version. v1.0 does not know onPremisesObjectIdentifier (the published
 * metadata lacks it), so selecting it answers 400 there; beta knows it.
 */
export function userSelectRules(version: GraphVersion | null): SelectRules {
  if (version === 'beta') {
    return {
      type: 'user',
      known: [...USER_PROPERTIES, 'onPremisesObjectIdentifier'],
      // Beta returns a much larger default set than v1.0; the stored properties stand in for it,
      // except signInActivity, which Graph returns only on $select (and only to some callers).
      defaults: [...USER_PROPERTIES.filter((p) => p !== 'signInActivity'), 'onPremisesObjectIdentifier'],
    };
  }
  return { type: 'user', known: USER_PROPERTIES, defaults: DEFAULT_USER_PROPERTIES };
}

/** Beta returns onPremisesObjectIdentifier in its default set only when it is set. */
export function trimUnsetBetaProperties(
  body: Record<string, unknown>,
  version: GraphVersion | null,
  select: string | null,
): Record<string, unknown> {
  if (version === 'beta' && select === null && body.onPremisesObjectIdentifier === null) {
    delete body.onPremisesObjectIdentifier;
  }
  return body;
}

/**
 * Whether the request's `$select` names signInActivity: Graph then needs AuditLog.Read.All and a
 * tenant with Entra ID P1 or P2 (see `requireSignInActivityAccess`).
 */
export function selectsSignInActivity(select: string | null): boolean {
  return (select ?? '').split(',').some((name) => name.trim().toLowerCase() === 'signinactivity');
}
