import assert from 'node:assert/strict';
import type { CloudDirectory, TwinCleanupDirectory } from '../../../../../src/services/entra/cloud-directory';
import { guidToImmutableId } from '../../../../../src/shared/directory/immutable-id';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import { LinkService } from '../../../../../src/services/link/link-service';
import { runPreflight } from '../../../../../src/services/link/preflight/run-preflight';
import { TwinPlanner } from '../../../../../src/services/link/twin/twin-planner';
import { planWarnings } from '../../../../../src/services/link/twin/twin-plan';
import { RelayPresence } from '../../../../../src/services/relay/presence';
import { MemoryStateStore } from '../../../../../src/services/state/memory-state-store';
import { DemoDirectory } from '../../../../../src/sim/demo/demo-directory';
import { demoGraphSeed } from '../../../../../src/sim/demo/demo-graph-seed';
import { DEMO_SYNC_OUS, DEMO_TENANT, demoDirectoryUsers } from '../../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../../src/sim/graph/graph-simulator';
import { cloudOn } from '../../../../support/graph-sim';
import { REQUESTER } from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { pollRequest } from '../../../../support/relay-messages';

const APES = {
  guid: '35918bc9-196d-40ea-9779-889d79b753f0',
  cloudId: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01',
};
const TWIN_ID = 'a1b2c3d4-0000-4000-8000-00000000a7e5';

/**
 * Planning and filing a synced-twin fix against the Graph simulator over HTTP (the production
 * Graph service) and the demo AD: apes already has a synced twin next to his cloud-only user.
 */
describe('twin planner against the Graph simulator (HTTP) and the demo AD', function () {
  this.timeout(30_000);
  let sim: GraphSimulator;
  let cloud: CloudDirectory & TwinCleanupDirectory;
  const directory = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);

  before(async () => {
    const seed = demoGraphSeed(DEMO_TENANT.tenantId);
    sim = new GraphSimulator({
      ...seed,
      users: [
        ...seed.users,
        {
          id: TWIN_ID,
          displayName: 'Aaron Pescasio',
          userPrincipalName: 'apes1@contoso.onmicrosoft.com',
          proxyAddresses: [],
          accountEnabled: true,
          userType: 'Member',
          createdDateTime: '2026-12-01T10:00:00Z',
          onPremisesImmutableId: guidToImmutableId(APES.guid),
          onPremisesSyncEnabled: true,
          onPremisesLastSyncDateTime: '2026-12-01T10:00:00Z',
          onPremisesSamAccountName: 'apes',
          onPremisesUserPrincipalName: 'apes@contoso.com',
        },
      ],
    });
    cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
  });

  after(async () => {
    await sim?.stop();
  });

  it('plans the fix of the twin the preflight found, parks outside the synced OU, and files it', async () => {
    const relay = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await relay.record(pollRequest('aadc01'));
    const report = await runPreflight(
      { adObjectGuid: APES.guid, cloudUserId: APES.cloudId },
      { directory, cloud, relay, suffixMap: new Map() },
      { deadline: Date.now() + 20_000 },
    );
    assert.equal(report.checks.find((c) => c.id === 'no-synced-twin')?.status, 'fail');

    const plan = await new TwinPlanner({ cloud, directory, syncScopeOus: DEMO_SYNC_OUS }).plan(report);
    assert.equal(plan.twin.id, TWIN_ID);
    assert.equal(plan.original.id, APES.cloudId);
    // Closest to apes (same domain), then by name: the first of the demo's OUs outside OU=Staff.
    assert.deepEqual(plan.parking, { dn: 'OU=Former Staff,DC=corp,DC=contoso,DC=com', source: 'derived' });
    assert.ok(
      plan.twinChecks.find((c) => c.id === 'twin-identity')?.status === 'pass',
      JSON.stringify(plan.twinChecks),
    );

    const store = new MemoryStateStore();
    const link = new LinkService({
      store,
      audit: new AuditLog(store),
      isAdmin: () => true,
      logger: memoryLogger().logger,
    });
    const draft = await link.draft(
      await link.saveTwinDraft(REQUESTER.aadObjectId, plan),
      REQUESTER.aadObjectId,
    );
    // The twin holds nothing the original lacks; the tenant's hard-match flag is the one warning.
    assert.equal(plan.verdict, 'warn');
    assert.deepEqual(
      planWarnings(plan).map((w) => w.id),
      ['tenant-hard-match-block'],
    );
    await assert.rejects(
      link.file({ draft, requester: REQUESTER, reason: 'duplicate', acknowledged: [], correlationId: 'c' }),
      /Acknowledge every warning first/,
    );
    const request = await link.file({
      draft,
      requester: REQUESTER,
      reason: 'duplicate of apes',
      acknowledged: planWarnings(plan).map((w) => w.id),
      correlationId: 'c',
    });
    assert.equal(request.twinFix?.plan.twin.id, TWIN_ID);
  });
});
