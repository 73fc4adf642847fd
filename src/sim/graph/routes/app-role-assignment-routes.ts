import { READ_PERMISSIONS, requirePermission } from '../app-permissions';
import { resourceNotFound } from '../graph-errors';
import type { UserRecord } from '../model';
import { queryCollection } from '../odata/collection-query';
import type { FilterRules } from '../odata/filter-rules';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { ok } from '../sim-request';

/** appRoleAssignment properties (v1.0 resource page). */
const APP_ROLE_ASSIGNMENT_PROPERTIES = [
  'id',
  'appRoleId',
  'createdDateTime',
  'deletedDateTime',
  'principalDisplayName',
  'principalId',
  'principalType',
  'resourceDisplayName',
  'resourceId',
] as const;

/** The resource page lists $filter on resourceId and appRoleId only (eq). */
const APP_ROLE_ASSIGNMENT_FILTER_RULES: FilterRules = {
  resource: 'AppRoleAssignment',
  type: 'appRoleAssignment',
  knownProperties: APP_ROLE_ASSIGNMENT_PROPERTIES,
  filterable: {
    resourceId: { ops: ['eq'] },
    appRoleId: { ops: ['eq'] },
  },
};

/**
 * `GET /users/{id|upn}/appRoleAssignments` ("List appRoleAssignments granted to a user"), refused
 * (403) without Directory.Read.All or AppRoleAssignment.ReadWrite.All. Graph also lists the
 * assignments of groups the user is a direct member of; the simulator keeps assignments per user
 * only (see docs/graph-parity.md), which is what deleting a user loses.
 */
export function registerAppRoleAssignmentRoutes(router: Router, ctx: RouteContext): void {
  router.add('GET', /^\/users\/([^/]+)\/appRoleAssignments$/, (req, m) => {
    requirePermission(ctx.state, req, READ_PERMISSIONS.appRoleAssignments);
    const id = decodeURIComponent(m[1]);
    const user = ctx.state.findUser(id);
    if (!user) throw resourceNotFound(id);
    return ok(
      queryCollection(req, assignmentsOf(user), {
        filter: APP_ROLE_ASSIGNMENT_FILTER_RULES,
        select: {
          type: 'appRoleAssignment',
          known: APP_ROLE_ASSIGNMENT_PROPERTIES,
          defaults: APP_ROLE_ASSIGNMENT_PROPERTIES,
        },
        searchable: [],
        orderable: [],
        context: `${ctx.baseUrl()}/${req.version}/$metadata#users('${user.id}')/appRoleAssignments`,
        selfUrl: `${ctx.baseUrl()}/${req.version}/users/${user.id}/appRoleAssignments`,
      }),
    );
  });
}

/** The user's assignments as Graph shows them: the principal is the user. */
function assignmentsOf(user: UserRecord): (Record<string, unknown> & { id: string })[] {
  return user.appRoleAssignments.map((a) => ({
    id: a.id ?? '',
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime ?? user.createdDateTime,
    deletedDateTime: null,
    principalDisplayName: user.displayName,
    principalId: user.id,
    principalType: 'User',
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  }));
}
