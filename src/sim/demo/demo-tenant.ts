import type { DemoDirectoryRecord } from './demo-directory';
import type { SimCloudUser, SimOrganization } from '../graph/model';

/** A person of the demo tenant as Teams knows them. */
export interface DemoTeamsUser {
  /** Bot Framework channel account id (`from.id`). */
  id: string;
  name: string;
  upn: string;
  /** Entra object id (`from.aadObjectId`). */
  aadObjectId: string;
}

/** The demo tenant: its id, its two admins and the other people in Teams. */
export const DEMO_TENANT = {
  tenantId: '6b3f3c1e-8d4a-4c55-9a0e-2f1d7c9b8a01',
  requester: {
    id: 'user-megan',
    name: 'Megan Bowen',
    upn: 'meganb@contoso.com',
    aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e01',
  },
  approver: {
    id: 'user-adele',
    name: 'Adele Vance',
    upn: 'adelev@contoso.com',
    aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e02',
  },
  /** People who are not Anchor admins. */
  others: [
    {
      id: 'user-patti',
      name: 'Patti Fernandez',
      upn: 'pattif@contoso.com',
      aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e03',
    },
    {
      id: 'user-isaiah',
      name: 'Isaiah Langer',
      upn: 'isaiahl@contoso.com',
      aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e04',
    },
    {
      id: 'user-alex',
      name: 'Alex Wilber',
      upn: 'alexw@contoso.com',
      aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e05',
    },
    {
      id: 'user-lidia',
      name: 'Lidia Holloway',
      upn: 'lidiah@contoso.com',
      aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e06',
    },
  ],
} as const satisfies {
  tenantId: string;
  requester: DemoTeamsUser;
  approver: DemoTeamsUser;
  others: readonly DemoTeamsUser[];
};

/** The app registration Anchor signs in to the demo tenant's Graph with (simulator only). */
export const DEMO_GRAPH_APP = {
  clientId: '9d1c7a52-3b8e-4f06-a1d2-5e6f7a8b9c0d',
  clientSecret: 'demo-graph-secret',
} as const;

/** Everyone in the demo tenant's Teams, admins first. */
export function demoTeamsUsers(): DemoTeamsUser[] {
  return [DEMO_TENANT.requester, DEMO_TENANT.approver, ...DEMO_TENANT.others];
}

export type { SimCloudUser, SimOrganization } from '../graph/model';

const SYNCED_OU = 'OU=Staff,DC=corp,DC=contoso,DC=com';

/** objectGUIDs of the demo AD users Entra Connect exported as synced twins of cloud-only users. */
export const DEMO_TWIN_GUIDS = {
  diegos: '4c1e7b2a-9d3f-4e8a-b5c6-2f7a8d9e0b13',
  miriamg: '6a2d8c3b-0e4f-4a9b-8c7d-3e8f9a0b1c24',
} as const;

/** Where the demo AD keeps accounts Entra Connect must not see: the twin fix parks users here. */
export const DEMO_PARKING_OU = 'OU=Unsynced,DC=corp,DC=contoso,DC=com';

/** The OUs the demo's Entra Connect syncs (LDAP_SYNC_OUS for the demo AD): scope follows the DN. */
export const DEMO_SYNC_OUS: readonly string[] = [SYNCED_OU];

function adUser(
  sam: string,
  given: string,
  surname: string,
  objectGuid: string,
  extra: Partial<DemoDirectoryRecord> = {},
): DemoDirectoryRecord {
  const mail = `${sam}@contoso.com`;
  return {
    dn: `CN=${given} ${surname},${SYNCED_OU}`,
    sAMAccountName: sam,
    userPrincipalName: mail,
    mail,
    proxyAddresses: [`SMTP:${mail}`],
    primarySmtp: mail,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    enabled: true,
    objectGuid,
    inSyncScope: true,
    ...extra,
  };
}

/**
 * The demo tenant's on-prem AD, consistent with the cloud seed as a real tenant is after its last
 * sync cycle: every account in sync scope has its synced user in the cloud (Lynne; Diego and
 * Miriam, whose synced users are twins of cloud-only originals), except Aaron, created in a synced
 * OU since that cycle: the one pending export, which Anchor links before the next cycle would make
 * him a duplicate. Accounts outside the synced OUs are never exported.
 */
