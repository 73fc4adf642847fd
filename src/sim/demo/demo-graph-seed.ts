import { guidToImmutableId } from '../../services/ad/immutable-id';
import { BUILT_IN_ROLES } from '../graph/role-definitions';
import type { GraphSimulatorSeed } from '../graph/graph-simulator';
import { DEMO_TENANT, cloudOnlyUser, demoCloudUsers, demoOrganization } from './demo-tenant';

/** Cloud users of the demo tenant that exist to show one preflight check each. */
export const DEMO_GRAPH_USERS = {
  /** Holds Global Administrator: hard match onto it is blocked (2026 hardening). */
  privileged: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e04',
  /** Eligible (PIM) for Privileged Role Administrator only. */
  eligible: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e05',
  /** In the federated fabrikam.com domain: cannot take an ImmutableId. */
  federated: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e06',
  /** Has onPremisesObjectIdentifier (beta): cannot be remapped. */
  objectIdentifier: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e07',
  /** Was synced, then converted to cloud: onPremisesSyncEnabled false. */
  converted: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e08',
  /** In the recycle bin holding Anna Peters' ImmutableId (a deleted synced twin). */
  recycledTwin: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e09',
} as const;

/**
 * The demo tenant as the Graph simulator serves it: the demo cloud users plus one user per
 * preflight check, the contoso.com / contoso.onmicrosoft.com (initial) managed domains and the
 * federated fabrikam.com, role assignments, and a recycle-bin twin holding an ImmutableId.
 */
export function demoGraphSeed(
  tenantId: string = DEMO_TENANT.tenantId,
  now: Date = new Date(),
): GraphSimulatorSeed {
  const u = DEMO_GRAPH_USERS;
  return {
    tenantId,
    organization: demoOrganization(tenantId, now),
    users: [
      ...demoCloudUsers(),
      cloudOnlyUser(u.privileged, 'nestorw@contoso.com', 'Nestor Wilke'),
      cloudOnlyUser(u.eligible, 'jonis@contoso.com', 'Joni Sherman'),
      cloudOnlyUser(u.federated, 'gradya@fabrikam.com', 'Grady Archie'),
      cloudOnlyUser(u.objectIdentifier, 'leeg@contoso.com', 'Lee Gu', {
        onPremisesObjectIdentifier: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      }),
      cloudOnlyUser(u.converted, 'jdoe@contoso.com', 'John Doe', {
        onPremisesSyncEnabled: false,
        onPremisesLastSyncDateTime: '2023-02-01T08:00:00Z',
      }),
    ],
    deletedUsers: [
      // Created while the cloud Anna held apeters@contoso.com, so Entra gave it a UPN in the initial
      // domain; deleted, that UPN carries the object id as a prefix. Mail and addresses stay as they were.
      cloudOnlyUser(
        u.recycledTwin,
        `${u.recycledTwin.replace(/-/g, '')}apeters4821@contoso.onmicrosoft.com`,
        'Anna Peters',
        {
          mail: 'apeters@contoso.com',
          proxyAddresses: ['SMTP:apeters@contoso.com'],
          onPremisesImmutableId: guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a'),
          onPremisesSyncEnabled: true,
          onPremisesLastSyncDateTime: new Date(now.getTime() - 86_400_000).toISOString(),
          onPremisesSamAccountName: 'apeters',
          onPremisesUserPrincipalName: 'apeters@contoso.com',
          onPremisesDistinguishedName: 'CN=Anna Peters,OU=Staff,DC=corp,DC=contoso,DC=com',
          deletedDateTime: new Date(now.getTime() - 3_600_000).toISOString(),
        },
      ),
    ],
    roleAssignments: [{ principalId: u.privileged, roleDefinitionId: BUILT_IN_ROLES.globalAdministrator.id }],
    roleEligibilities: [
      { principalId: u.eligible, roleDefinitionId: BUILT_IN_ROLES.privilegedRoleAdministrator.id },
    ],
  };
}
