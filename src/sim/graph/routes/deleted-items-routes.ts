import { READ_PERMISSIONS, WRITE_PERMISSIONS, requirePermission } from '../app-permissions';
import { resourceNotFound } from '../graph-errors';
import { isAdvancedQuery, queryCollection } from '../odata/collection-query';
import { USER_FILTER_RULES } from '../odata/filter-rules';
import type { FilterRules } from '../odata/filter-rules';
import { selectProperties } from '../odata/odata-select';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { noContent, ok } from '../sim-request';
import { userSelectRules } from '../user-views';

/**
 * The recycle bin: list deleted users (same query options as /users), get one, hard-delete one
 * (`DELETE /directory/deletedItems/{id}`: 204, then gone; 404 when not in the recycle bin),
 * restore one. Listing and reading need a user-read permission; deleting and restoring need
 * User.DeleteRestore.All (or User.ReadWrite.All), checked before the id is looked up. Filtering deleted users by onPremisesImmutableId is not documented, so a test can
 * make it refuse that filter as Graph might (`state.deletedUsersFilterByImmutableId`).
 */
export function registerDeletedItemsRoutes(router: Router, ctx: RouteContext): void {
  const deleted = ctx.state.deletedUsers;
  router.add('GET', /^\/directory\/deletedItems\/microsoft\.graph\.user$/, (req) => {
    requirePermission(ctx.state, req, READ_PERMISSIONS.deletedUsers);
    return ok(
      queryCollection(req, isAdvancedQuery(req) ? ctx.state.advancedIndex.deletedUsers() : deleted.values(), {
        filter: ctx.state.deletedUsersFilterByImmutableId ? USER_FILTER_RULES : WITHOUT_IMMUTABLE_ID_FILTER,
        select: userSelectRules(req.version),
        searchable: [],
        orderable: [],
        context: `${ctx.baseUrl()}/${req.version}/$metadata#directoryObjects/microsoft.graph.user`,
        selfUrl: `${ctx.baseUrl()}/${req.version}/directory/deletedItems/microsoft.graph.user`,
      }),
    );
  });
  router.add('GET', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})$/, (req, m) => {
    requirePermission(ctx.state, req, READ_PERMISSIONS.deletedUsers);
    const user = deleted.get(m[1]);
    if (!user) throw resourceNotFound(m[1]);
    // As Graph's "Get deleted item" answers: the directoryObject entity, typed as the user it is.
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#directoryObjects/$entity`,
      '@odata.type': '#microsoft.graph.user',
      ...selectProperties(user, req.query.get('$select'), userSelectRules(req.version)),
    });
  });
  router.add('DELETE', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})$/, (req, m) => {
    requirePermission(ctx.state, req, WRITE_PERMISSIONS.deleteRestoreUsers);
    if (!deleted.delete(m[1])) throw resourceNotFound(m[1]);
    return noContent();
  });
  router.add('POST', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})\/restore$/, (req, m) => {
    requirePermission(ctx.state, req, WRITE_PERMISSIONS.deleteRestoreUsers);
    const user = ctx.state.restore(m[1]);
    if (!user) throw resourceNotFound(m[1]);
    return ok({
      '@odata.type': '#microsoft.graph.user',
      ...selectProperties(user, null, userSelectRules(req.version)),
    });
  });
}

/** User filters without onPremisesImmutableId: a filter on it answers 400 Request_UnsupportedQuery. */
const WITHOUT_IMMUTABLE_ID_FILTER: FilterRules = {
  ...USER_FILTER_RULES,
  filterable: Object.fromEntries(
    Object.entries(USER_FILTER_RULES.filterable).filter(([name]) => name !== 'onPremisesImmutableId'),
  ),
};