export function demoDirectoryUsers(): DemoDirectoryRecord[] {
  return [
    adUser('apes', 'Aaron', 'Pescasio', '35918bc9-196d-40ea-9779-889d79b753f0', {
      department: 'IT',
      title: 'Systems Engineer',
    }),
    // Halfway through the documented fix of a duplicate: moved out of the synced OUs, so the delta
    // soft-deleted her synced twin, which still holds her value in the recycle bin.
    adUser('apeters', 'Anna', 'Peters', 'd749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a', {
      dn: 'CN=Anna Peters,OU=Unsynced,DC=corp,DC=contoso,DC=com',
      inSyncScope: false,
      department: 'Finance',
    }),
    adUser('lrobbins', 'Lynne', 'Robbins', '8e2f4c71-2a9d-4b3e-a5c6-7d8e9f0a1b2c', { department: 'Sales' }),
    // Exported before anyone linked them: Entra Connect created a synced twin beside each one's
    // cloud-only original (the duplicate the admin memo deletes). Diego's twin holds nothing;
    // Miriam's twin was given a licence, which a fix must move to the original first.
    adUser('diegos', 'Diego', 'Siciliani', DEMO_TWIN_GUIDS.diegos, { department: 'HR' }),
    adUser('miriamg', 'Miriam', 'Graham', DEMO_TWIN_GUIDS.miriamg, { department: 'Marketing' }),
    // Left the company: disabled and moved out of the synced OUs, which is how his cloud user came
    // to be converted to cloud-only. In scope, a delta would export him as a new (disabled) user.
    adUser('jdoe', 'John', 'Doe', '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', {
      dn: 'CN=John Doe,OU=Former Staff,DC=corp,DC=contoso,DC=com',
      inSyncScope: false,
      enabled: false,
      department: 'Former staff',
    }),
    adUser('svc-backup', 'Backup', 'Service', '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091', {
      dn: 'CN=Backup Service,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
      inSyncScope: false,
      mail: undefined,
      proxyAddresses: [],
      primarySmtp: undefined,
    }),
  ];
}

/** A cloud-only member of the simulated tenant: no ImmutableId, never synced. */
export function cloudOnlyUser(
  id: string,
  upn: string,
  displayName: string,
  extra: Partial<SimCloudUser> = {},
): SimCloudUser {
  const [givenName, surname] = displayName.split(' ');
  return {
    id,
    displayName,
    givenName,
    surname,
    userPrincipalName: upn,
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    accountEnabled: true,
    userType: 'Member',
    createdDateTime: '2024-09-02T10:00:00Z',
    onPremisesImmutableId: null,
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    ...extra,
  };
}

/** The demo tenant's cloud users: some cloud-only (to be linked), some already synced. */
export function demoCloudUsers(): SimCloudUser[] {
  const cloudOnly = (id: string, upn: string, displayName: string, createdDateTime: string) =>
    cloudOnlyUser(id, upn, displayName, { createdDateTime });
  return [
    cloudOnly(
      '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01',
      'apes@contoso.com',
      'Aaron Pescasio',
      '2024-03-04T09:12:00Z',
    ),
    cloudOnly(
      '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02',
      'apeters@contoso.com',
      'Anna Peters',
      '2024-06-11T14:30:00Z',
    ),
    {
      ...cloudOnly(
        '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03',
        'lrobbins@contoso.com',
        'Lynne Robbins',
        '2021-01-20T08:00:00Z',
      ),
      onPremisesImmutableId: 'cUwvjp0qPkulxn2OnwobLA==',
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: '2026-11-24T23:30:00Z',
      onPremisesSamAccountName: 'lrobbins',
      onPremisesUserPrincipalName: 'lrobbins@contoso.com',
    },
    // The originals of the two synced twins (demo-graph-seed.ts): cloud-only, in use since 2023.
    cloudOnly(
      '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0a',
      'diegos@contoso.com',
      'Diego Siciliani',
      '2023-05-15T09:00:00Z',
    ),
    cloudOnly(
      '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e0b',
      'miriamg@contoso.com',
      'Miriam Graham',
      '2023-08-21T09:00:00Z',
    ),
  ];
}

/** The demo tenant's organization object, synced a few minutes ago. */
export function demoOrganization(tenantId: string, now: Date = new Date()): SimOrganization {
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
  return {
    id: tenantId,
    displayName: 'Contoso',
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: minutesAgo(12),
    onPremisesLastPasswordSyncDateTime: minutesAgo(2),
    verifiedDomains: [
      { name: 'contoso.com', isDefault: true, isInitial: false, type: 'Managed' },
      { name: 'contoso.onmicrosoft.com', isDefault: false, isInitial: true, type: 'Managed' },
      { name: 'fabrikam.com', isDefault: false, isInitial: false, type: 'Federated' },
    ],
  };
}
