import { READ_PERMISSIONS, requirePermission } from '../app-permissions';
import { GraphSimError } from '../graph-errors';
import type { SimRoleAssignment, SimRoleDefinition } from '../model';
import { queryCollection } from '../odata/collection-query';
import { ROLE_FILTER_RULES } from '../odata/filter-rules';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { ok } from '../sim-request';
import type { SimRequest } from '../sim-request';

const ASSIGNMENT_PROPERTIES = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'];
const SCHEDULE_PROPERTIES = [
  ...ASSIGNMENT_PROPERTIES,
  'memberType',
  'status',
  'createdUsing',
  'createdDateTime',
  'modifiedDateTime',
  'scheduleInfo',
];

/**
 * `GET /roleManagement/directory/roleAssignments` (active) and `.../roleEligibilitySchedules`
 * (PIM eligible), with `$filter=principalId eq '…'` and `$expand=roleDefinition`.
 */
export function registerRoleRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;
  const list = (
    req: SimRequest,
    name: string,
    items: Required<SimRoleAssignment>[],
    properties: string[],
  ) => {
    const expand = req.query.get('$expand');
    // Graph allows a nested $select: `$expand=roleDefinition($select=displayName,templateId)`.
    const expansion =
      expand === null ? null : /^roleDefinition(?:\(\$select=([\w,]+)\))?$/.exec(expand.trim());
    if (expand !== null && !expansion) {
      throw new GraphSimError(
        400,
        'BadRequest',
        `Could not find a property named '${expand}' on type 'microsoft.graph.${name}'.`,
      );
    }
    const rows = items.map((a) => ({
      id: a.id,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      directoryScopeId: '/',
      appScopeId: null,
      memberType: 'Direct',
      status: 'Provisioned',
      createdUsing: a.id,
      createdDateTime: '2025-01-01T00:00:00Z',
      modifiedDateTime: null,
      scheduleInfo: {
        startDateTime: '2025-01-01T00:00:00Z',
        recurrence: null,
        expiration: { type: 'noExpiration' },
      },
    }));
    const body = queryCollection(req, rows, {
      filter: { ...ROLE_FILTER_RULES, knownProperties: properties },
      select: { type: name, known: properties, defaults: properties },
      searchable: [],
      orderable: [],
      context: `${ctx.baseUrl()}/${req.version}/$metadata#roleManagement/directory/${name}s`,
      selfUrl: `${ctx.baseUrl()}/${req.version}/roleManagement/directory/${name}s`,
    });
    if (expand !== null) {
      for (const row of body.value as Record<string, unknown>[]) {
        const def = state.roleDefinition(String(items.find((a) => a.id === row.id)?.roleDefinitionId));
        const view = def ? definitionView(def, req.version === 'beta') : null;
        row.roleDefinition = view && expansion?.[1] ? pick(view, ['id', ...expansion[1].split(',')]) : view;
      }
    }
    return ok(body);
  };
  router.add('GET', /^\/roleManagement\/directory\/roleAssignments$/, (req) => {
    requirePermission(state, req, READ_PERMISSIONS.roleAssignments);
    return list(req, 'roleAssignment', state.roleAssignments, ASSIGNMENT_PROPERTIES);
  });
  router.add('GET', /^\/roleManagement\/directory\/roleEligibilitySchedules$/, (req) => {
    requirePermission(state, req, READ_PERMISSIONS.roleEligibilitySchedules);
    if (!state.entraIdP2) throw premiumLicenseRequired();
    return list(req, 'roleEligibilitySchedule', state.roleEligibilities, SCHEDULE_PROPERTIES);
  });
  router.add('GET', /^\/roleManagement\/directory\/roleDefinitions$/, (req) =>
    ok({ value: state.roleDefinitions.map((d) => definitionView(d, req.version === 'beta')) }),
  );
}

/**
 * PIM needs Entra ID P2 (or ID Governance). Code and status as reported from the field
 * (Microsoft365DSC skips exports on `[AadPremiumLicenseRequired]`; other tools quote the 400 and
 * this text); active role assignments stay readable without it.
 */
function premiumLicenseRequired(): GraphSimError {
  return new GraphSimError(
    400,
    'AadPremiumLicenseRequired',
    'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
  );
}

/** A unifiedRoleDefinition; isPrivileged is returned on beta only. */
function definitionView(def: SimRoleDefinition, beta: boolean): Record<string, unknown> {
  return {
    id: def.id,
    displayName: def.displayName,
    description: null,
    isBuiltIn: def.isBuiltIn,
    isEnabled: true,
    templateId: def.templateId,
    version: '1',
    ...(beta ? { isPrivileged: def.isPrivileged } : {}),
  };
}

function pick(view: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => n in view).map((n) => [n, view[n]]));
}
