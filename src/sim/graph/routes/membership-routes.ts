import { READ_PERMISSIONS, holdsPermission, requirePermission } from '../app-permissions';
import { GraphSimError, resourceNotFound } from '../graph-errors';
import type { SimGroup } from '../model';
import { queryCollection } from '../odata/collection-query';
import { GROUP_FILTER_RULES, GROUP_PROPERTIES } from '../odata/filter-rules';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { isEventual, ok } from '../sim-request';
import type { SimRequest } from '../sim-request';

const GROUP_TYPE = '#microsoft.graph.group';

/**
 * A user's groups: `GET /users/{id}/memberOf`, `/transitiveMemberOf` (the same here: the simulator
 * does not nest groups, and role-assignable groups cannot be nested) and `/ownedObjects`, each
 * with the OData cast `/microsoft.graph.group`. Graph: "ConsistencyLevel: eventual … and $count are
 * required when using the $search, $filter, $orderby, or OData cast query parameters."
 */
export function registerMembershipRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;
  router.add(
    'GET',
    /^\/users\/([^/]+)\/(memberOf|transitiveMemberOf|ownedObjects)(\/microsoft\.graph\.group)?$/,
    (req, m) => {
      const relation = m[2];
      requirePermission(
        state,
        req,
        relation === 'ownedObjects' ? READ_PERMISSIONS.ownedObjects : READ_PERMISSIONS.memberOf,
      );
      const id = decodeURIComponent(m[1]);
      const user = state.findUser(id);
      if (!user) throw resourceNotFound(id);
      requireAdvancedWhenNeeded(req, m[3] !== undefined);
      const groups = state.groups.filter((g) =>
        relation === 'ownedObjects' ? g.owners.includes(user.id) : g.members.includes(user.id),
      );
      const path = `users/${user.id}/${relation}${m[3] ?? ''}`;
      const body = queryCollection(req, groups.map(groupView), {
        filter: GROUP_FILTER_RULES,
        select: { type: 'group', known: GROUP_PROPERTIES, defaults: GROUP_PROPERTIES },
        searchable: ['displayName'],
        orderable: [],
        context: `${ctx.baseUrl()}/${req.version}/$metadata#${m[3] ? 'groups' : 'directoryObjects'}`,
        selfUrl: `${ctx.baseUrl()}/${req.version}/${path}`,
      });
      // Without a permission to read groups Graph lists them with their id and type only.
      const full = holdsPermission(state, req, READ_PERMISSIONS.groupProperties);
      body.value = (body.value as Record<string, unknown>[]).map((g) =>
        full ? { '@odata.type': GROUP_TYPE, ...g } : { '@odata.type': GROUP_TYPE, id: g.id },
      );
      return ok(body);
    },
  );
}

/** The group as a directory object in a membership list. */
function groupView(group: SimGroup): Record<string, unknown> & { id: string } {
  return {
    id: group.id,
    displayName: group.displayName,
    description: null,
    isAssignableToRole: group.isAssignableToRole,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
  };
}

/** A cast, $filter, $orderby or $search on a membership list is an advanced query. */
function requireAdvancedWhenNeeded(req: SimRequest, cast: boolean): void {
  const q = req.query;
  const needs = cast || ['$filter', '$orderby', '$search'].some((p) => q.has(p));
  const count = (q.get('$count') ?? '').toLowerCase() === 'true';
  if (needs && !(isEventual(req) && count)) {
    // PLAUSIBLE text: Graph answers 400 for these without the advanced query parameters.
    throw new GraphSimError(
      400,
      'Request_UnsupportedQuery',
      'Unsupported query: a type cast, $filter, $orderby or $search on a relationship needs ConsistencyLevel: eventual and $count=true.',
    );
  }
}
