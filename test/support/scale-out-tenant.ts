import type { DemoDirectoryRecord } from '../../src/sim/demo/demo-directory';
import type { SimCloudUser } from '../../src/sim/demo/demo-tenant';
import { cloudOnlyUser, demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';

/** How many extra AD/cloud pairs the scale-out tests link. */
export const BULK_PAIRS = 60;

const pad = (n: number) => String(n).padStart(3, '0');

/** The login of bulk pair `n`. */
export function bulkLogin(n: number): string {
  return `bulk${pad(n)}`;
}

/** The cloud object id of bulk pair `n`. */
export function bulkCloudId(n: number): string {
  return `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The AD objectGUID of bulk pair `n`. */
export function bulkObjectGuid(n: number): string {
  return `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The demo AD plus {@link BULK_PAIRS} users that each have a cloud-only twin. */
export function scaleOutDirectory(): DemoDirectoryRecord[] {
  const bulk = Array.from({ length: BULK_PAIRS }, (_, i): DemoDirectoryRecord => {
    const sam = bulkLogin(i + 1);
    const mail = `${sam}@contoso.com`;
    return {
      dn: `CN=Bulk User${pad(i + 1)},OU=Staff,DC=corp,DC=contoso,DC=com`,
      sAMAccountName: sam,
      userPrincipalName: mail,
      mail,
      proxyAddresses: [`SMTP:${mail}`],
      primarySmtp: mail,
      displayName: `Bulk User${pad(i + 1)}`,
      givenName: 'Bulk',
      surname: `User${pad(i + 1)}`,
      enabled: true,
      objectGuid: bulkObjectGuid(i + 1),
      inSyncScope: true,
    };
  });
  return [...demoDirectoryUsers(), ...bulk];
}

/** The cloud-only twins of the bulk AD users. */
export function scaleOutCloudUsers(): SimCloudUser[] {
  return Array.from({ length: BULK_PAIRS }, (_, i) =>
    cloudOnlyUser(bulkCloudId(i + 1), `${bulkLogin(i + 1)}@contoso.com`, `Bulk User${pad(i + 1)}`),
  );
}
