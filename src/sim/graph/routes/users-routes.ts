import {
  READ_PERMISSIONS,
  WRITE_PERMISSIONS,
  requirePermission,
  requireSignInActivityAccess,
} from '../app-permissions';
import { GraphSimError, resourceNotFound } from '../graph-errors';
import { isAdvancedQuery, queryCollection } from '../odata/collection-query';
import { USER_FILTER_RULES } from '../odata/filter-rules';
import { selectProperties } from '../odata/odata-select';
import { USER_SEARCH_PROPERTIES } from '../odata/odata-search';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { noContent, ok } from '../sim-request';
import type { SimRequest } from '../sim-request';
import { updateUser } from '../user-update';
import { selectsSignInActivity, trimUnsetBetaProperties, userSelectRules } from '../user-views';

/**
 * `GET /users`, `GET /users/{id|upn}`, `PATCH /users/{id|upn}`, each refused (403) to an app
 * without the permission Graph's tables list for it.
 */
export function registerUserRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', /^\/users$/, (req) => {
    requirePermission(ctx.state, req, READ_PERMISSIONS.users);
    if (selectsSignInActivity(req.query.get('$select'))) requireSignInActivityAccess(ctx.state, req);
    return ok(
      queryCollection(
        req,
        isAdvancedQuery(req) ? ctx.state.advancedIndex.users() : ctx.state.users.values(),
        {
          filter: USER_FILTER_RULES,
          select: userSelectRules(req.version),
          searchable: USER_SEARCH_PROPERTIES,
          orderable: ['displayName', 'userPrincipalName'],
          context: `${ctx.baseUrl()}/${req.version}/$metadata#users`,
          selfUrl: `${ctx.baseUrl()}/${req.version}/users`,
        },
      ),
    );
  });
  router.add('GET', /^\/users\/([^/]+)$/, (req, m) => ok(getUser(ctx, req, decodeURIComponent(m[1]))));
  router.add('PATCH', /^\/users\/([^/]+)$/, (req, m) => {
    const id = decodeURIComponent(m[1]);
    if (id === 'me') throw meNeedsDelegated();
    requirePermission(ctx.state, req, WRITE_PERMISSIONS.users);
    updateUser(ctx.state, req, id);
    return noContent();
  });
}

function getUser(ctx: RouteContext, req: SimRequest, idOrUpn: string): Record<string, unknown> {
  if (idOrUpn === 'me') throw meNeedsDelegated();
  requirePermission(ctx.state, req, READ_PERMISSIONS.users);
  if (selectsSignInActivity(req.query.get('$select'))) requireSignInActivityAccess(ctx.state, req);
  const user = ctx.state.findUser(idOrUpn);
  if (!user) throw resourceNotFound(idOrUpn);
  const select = req.query.get('$select');
  const body = selectProperties(user, select, userSelectRules(req.version));
  return trimUnsetBetaProperties(
    { '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#users/$entity`, ...body },
    req.version,
    select,
  );
}

/** App-only tokens have no signed-in user (Graph's message). */
function meNeedsDelegated(): GraphSimError {
  return new GraphSimError(
    400,
    'BadRequest',
    '/me request is only valid with delegated authentication flow.',
  );
}
