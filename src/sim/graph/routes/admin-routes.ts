import { randomUUID } from 'node:crypto';
import { GraphSimError, resourceNotFound } from '../graph-errors';
import type { SimAdUser, SimCloudUser, SimGroup, SimSyncFeatures, SyncReport } from '../model';
import type { FaultInjector, FaultRule } from '../faults';
import type { Router } from './router';
import { noContent, ok } from '../sim-request';
import type { SimRequest } from '../sim-request';
import type { TenantState } from '../tenant-state';
import type { Throttle, ThrottleOptions } from '../throttle';
import type { TokenIssuer } from '../token-issuer';

/** One request the simulator answered, for tests that count a client's retries. */
export interface RequestLogEntry {
  method: string;
  /** Path with version and query, e.g. `/v1.0/users?$top=5`. */
  url: string;
  status: number;
  clientId: string | null;
  inBatch: boolean;
  at: string;
}

/** What the admin API works on. */
export interface AdminContext {
  state: TenantState;
  faults: FaultInjector;
  throttle: Throttle;
  tokens: TokenIssuer;
  requests: RequestLogEntry[];
  runSyncCycle(adUsers: SimAdUser[]): SyncReport;
}

const created = (body: unknown) => ({ status: 201, body });

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function objectBody(req: SimRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null) {
    throw new GraphSimError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  return req.body as Record<string, unknown>;
}

/** A user from a test's partial description, with the defaults of a cloud-only member. */
function newUser(body: Record<string, unknown>): SimCloudUser {
  const upn = String(body.userPrincipalName ?? '');
  if (!upn.includes('@')) throw new GraphSimError(400, 'BadRequest', 'userPrincipalName is required.');
  return {
    id: randomUUID(),
    displayName: upn.split('@')[0],
    proxyAddresses: [],
    accountEnabled: true,
    userType: 'Member',
    createdDateTime: new Date().toISOString(),
    onPremisesImmutableId: null,
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    ...body,
    userPrincipalName: upn,
  } as SimCloudUser;
}

/**
 * The simulator's own API under `/_sim` (loopback only, no token): read and seed the tenant,
 * run a sync cycle (the stand-in ADSync host calls this), set throttling and faults, read the
 * request log. Paths (all JSON):
 * - `GET /_sim/users`, `GET /_sim/users/{id}`, `POST /_sim/users`, `DELETE /_sim/users/{id}` (soft delete);
 *   a posted user may carry assignedLicenses, assignedPlans, provisionedPlans, signInActivity and
 *   appRoleAssignments (see SimCloudUser)
 * - `GET /_sim/deleted-users`, `POST /_sim/deleted-users`
 * - `POST /_sim/role-assignments` `{principalId, roleDefinitionId, eligible?}`
 * - `GET|PATCH /_sim/sync-features` `{...features, readableByApps?}`
 * - `PATCH /_sim/apps/{clientId}` `{permissions?: string[] | null, roles?: string[]}` (permissions
 *   null: every permission; roles: directory roles of the app's service principal; registers the app)
 * - `GET|POST /_sim/groups` `{displayName, isAssignableToRole?, members?, owners?}` (give it roles
 *   with `POST /_sim/role-assignments` naming the group as principal)
 * - `GET|PATCH /_sim/settings` `{entraIdP2?: boolean, entraIdP1?: boolean, advancedQueryLagMs?: number}`
 *   (neither P1 nor P2: `$select=signInActivity` answers 403 as in a tenant without premium)
 * - `GET|PATCH /_sim/query-support` `{deletedUsersFilterByImmutableId?: boolean}` (false: deletedItems
 *   refuses `$filter` on onPremisesImmutableId)
 * - `POST /_sim/sync-cycle` `{users: SimAdUser[]}` → SyncReport; `GET /_sim/sync-errors`
 * - `GET /_sim/organization`; `PATCH /_sim/organization` `{onPremisesLastSyncDateTime?,
 *   onPremisesLastPasswordSyncDateTime?, freeze?: {directorySync?, passwordSync?}}`: a frozen time
 *   is kept by the sync engine and by heartbeats; a PATCH with `freeze` sets the times regardless
 * - `PUT /_sim/throttle` ThrottleOptions; `POST /_sim/faults` FaultRule (`path` a string; `inBatch`
 *   true throttles steps of a `$batch` only);
 *   `DELETE /_sim/faults`; `GET|DELETE /_sim/requests`; `POST /_sim/tokens/expire`
 */
