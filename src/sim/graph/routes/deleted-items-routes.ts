import { resourceNotFound } from '../graph-errors';
import { isAdvancedQuery, queryCollection } from '../odata/collection-query';
import { USER_FILTER_RULES } from '../odata/filter-rules';
import { selectProperties } from '../odata/odata-select';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { noContent, ok } from '../sim-request';
import { userSelectRules } from '../user-views';

/**
 * The recycle bin: list deleted users (same query options as /users), get one, hard-delete one
 * (`DELETE /directory/deletedItems/{id}`), restore one.
 */
export function registerDeletedItemsRoutes(router: Router, ctx: RouteContext): void {
  const deleted = ctx.state.deletedUsers;
  router.add('GET', /^\/directory\/deletedItems\/microsoft\.graph\.user$/, (req) =>
    ok(
      queryCollection(req, isAdvancedQuery(req) ? ctx.state.advancedIndex.deletedUsers() : deleted.values(), {
        filter: USER_FILTER_RULES,
        select: userSelectRules(req.version),
        searchable: [],
        orderable: [],
        context: `${ctx.baseUrl()}/${req.version}/$metadata#directoryObjects/microsoft.graph.user`,
        selfUrl: `${ctx.baseUrl()}/${req.version}/directory/deletedItems/microsoft.graph.user`,
      }),
    ),
  );
  router.add('GET', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})$/, (req, m) => {
    const user = deleted.get(m[1]);
    if (!user) throw resourceNotFound(m[1]);
    return ok({
      '@odata.type': '#microsoft.graph.user',
      ...selectProperties(user, req.query.get('$select'), userSelectRules(req.version)),
    });
  });
  router.add('DELETE', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})$/, (_req, m) => {
    if (!deleted.delete(m[1])) throw resourceNotFound(m[1]);
    return noContent();
  });
  router.add('POST', /^\/directory\/deletedItems\/([0-9a-fA-F-]{36})\/restore$/, (req, m) => {
    const user = ctx.state.restore(m[1]);
    if (!user) throw resourceNotFound(m[1]);
    return ok({
      '@odata.type': '#microsoft.graph.user',
      ...selectProperties(user, null, userSelectRules(req.version)),
    });
  });
}
