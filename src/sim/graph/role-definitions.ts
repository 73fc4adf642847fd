import type { SimRoleDefinition } from './model';

const role = (templateId: string, displayName: string, isPrivileged: boolean): SimRoleDefinition => ({
  id: templateId,
  templateId,
  displayName,
  isBuiltIn: true,
  isPrivileged,
});

/**
 * Built-in Entra roles the demo and tests use. Template ids and the privileged flag are the
 * published ones (Microsoft Entra built-in roles reference); built-in role definition ids equal
 * their template ids.
 */
export const BUILT_IN_ROLES = {
  globalAdministrator: role('62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', true),
  privilegedRoleAdministrator: role(
    'e8611ab8-c189-46e8-94e1-60213ab1f814',
    'Privileged Role Administrator',
    true,
  ),
  userAdministrator: role('fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator', true),
  hybridIdentityAdministrator: role(
    '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
    'Hybrid Identity Administrator',
    true,
  ),
  helpdeskAdministrator: role('729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator', true),
  securityAdministrator: role('194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator', true),
  directoryReaders: role('88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers', false),
  messageCenterReader: role('790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b', 'Message Center Reader', false),
} as const;

/** All built-in role definitions the simulator knows. */
export function builtInRoleDefinitions(): SimRoleDefinition[] {
  return Object.values(BUILT_IN_ROLES).map((r) => ({ ...r }));
}