export function registerAdminRoutes(router: Router, ctx: AdminContext): void {
  const { state } = ctx;
  router.add('GET', /^\/_sim\/users$/, () => ok({ value: [...state.users.values()] }));
  router.add('GET', /^\/_sim\/users\/([^/]+)$/, (_req, m) => {
    const user = state.findUser(decodeURIComponent(m[1]));
    if (!user) throw resourceNotFound(m[1]);
    return ok(user);
  });
  router.add('POST', /^\/_sim\/users$/, (req) => created(state.addUser(newUser(objectBody(req)))));
  router.add('DELETE', /^\/_sim\/users\/([^/]+)$/, (_req, m) => {
    if (!state.softDelete(m[1])) throw resourceNotFound(m[1]);
    return noContent();
  });
  router.add('GET', /^\/_sim\/deleted-users$/, () => ok({ value: [...state.deletedUsers.values()] }));
  router.add('POST', /^\/_sim\/deleted-users$/, (req) =>
    created(state.addDeletedUser(newUser(objectBody(req)))),
  );
  router.add('POST', /^\/_sim\/role-assignments$/, (req) => {
    const body = objectBody(req);
    const assignment = {
      id: randomUUID(),
      principalId: String(body.principalId),
      roleDefinitionId: String(body.roleDefinitionId),
    };
    (body.eligible === true ? state.roleEligibilities : state.roleAssignments).push(assignment);
    return created(assignment);
  });
  router.add('PATCH', /^\/_sim\/apps\/([^/]+)$/, (req, m) => {
    const clientId = decodeURIComponent(m[1]);
    let app = state.clients.find((c) => c.clientId === clientId);
    if (!app) state.clients.push((app = { clientId }));
    const { permissions, roles } = objectBody(req);
    if (
      permissions !== undefined &&
      permissions !== null &&
      !(Array.isArray(permissions) && permissions.every((p) => typeof p === 'string'))
    ) {
      throw new GraphSimError(400, 'BadRequest', 'permissions must be a list of permission names, or null.');
    }
    if (roles !== undefined && !isStringList(roles)) {
      throw new GraphSimError(400, 'BadRequest', 'roles must be a list of role definition ids.');
    }
    if (permissions !== undefined)
      app.permissions = permissions === null ? undefined : (permissions as string[]);
    if (roles !== undefined) app.roles = roles;
    return noContent();
  });
  router.add('GET', /^\/_sim\/groups$/, () => ok({ value: state.groups }));
  router.add('POST', /^\/_sim\/groups$/, (req) => {
    const body = objectBody(req);
    const members = body.members ?? [];
    const owners = body.owners ?? [];
    if (typeof body.displayName !== 'string' || !isStringList(members) || !isStringList(owners)) {
      throw new GraphSimError(
        400,
        'BadRequest',
        'Expected {displayName, isAssignableToRole?, members?, owners?}.',
      );
    }
    const group: Required<SimGroup> = {
      id: typeof body.id === 'string' ? body.id : randomUUID(),
      displayName: body.displayName,
      isAssignableToRole: body.isAssignableToRole === true,
      members,
      owners,
    };
    state.groups.push(group);
    return created(group);
  });
  router.add('GET', /^\/_sim\/settings$/, () =>
    ok({
      entraIdP2: state.entraIdP2,
      entraIdP1: state.entraIdP1,
      advancedQueryLagMs: state.advancedIndex.lag,
    }),
  );
  router.add('PATCH', /^\/_sim\/settings$/, (req) => {
    const { entraIdP2, entraIdP1, advancedQueryLagMs } = objectBody(req);
    if (entraIdP2 !== undefined && typeof entraIdP2 !== 'boolean') {
      throw new GraphSimError(400, 'BadRequest', 'entraIdP2 must be true or false.');
    }
    if (entraIdP1 !== undefined && typeof entraIdP1 !== 'boolean') {
      throw new GraphSimError(400, 'BadRequest', 'entraIdP1 must be true or false.');
    }
    const lag = advancedQueryLagMs;
    if (
      lag !== undefined &&
      !(typeof lag === 'number' && Number.isInteger(lag) && lag >= 0 && lag <= 600_000)
    ) {
      throw new GraphSimError(
        400,
        'BadRequest',
        'advancedQueryLagMs must be a whole number of ms, 0 to 600000.',
      );
    }
    if (typeof entraIdP2 === 'boolean') state.entraIdP2 = entraIdP2;
    if (typeof entraIdP1 === 'boolean') state.entraIdP1 = entraIdP1;
    if (typeof lag === 'number') state.advancedIndex.setLag(lag);
    return noContent();
  });
  router.add('GET', /^\/_sim\/query-support$/, () =>
    ok({ deletedUsersFilterByImmutableId: state.deletedUsersFilterByImmutableId }),
  );
  router.add('PATCH', /^\/_sim\/query-support$/, (req) => {
    const { deletedUsersFilterByImmutableId } = objectBody(req);
    if (typeof deletedUsersFilterByImmutableId !== 'boolean') {
      throw new GraphSimError(400, 'BadRequest', 'deletedUsersFilterByImmutableId must be true or false.');
    }
    state.deletedUsersFilterByImmutableId = deletedUsersFilterByImmutableId;
    return noContent();
  });
  router.add('GET', /^\/_sim\/sync-features$/, () =>
    ok({ ...state.syncFeatures, readableByApps: state.onPremisesSyncReadableByApps }),
  );
  router.add('PATCH', /^\/_sim\/sync-features$/, (req) => {
    const { readableByApps, ...features } = objectBody(req);
    Object.assign(state.syncFeatures, features as Partial<SimSyncFeatures>);
    if (typeof readableByApps === 'boolean') state.onPremisesSyncReadableByApps = readableByApps;
    return noContent();
  });
  router.add('POST', /^\/_sim\/sync-cycle$/, (req) => {
    const body = req.body as { users?: unknown } | unknown[];
    const users = Array.isArray(body) ? body : body?.users;
    if (!Array.isArray(users)) throw new GraphSimError(400, 'BadRequest', 'Expected {"users": [...]}.');
    return ok(ctx.runSyncCycle(users as SimAdUser[]));
  });
  router.add('GET', /^\/_sim\/sync-errors$/, () => ok({ value: state.syncErrors }));
  router.add('GET', /^\/_sim\/organization$/, () =>
    ok({ ...state.organization, frozen: state.frozenSyncTimes }),
  );
  router.add('PATCH', /^\/_sim\/organization$/, (req) => {
    patchSyncTimes(state, objectBody(req));
    return ok({ ...state.organization, frozen: state.frozenSyncTimes });
  });
  router.add('PUT', /^\/_sim\/throttle$/, (req) => {
    ctx.throttle.configure(objectBody(req) as ThrottleOptions);
    return noContent();
  });
  router.add('POST', /^\/_sim\/faults$/, (req) => {
    ctx.faults.inject(objectBody(req) as unknown as FaultRule);
    return noContent();
  });
  router.add('DELETE', /^\/_sim\/faults$/, () => {
    ctx.faults.clear();
    return noContent();
  });
  router.add('GET', /^\/_sim\/requests$/, () => ok({ value: ctx.requests }));
  router.add('DELETE', /^\/_sim\/requests$/, () => {
    ctx.requests.length = 0;
    return noContent();
  });
  router.add('POST', /^\/_sim\/tokens\/expire$/, () => {
    ctx.tokens.expireAll();
    return noContent();
  });
}

