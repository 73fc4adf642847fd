import { BUILT_IN_ROLES } from './role-definitions';
import type { TenantState } from './tenant-state';

/**
 * User properties whose change is a "sensitive action" (Microsoft Entra, "Who can perform
 * sensitive actions"; Graph `users` resource): only some administrators may change them, and
 * only for some users.
 */
export const SENSITIVE_PROPERTIES = [
  'accountEnabled',
  'businessPhones',
  'mobilePhone',
  'onPremisesImmutableId',
  'otherMails',
  'passwordProfile',
  'userPrincipalName',
] as const;

/** The columns of Microsoft's table: who may act. `permission` is an app without any role. */
type Caller = 'authAdmin' | 'userAdmin' | 'privilegedAuthAdmin' | 'globalAdmin' | 'permission';

const R = BUILT_IN_ROLES;
const CALLER_ROLES: Record<Exclude<Caller, 'permission'>, string> = {
  authAdmin: R.authenticationAdministrator.templateId,
  userAdmin: R.userAdministrator.templateId,
  privilegedAuthAdmin: R.privilegedAuthenticationAdministrator.templateId,
  globalAdmin: R.globalAdministrator.templateId,
};

/**
 * An app holding only User.ReadWrite.All acts like the least of the columns: it may change the
 * sensitive properties of users without an admin role and of the rows every column ticks (the
 * update-user note lists Directory Readers, Guest Inviter, Message Center Reader and Reports
 * Reader for the phone properties). INFERRED from those two sources; confirm on a real tenant.
 */
const ANYONE: Caller[] = ['authAdmin', 'userAdmin', 'privilegedAuthAdmin', 'globalAdmin', 'permission'];
const TOP: Caller[] = ['privilegedAuthAdmin', 'globalAdmin'];
const USER_ADMINS: Caller[] = ['userAdmin', ...TOP];

/**
 * The rows of the table by the target's built-in role (template id). A role not listed here —
 * most admin roles — and every custom role allow only Privileged Authentication Administrator
 * and Global Administrator callers, as do members and owners of a role-assignable group.
 */
const ROWS = new Map<string, Caller[]>([
  [R.authenticationAdministrator.templateId, ['authAdmin', ...TOP]],
  [R.directoryReaders.templateId, ANYONE],
  [R.globalAdministrator.templateId, TOP],
  [R.groupsAdministrator.templateId, USER_ADMINS],
  [R.guestInviter.templateId, ANYONE],
  [R.helpdeskAdministrator.templateId, USER_ADMINS],
  [R.messageCenterReader.templateId, ANYONE],
  [R.passwordAdministrator.templateId, ANYONE],
  [R.privilegedAuthenticationAdministrator.templateId, TOP],
  [R.privilegedRoleAdministrator.templateId, TOP],
  [R.reportsReader.templateId, ANYONE],
  [R.userAdministrator.templateId, USER_ADMINS],
  [R.usageSummaryReportsReader.templateId, ANYONE],
]);

/**
 * Whether a caller holding `callerRoles` (role definition or template ids of the app's service
 * principal) may change sensitive properties of `targetId`. Only active roles of the target
 * count: whether an eligible (PIM) role does is not documented.
 */
export function maySetSensitiveProperties(
  state: TenantState,
  callerRoles: readonly string[],
  targetId: string,
): boolean {
  const held = new Set(callerRoles.map((id) => state.roleDefinition(id)?.templateId ?? id));
  const callers = new Set<Caller>(['permission']);
  for (const [caller, templateId] of Object.entries(CALLER_ROLES)) {
    if (held.has(templateId)) callers.add(caller as Caller);
  }
  return allowedCallers(state, targetId).some((c) => callers.has(c));
}

/** Who may act on this target: the intersection of the rows that apply to it. */
function allowedCallers(state: TenantState, targetId: string): Caller[] {
  if (state.roleAssignableGroupsOf(targetId).length > 0) return TOP;
  let allowed = ANYONE;
  for (const { role, kind, viaGroup } of state.rolesOf(targetId)) {
    if (kind !== 'active' || viaGroup) continue;
    const row = role.isBuiltIn ? (ROWS.get(role.templateId) ?? TOP) : TOP;
    allowed = allowed.filter((c) => row.includes(c));
  }
  return allowed;
}
