/**
 * What a Graph request needs Anchor's identity to hold, so that a 403 can say which
 * application permission to grant instead of only "not allowed".
 */
export interface PermissionNeed {
  /** What Anchor was doing, after "may not": `read users`. */
  action: string;
  /** Application permissions to grant, least privileged first; any one of them is enough. */
  grant: readonly string[];
  /** What else Graph may require, when a permission alone is not always enough. */
  note?: string;
}

/**
 * The least privileged application permission for each kind of request Anchor sends, from
 * Microsoft Graph's permission tables (docs/graph-parity.md cites them). Only permissions Anchor
 * should be granted are named: a broader one that also works (Directory.Read.All) is not advice.
 */
export const GRAPH_PERMISSIONS = {
  readUsers: { action: 'read users', grant: ['User.Read.All'] },
  readDeletedUsers: { action: 'read deleted users (the recycle bin)', grant: ['User.Read.All'] },
  setImmutableId: {
    action: "write a user's onPremisesImmutableId",
    // User.ReadWrite.All would also do, but it creates and deletes users: not the advice.
    grant: ['User.ReadUpdate.All'],
    note: 'a user who holds an admin role cannot be changed by Anchor, by design: never give Anchor an Entra admin role',
  },
  readOrganization: { action: 'read the organization', grant: ['Organization.Read.All'] },
  readDomains: { action: 'read domains', grant: ['Domain.Read.All'] },
  readRoles: { action: 'read directory role assignments', grant: ['RoleManagement.Read.Directory'] },
  readGroupMemberships: {
    action: "read a user's role-assignable groups",
    grant: ['GroupMember.Read.All'],
    note: 'with User.Read.All alone Graph lists the groups without their properties',
  },
  readSyncFeatures: {
    action: 'read the on-premises sync features',
    grant: ['OnPremDirectorySynchronization.Read.All'],
  },
  readUserGroups: {
    action: "read a user's group memberships",
    grant: ['GroupMember.Read.All'],
    note: 'with User.Read.All alone Graph lists the groups without their names',
  },
  readAppRoleAssignments: {
    action: "read a user's app role assignments",
    // "List appRoleAssignments granted to a user": Directory.Read.All is the least privileged
    // application permission Microsoft lists (the other, AppRoleAssignment.ReadWrite.All, writes).
    grant: ['Directory.Read.All'],
  },
  readSignInActivity: {
    action: "read users' sign-in activity",
    grant: ['AuditLog.Read.All'],
    note: 'Graph shows sign-in activity only in a tenant with Microsoft Entra ID P1 or P2',
  },
  deleteRestoreUsers: {
    action: 'permanently delete a user from the recycle bin (deleted items)',
    // "Permanently delete an item (directory object)", user row: User.DeleteRestore.All is the
    // least privileged application permission; User.ReadWrite.All would also do, but writes
    // every user property, so it is not the advice.
    grant: ['User.DeleteRestore.All'],
  },
} as const satisfies Record<string, PermissionNeed>;

/** `A`, `A or B`, `A, B or C`: the permissions of a need, as a sentence names them. */
export function grantWords(need: PermissionNeed): string {
  const names = [...need.grant];
  const last = names.pop() ?? '';
  return names.length ? `${names.join(', ')} or ${last}` : last;
}