const SYNC_TIMES = {
  onPremisesLastSyncDateTime: 'directorySync',
  onPremisesLastPasswordSyncDateTime: 'passwordSync',
} as const;

/**
 * Sets the organization's last sync times and what is frozen. A time is taken only while it is
 * not frozen, unless the same body sets `freeze` (a test freezing a time it sets).
 */
function patchSyncTimes(state: TenantState, body: Record<string, unknown>): void {
  const freeze = body.freeze as Record<string, unknown> | undefined;
  if (freeze !== undefined && (typeof freeze !== 'object' || freeze === null || Array.isArray(freeze)))
    throw new GraphSimError(
      400,
      'BadRequest',
      'freeze must be {"directorySync"?: boolean, "passwordSync"?: boolean}.',
    );
  for (const property of Object.keys(SYNC_TIMES) as (keyof typeof SYNC_TIMES)[]) {
    const key = SYNC_TIMES[property];
    const value = body[property];
    if (value === undefined) continue;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw new GraphSimError(400, 'BadRequest', `${property} must be an ISO 8601 time.`);
    if (freeze || !state.frozenSyncTimes[key]) state.organization[property] = new Date(value).toISOString();
  }
  for (const key of ['directorySync', 'passwordSync'] as const) {
    const value = freeze?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean')
      throw new GraphSimError(400, 'BadRequest', `freeze.${key} must be a boolean.`);
    state.frozenSyncTimes[key] = value;
  }
}
