import { READ_PERMISSIONS, requirePermission } from '../app-permissions';
import { resourceNotFound } from '../graph-errors';
import { transitiveMemberIds } from '../groups';
import type { UserRecord } from '../model';
import { queryCollection } from '../odata/collection-query';
import { USER_FILTER_RULES } from '../odata/filter-rules';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { ok } from '../sim-request';
import { userSelectRules } from '../user-views';

/**
 * `GET /groups/{id}/transitiveMembers/microsoft.graph.user`: every user in the group, nested
 * groups flattened, with `$select`, `$top` and paging like `/users`.
 */
export function registerGroupRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;
  router.add('GET', /^\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/, (req, m) => {
    requirePermission(state, req, READ_PERMISSIONS.groupMembers);
    const groupId = decodeURIComponent(m[1]);
    if (!state.groups.some((g) => g.id === groupId)) throw resourceNotFound(groupId);
    const users = transitiveMemberIds(state.groups, groupId)
      .map((id) => state.users.get(id))
      .filter((u): u is UserRecord => u !== undefined);
    const self = `${ctx.baseUrl()}/${req.version}/groups/${groupId}/transitiveMembers/microsoft.graph.user`;
    return ok(
      queryCollection(req, users, {
        filter: USER_FILTER_RULES,
        select: userSelectRules(req.version),
        searchable: [],
        orderable: ['displayName'],
        context: `${ctx.baseUrl()}/${req.version}/$metadata#users`,
        selfUrl: self,
      }),
    );
  });
}
