import { guidToImmutableId } from '../../shared/directory/immutable-id';
import { BUILT_IN_ROLES } from '../graph/role-definitions';
import type { GraphSimulatorSeed } from '../graph/graph-simulator';
import type { SimCloudUser } from '../graph/model';
import { DEMO_TENANT, DEMO_TWIN_GUIDS, cloudOnlyUser, demoCloudUsers, demoOrganization } from './demo-tenant';

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
  /** Diego Siciliani's cloud-only original (demoCloudUsers). */
  cleanTwinOriginal: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0a',
  /** Miriam Graham's cloud-only original (demoCloudUsers). */
  licensedTwinOriginal: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0b',
  /** Diego's synced twin, created by Entra Connect beside the original; holds nothing of its own. */
  cleanTwin: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0c',
  /** Miriam's synced twin, holding a Microsoft 365 E3 licence the original lacks. */
  licensedTwin: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0d',
} as const;

/** Microsoft 365 E3's skuId (SPE_E3), the licence on Miriam's twin. */
export const DEMO_TWIN_LICENCE_SKU = '05e9a617-0261-4cee-bb44-138d3ef5d965';

/**
 * The demo tenant as the Graph simulator serves it: the demo cloud users plus one user per
 * preflight check, the contoso.com / contoso.onmicrosoft.com (initial) managed domains and the
 * federated fabrikam.com, role assignments, a recycle-bin twin holding an ImmutableId, and two
 * synced twins beside their cloud-only originals (one clean, one licensed).
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
      syncedTwin(u.cleanTwin, 'diegos', 'Diego Siciliani', '4127', DEMO_TWIN_GUIDS.diegos, now),
      {
        ...syncedTwin(u.licensedTwin, 'miriamg', 'Miriam Graham', '8315', DEMO_TWIN_GUIDS.miriamg, now),
        assignedLicenses: [{ skuId: DEMO_TWIN_LICENCE_SKU, disabledPlans: [] }],
      },
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

/**
 * A synced twin as Entra Connect left it three days ago, when it exported an AD user of the synced
 * OU whose cloud-only original already held its UPN: Entra gave the twin `<login><4 digits>@` the
 * initial domain (as the sync engine's provision() does) and synced the rest from AD. Its primary
 * address would duplicate the original's, so Entra's duplicate attribute resiliency kept it off the
 * twin: the twin has no proxy address. Its last sync is the tenant's last cycle (12 minutes ago).
 */
function syncedTwin(
  id: string,
  login: string,
  displayName: string,
  digits: string,
  objectGuid: string,
  now: Date,
): SimCloudUser {
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return cloudOnlyUser(id, `${login}${digits}@contoso.onmicrosoft.com`, displayName, {
    mail: `${login}@contoso.com`,
    proxyAddresses: [],
    createdDateTime: ago(3 * 86_400_000),
    onPremisesImmutableId: guidToImmutableId(objectGuid),
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: ago(12 * 60_000),
    onPremisesSamAccountName: login,
    onPremisesUserPrincipalName: `${login}@contoso.com`,
    onPremisesDistinguishedName: `CN=${displayName},OU=Staff,DC=corp,DC=contoso,DC=com`,
  });
}
