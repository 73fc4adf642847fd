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
  privilegedAuthenticationAdministrator: role(
    '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
    'Privileged Authentication Administrator',
    true,
  ),
  authenticationAdministrator: role(
    'c4e39bd9-1100-46d3-8c65-fb160da0071f',
    'Authentication Administrator',
    true,
  ),
  passwordAdministrator: role('966707d0-3269-4727-9be2-8c3a10f19b9d', 'Password Administrator', true),
  groupsAdministrator: role('fdd7a751-b60b-444a-984c-02652fe8fa1c', 'Groups Administrator', false),
  exchangeAdministrator: role('29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator', false),
  directoryReaders: role('88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers', false),
  guestInviter: role('95e79109-95c0-4d8e-aee3-d01accf2d47b', 'Guest Inviter', false),
  messageCenterReader: role('790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b', 'Message Center Reader', false),
  reportsReader: role('4a5d8f65-41da-4de4-8968-e035b65339cf', 'Reports Reader', false),
  usageSummaryReportsReader: role(
    '75934031-6c7e-415a-99d7-48dbd49e875e',
    'Usage Summary Reports Reader',
    false,
  ),
} as const;

/** A custom role definition (not built in); custom roles have their own ids and no template. */
export function customRole(id: string, displayName: string): SimRoleDefinition {
  return { id, templateId: id, displayName, isBuiltIn: false, isPrivileged: false };
}

/** All built-in role definitions the simulator knows. */
export function builtInRoleDefinitions(): SimRoleDefinition[] {
  return Object.values(BUILT_IN_ROLES).map((r) => ({ ...r }));
}
