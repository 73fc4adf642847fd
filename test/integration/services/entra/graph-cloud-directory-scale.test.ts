import assert from 'node:assert/strict';
import type { CloudDirectory } from '../../../../src/services/entra/cloud-directory';
import { createGraphServices } from '../../../../src/services/entra/graph-services';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { DEMO_TENANT, demoCloudUsers, demoOrganization } from '../../../../src/sim/demo/demo-tenant';
import type { SimCloudUser } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';

const BULK = 10_000;
const AARON = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const AARON_ANCHOR = guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0');
const NEWBIE_ANCHOR = guidToImmutableId('6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d');

function bulkUser(i: number): SimCloudUser {
  const n = String(i).padStart(5, '0');
  const [template] = demoCloudUsers();
  return {
    ...template,
    id: `00000000-0000-4000-8000-0000000${n}`,
    displayName: `Bulk Person ${n}`,
    givenName: 'Bulk',
    surname: `Person ${n}`,
    userPrincipalName: `bulk${n}@contoso.com`,
    mail: `bulk${n}@contoso.com`,
    proxyAddresses: [`SMTP:bulk${n}@contoso.com`],
  };
}

/**
 * The Graph service at scale and under pressure, against the simulator over HTTP, through the
 * production credential and client: 10,000 users paged, a throttling storm, and a sync cycle.
 */
describe('Graph service: paging, throttling and sync (HTTP)', function () {
  this.timeout(120_000);
  let sim: GraphSimulator;
  let cloud: CloudDirectory;
  const services = (timeoutMs: number) =>
    createGraphServices({
      baseUrl: sim.baseUrl,
      credential: {
        kind: 'client-secret',
        tenantId: DEMO_TENANT.tenantId,
        clientId: '9d1c7a52-3b8e-4f06-a1d2-5e6f7a8b9c0d',
        clientSecret: 'integration-secret',
      },
      authorityHost: sim.authorityUrl,
      authorityCaPem: sim.authorityCaPem,
      disableInstanceDiscovery: true,
      timeoutMs,
      maxRetries: 10,
    }).cloud;

  before(async () => {
    sim = new GraphSimulator({
      tenantId: DEMO_TENANT.tenantId,
      organization: demoOrganization(DEMO_TENANT.tenantId),
      users: [...demoCloudUsers(), ...Array.from({ length: BULK }, (_, i) => bulkUser(i + 1))],
    });
    await sim.start();
    await sim.startAuthority();
    cloud = services(60_000);
  });

  after(async () => {
    await sim?.stop();
  });

  it(`follows @odata.nextLink over ${BULK} matching users to the end, without duplicates`, async () => {
    const result = await cloud.searchUsers('Bulk', { limit: 20_000 });
    assert.equal(result.truncated, false);
    assert.equal(result.items.length, BULK);
    assert.equal(new Set(result.items.map((u) => u.id)).size, BULK);
    assert.ok(result.pages >= BULK / 999, `only ${result.pages} pages`);
  });

  it('stops at a cap and reports it as truncated, with the total Graph counted', async () => {
    const result = await cloud.searchUsers('Bulk', { limit: 250 });
    assert.equal(result.items.length, 250);
    assert.equal(result.truncated, true);
    assert.equal(result.total, BULK);
  });

  it('gets through a 429 storm (2 writes a second) by honouring Retry-After, within the deadline', async () => {
    sim.throttle.configure({ writeLimit: 2, writeWindowMs: 1000 });
    try {
      const started = Date.now();
      const patient = services(20_000);
      for (let i = 0; i < 4; i++) {
        await patient.setImmutableId(AARON, AARON_ANCHOR);
        await patient.clearImmutableId(AARON);
      }
      const elapsed = Date.now() - started;
      const throttled = sim.requests.filter((r) => r.status === 429).length;
      assert.ok(throttled >= 3, `only ${throttled} answers were 429`);
      assert.ok(elapsed >= 3000 && elapsed < 20_000, `took ${elapsed} ms`);
      assert.equal((await cloud.getUser(AARON)).onPremisesImmutableId, null);
    } finally {
      sim.throttle.configure({ writeLimit: 3000, writeWindowMs: 150_000 });
    }
  });

  it('turns a linked cloud-only user into a synced one, and an unlinked AD user into a duplicate', async () => {
    await cloud.setImmutableId(AARON, AARON_ANCHOR);
    const adUser = (sam: string, anchor: string, name: string) => ({
      sourceAnchor: anchor,
      sAMAccountName: sam,
      userPrincipalName: `${sam}@contoso.com`,
      mail: `${sam}@contoso.com`,
      displayName: name,
      distinguishedName: `CN=${name},OU=Staff,DC=corp,DC=contoso,DC=com`,
      enabled: true,
      inScope: true,
    });
    const report = sim.runSyncCycle([
      adUser('apes', AARON_ANCHOR, 'Aaron Pescasio'),
      adUser('nnew', NEWBIE_ANCHOR, 'Nina New'),
    ]);
    assert.equal(report.errors.length, 0, JSON.stringify(report.errors));

    const aaron = await cloud.getUser(AARON);
    assert.equal(aaron.onPremisesSyncEnabled, true);
    assert.equal(aaron.onPremisesImmutableId, AARON_ANCHOR);
    assert.equal(aaron.onPremisesSamAccountName, 'apes');
    assert.ok(Date.parse(aaron.onPremisesLastSyncDateTime ?? '') > Date.now() - 60_000);

    const twin = await cloud.findImmutableIdHolders(NEWBIE_ANCHOR);
    assert.equal(twin.users.length, 1);
    assert.equal(twin.users[0].onPremisesSyncEnabled, true);
    assert.notEqual(twin.users[0].id, AARON);
  });
});
