import { TEAMWORK_PERMISSIONS, requirePermission } from '../app-permissions';
import { GraphSimError, resourceNotFound } from '../graph-errors';
import type { SimAppInstallation } from '../teamwork-state';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { ok } from '../sim-request';
import type { SimRequest } from '../sim-request';

/** What `teamsApp@odata.bind` must look like: an app of the tenant's catalog. */
const APP_BIND = /\/appCatalogs\/teamsApps\/([^/?#]+)$/;

/**
 * `POST /users/{id}/teamwork/installedApps` (install an app in the user's personal scope),
 * `GET /users/{id}/teamwork/installedApps` (with `$expand=teamsApp` and
 * `$filter=teamsApp/id eq '…'`) and `GET /users/{id}/teamwork/installedApps/{id}/chat`.
 */
export function registerTeamworkRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;
  const userOf = (raw: string) => {
    const user = state.findUser(decodeURIComponent(raw));
    if (!user) throw resourceNotFound(decodeURIComponent(raw));
    return user;
  };
  router.add('POST', /^\/users\/([^/]+)\/teamwork\/installedApps$/, (req, m) => {
    requirePermission(state, req, TEAMWORK_PERMISSIONS.install);
    const user = userOf(m[1]);
    const appId = boundAppId(req);
    if (!state.teamwork.apps.some((a) => a.id === appId)) {
      // Field reports show 404 NotFound for an app id the catalog does not hold.
      throw new GraphSimError(404, 'NotFound', `The Teams app '${appId}' was not found in the app catalog.`);
    }
    if (state.teamwork.unlicensed.has(user.id.toLowerCase())) {
      // Graph's exact answer for a user without a Teams licence is not documented (README says how to check).
      throw new GraphSimError(
        403,
        'Forbidden',
        `User '${user.id}' does not have a license for Microsoft Teams.`,
      );
    }
    if (state.teamwork.installedFor(user.id).some((i) => i.teamsAppId === appId)) {
      throw new GraphSimError(409, 'Conflict', 'App is already installed for this user.');
    }
    state.teamwork.install(user.id, appId);
    // "If successful, this method returns a 201 Created response code. It doesn't return anything in the response body."
    return { status: 201 };
  });
  router.add('GET', /^\/users\/([^/]+)\/teamwork\/installedApps$/, (req, m) => {
    requirePermission(state, req, TEAMWORK_PERMISSIONS.read);
    const user = userOf(m[1]);
    const expand = req.query.get('$expand');
    if (expand !== null && expand !== 'teamsApp' && expand !== 'teamsAppDefinition') {
      throw new GraphSimError(400, 'BadRequest', `Could not find a property named '${expand}'.`);
    }
    const wanted = appFilter(req);
    const rows = state.teamwork
      .installedFor(user.id)
      .filter((i) => wanted === undefined || i.teamsAppId === wanted)
      .map((i) => installationView(ctx, i, expand === 'teamsApp'));
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#users('${user.id}')/teamwork/installedApps`,
      value: rows,
    });
  });
  router.add('GET', /^\/users\/([^/]+)\/teamwork\/installedApps\/([^/]+)\/chat$/, (req, m) => {
    requirePermission(state, req, TEAMWORK_PERMISSIONS.install);
    const user = userOf(m[1]);
    const installId = decodeURIComponent(m[2]);
    const install = state.teamwork.installedFor(user.id).find((i) => i.id === installId);
    if (!install) throw resourceNotFound(installId);
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#chats/$entity`,
      id: install.chatId,
      topic: null,
      chatType: 'oneOnOne',
      tenantId: state.tenantId,
    });
  });
}

/** The catalog id named by `teamsApp@odata.bind`; 400 like Graph for a body without one. */
function boundAppId(req: SimRequest): string {
  const body = req.body as Record<string, unknown> | undefined;
  const bind = typeof body === 'object' && body !== null ? body['teamsApp@odata.bind'] : undefined;
  const match = typeof bind === 'string' ? APP_BIND.exec(bind) : null;
  if (!match) {
    throw new GraphSimError(
      400,
      'BadRequest',
      "The request body must bind 'teamsApp@odata.bind' to an app of the Teams app catalog.",
    );
  }
  return decodeURIComponent(match[1]);
}

/** `$filter=teamsApp/id eq '…'`, the one filter Anchor sends; anything else is refused. */
function appFilter(req: SimRequest): string | undefined {
  const filter = req.query.get('$filter');
  if (filter === null) return undefined;
  const match = /^teamsApp\/id eq '([^']+)'$/.exec(filter.trim());
  if (!match) throw new GraphSimError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
  return match[1];
}

function installationView(
  ctx: RouteContext,
  install: SimAppInstallation,
  expandApp: boolean,
): Record<string, unknown> {
  const app = ctx.state.teamwork.apps.find((a) => a.id === install.teamsAppId);
  const teamsApp = {
    id: install.teamsAppId,
    displayName: app?.displayName ?? null,
    distributionMethod: 'organization',
  };
  return {
    '@odata.type': '#microsoft.graph.userScopeTeamsAppInstallation',
    id: install.id,
    ...(expandApp ? { teamsApp } : {}),
  };
}
