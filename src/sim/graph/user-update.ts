import { GraphSimError, resourceNotFound } from './graph-errors';
import type { UserRecord } from './model';
import { SENSITIVE_PROPERTIES, maySetSensitiveProperties } from './sensitive-actions';
import type { SimRequest } from './sim-request';
import type { TenantState } from './tenant-state';

/** Properties a PATCH may set, per version. beta adds onPremisesObjectIdentifier. */
const WRITABLE = [
  'onPremisesImmutableId',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'accountEnabled',
];
const WRITABLE_BETA = [...WRITABLE, 'onPremisesObjectIdentifier'];

/** Properties Entra Connect owns on a synced user. */
const ON_PREMISES_MASTERED = new Set(WRITABLE.concat('onPremisesObjectIdentifier'));

const badRequest = (message: string) => new GraphSimError(400, 'Request_BadRequest', message);

/** Graph's texts, as reported from the field (domain.md) and in microsoft-graph-docs-contrib#3564. */
const MASTERED =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
const EXTERNAL =
  'Unable to update the specified properties for objects that have originated within an external service.';

/**
 * Applies `PATCH /users/{id}` as Graph does, checking every rule before changing anything so a
 * refused update leaves the user untouched.
 */
export function updateUser(state: TenantState, req: SimRequest, idOrUpn: string): void {
  const user = state.findUser(idOrUpn);
  if (!user) throw resourceNotFound(idOrUpn);
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GraphSimError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  const changes = body as Record<string, unknown>;
  const writable = req.version === 'beta' ? WRITABLE_BETA : WRITABLE;
  for (const key of Object.keys(changes)) {
    if (!writable.includes(key)) {
      // Directory wording for a property the type does not declare (plausible for read-only ones).
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
  }

  const sensitive = Object.keys(changes).some((k) => (SENSITIVE_PROPERTIES as readonly string[]).includes(k));
  const callerRoles = state.clients.find((c) => c.clientId === req.app?.clientId)?.roles ?? [];
  if (sensitive && !maySetSensitiveProperties(state, callerRoles, user.id)) {
    // Graph answers a sensitive action on a user above the caller's reach with the same 403 as a
    // missing permission (the caller's roles, not its permissions, are what is lacking).
    throw new GraphSimError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  }
  if (user.onPremisesSyncEnabled === true && Object.keys(changes).some((k) => ON_PREMISES_MASTERED.has(k))) {
    throw badRequest(MASTERED);
  }
  if ('onPremisesImmutableId' in changes) checkImmutableId(state, user, changes.onPremisesImmutableId);
  if ('userPrincipalName' in changes) checkUpn(state, user, changes.userPrincipalName);
  for (const key of ['displayName', 'givenName', 'surname'] as const) {
    if (
      key in changes &&
      typeof changes[key] !== 'string' &&
      !(key !== 'displayName' && changes[key] === null)
    ) {
      throw invalidValue(key);
    }
  }
  if ('accountEnabled' in changes && typeof changes.accountEnabled !== 'boolean')
    throw invalidValue('accountEnabled');
  if ('onPremisesObjectIdentifier' in changes) {
    const v = changes.onPremisesObjectIdentifier;
    if (v !== null && typeof v !== 'string') throw invalidValue('onPremisesObjectIdentifier');
  }
  Object.assign(user, changes);
}

function invalidValue(property: string): GraphSimError {
  return badRequest(`Invalid value specified for property '${property}' of resource 'User'.`);
}

function checkImmutableId(state: TenantState, user: UserRecord, value: unknown): void {
  if (user.onPremisesSyncEnabled === false) throw badRequest(EXTERNAL);
  if (state.domainOf(user.userPrincipalName)?.authenticationType === 'Federated') {
    // Any change is refused in a federated domain, clearing included, so a value set there could
    // not be taken back. UNCONFIRMED text: the field reports that updates fail for users in a
    // federated domain and that moving the UPN to *.onmicrosoft.com first works.
    throw badRequest(
      "Unable to update the property 'onPremisesImmutableId' for a user in a federated domain. Change the user's domain to a managed domain first.",
    );
  }
  if (value === null) return;
  // An empty string does not clear the value (domain.md); the simulator refuses it so a client
  // that means "clear" has to send null. Graph refuses `$` and `_` in the value.
  if (typeof value !== 'string' || value === '' || /[$_]/.test(value))
    throw invalidValue('onPremisesImmutableId');
  const holder = state.immutableIdHolder(value, user.id);
  if (holder) throw conflict('onPremisesImmutableId', holder.id);
}

function checkUpn(state: TenantState, user: UserRecord, value: unknown): void {
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(value)) throw invalidValue('userPrincipalName');
  const domain = state.domainOf(value);
  if (!domain?.isVerified) {
    throw badRequest(
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
    );
  }
  const holder = state.findUser(value);
  if (holder && holder.id !== user.id) throw conflict('userPrincipalName', holder.id);
}

/**
 * Graph's uniqueness error: Request_BadRequest with two details, ObjectConflict naming the
 * property and ConflictingObjects naming `User_<id>` (shape as in the ADSyncTools docs, code as
 * in microsoft-graph-docs#1508).
 */
export function conflict(property: string, otherId: string): GraphSimError {
  const message = `Another object with the same value for property ${property} already exists.`;
  return new GraphSimError(400, 'Request_BadRequest', message, {}, [
    { code: 'ObjectConflict', message, target: property },
    { code: 'ConflictingObjects', message, target: `User_${otherId}` },
  ]);
}
