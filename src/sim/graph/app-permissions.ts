import { GraphSimError } from './graph-errors';
import type { SimRequest } from './sim-request';
import type { TenantState } from './tenant-state';

/**
 * Application permissions that allow each read the simulator checks, least privileged first, as
 * Microsoft Graph's permission tables list them: users "List"/"Get", deletedItems "List" (the user
 * row), organization "List", onPremisesDirectorySynchronization "Get" (the application permission
 * of the permissions reference; the API page still says apps are not supported, see
 * `onPremisesSyncReadableByApps`), roleAssignments and roleEligibilitySchedules "List", domain
 * "List"/"Get". docs/graph-parity.md cites each table.
 */
export const READ_PERMISSIONS = {
  users: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  deletedUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  organization: [
    'Organization.Read.All',
    'Directory.Read.All',
    'Organization.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  onPremisesSynchronization: [
    'OnPremDirectorySynchronization.Read.All',
    'OnPremDirectorySynchronization.ReadWrite.All',
  ],
  roleAssignments: [
    'RoleManagement.Read.Directory',
    'Directory.Read.All',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.ReadWrite.All',
  ],
  roleEligibilitySchedules: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  domains: ['Domain.Read.All', 'Directory.Read.All', 'Domain.ReadWrite.All', 'Directory.ReadWrite.All'],
  /** `GET /groups/{id}/transitiveMembers` (group-list-transitivemembers). */
  groupMembers: [
    'GroupMember.Read.All',
    'Directory.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'GroupMember.ReadWrite.All',
  ],
  /** `GET /users/{id}/transitiveMemberOf` and `/memberOf` ("List a user's memberships"). */
  memberOf: [
    'User.Read.All',
    'User.ReadWrite.All',
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  /** `GET /users/{id}/ownedObjects`. */
  ownedObjects: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  /**
   * Reading a group's properties where a user's memberships list it: with User.Read.All alone
   * Graph returns only the group's id ("limited information"; reported by Merill Fernando, 2024).
   */
  groupProperties: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'Group.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  /**
   * `GET /users/{id}/appRoleAssignments` ("List appRoleAssignments granted to a user"): the
   * application row lists Directory.Read.All as least privileged, AppRoleAssignment.ReadWrite.All
   * higher.
   */
  appRoleAssignments: ['Directory.Read.All', 'AppRoleAssignment.ReadWrite.All'],
  /**
   * `$select=signInActivity` on users (the user resource page: "requires … AuditLog.Read.All"), on
   * top of a user-read permission; the tenant needs Entra ID P1 or P2 as well.
   */
  signInActivity: ['AuditLog.Read.All'],
} as const;

/** Installing an app in a user's personal scope (userteamwork-post-installedapps), least privileged first. */
const INSTALL_FOR_USER = [
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'TeamsAppInstallation.ManageSelectedForUser.All',
  'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
  'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
  'TeamsAppInstallation.ReadWriteForUser.All',
  'TeamsAppInstallation.ReadWriteSelectedForUser.All',
] as const;

/**
 * Application permissions for a user's personal-scope app installations (Graph's permission
 * tables of userteamwork-post-installedapps, -list-installedapps and -get-installedapps-chat):
 * reading also allows the read-only permission.
 */
export const TEAMWORK_PERMISSIONS = {
  install: INSTALL_FOR_USER,
  read: ['TeamsAppInstallation.ReadForUser.All', ...INSTALL_FOR_USER],
} as const;

/**
 * Application permissions that allow each write the simulator checks ("Update user": the
 * least privileged User.ReadUpdate.All since 2026, then User.ReadWrite.All and
 * Directory.ReadWrite.All). Updating a user who holds an admin role needs more (an admin role
 * for the app); user-update.ts checks that.
 */
export const WRITE_PERMISSIONS = {
  users: ['User.ReadUpdate.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  /**
   * Permanently deleting (`DELETE /directory/deletedItems/{id}`) or restoring a deleted user:
   * User.DeleteRestore.All is the least privileged application permission ("Permanently delete
   * an item (directory object)", user row; "What's new in Microsoft Graph", December 2024),
   * User.ReadWrite.All higher.
   */
  deleteRestoreUsers: ['User.DeleteRestore.All', 'User.ReadWrite.All'],
} as const;

/**
 * Whether the calling app was granted one of `allowed`. An app registered without a `permissions`
 * list holds every permission Anchor asks for.
 */
export function holdsPermission(state: TenantState, req: SimRequest, allowed: readonly string[]): boolean {
  const app = state.clients.find((c) => c.clientId === req.app?.clientId);
  return !app?.permissions || app.permissions.some((p) => allowed.includes(p));
}

/**
 * Refuses the request like Graph does (403 Authorization_RequestDenied) unless the calling app was
 * granted one of `allowed`. An app registered without a `permissions` list holds every permission
 * Anchor asks for. Grants are read when the request arrives (Graph reads them from the token, so
 * there a change takes effect with the next token; tests change them between requests). Graph
 * checks the grant before it looks the object up, so a missing permission is a 403, never a 404.
 */
export function requirePermission(state: TenantState, req: SimRequest, allowed: readonly string[]): void {
  if (holdsPermission(state, req, allowed)) return;
  throw new GraphSimError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
}

/**
 * Refuses a read of signInActivity like Graph: without AuditLog.Read.All, 403
 * Authorization_RequestDenied; in a tenant without Entra ID P1 or P2, 403
 * Authentication_RequestFromNonPremiumTenantOrB2CTenant with Graph's own text. Which of the two
 * Graph checks first is not documented; the grant is checked first, as for every other read.
 */
export function requireSignInActivityAccess(state: TenantState, req: SimRequest): void {
  requirePermission(state, req, READ_PERMISSIONS.signInActivity);
  if (state.hasEntraIdPremium()) return;
  throw new GraphSimError(
    403,
    'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    "Neither tenant is B2C or tenant doesn't have premium license",
  );
}
