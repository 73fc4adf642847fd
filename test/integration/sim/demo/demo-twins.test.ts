import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AD_VIEW_ENV, GRAPH_URL_ENV, runGraphSync } from '../../../../src/sim/adsync-host/graph-sync';
import { keepAdViewCurrent } from '../../../../src/sim/demo/ad-view';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { DEMO_GRAPH_USERS, DEMO_TWIN_LICENCE_SKU } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_SYNC_OUS, demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';
import type { SyncReport } from '../../../../src/sim/graph/model';
import { startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

/**
 * The demo's twin cases, wired as `npm start` wires them (the demo AD with its sync OUs, the AD
 * view file kept current, the ADSync host's delta over HTTP): the seed is what a delta leaves, and
 * the documented fix works on it when the AD admin's part is a DemoDirectory move.
 */
describe('demo tenant: the synced twins of Diego and Miriam', () => {
  const UNSYNCED = 'OU=Unsynced,DC=corp,DC=contoso,DC=com';
  const u = DEMO_GRAPH_USERS;
  let h: SimHarness;
  let dir: string;
  let directory: DemoDirectory;
  let delta: () => Promise<SyncReport>;

  beforeEach(async () => {
    h = await startSim();
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-demo-twins-'));
    const file = path.join(dir, 'ad-view.json');
    directory = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);
    keepAdViewCurrent(directory, file);
    delta = async () => {
      const result = await runGraphSync({ [GRAPH_URL_ENV]: h.base, [AD_VIEW_ENV]: file });
      assert.ok(result && 'status' in result && result.status === 200, JSON.stringify(result));
      return result.report as SyncReport;
    };
  });
  afterEach(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const anchorOf = async (sam: string) =>
    (await directory.find('sAMAccountName', sam)).users[0].sourceAnchor.immutableId;

  it('seeds each twin as Entra Connect left it: synced with the AD anchor, renamed UPN, beside the original', async () => {
    const twins = [
      [u.cleanTwin, u.cleanTwinOriginal, 'diegos', /^diegos\d{4}@contoso\.onmicrosoft\.com$/],
      [u.licensedTwin, u.licensedTwinOriginal, 'miriamg', /^miriamg\d{4}@contoso\.onmicrosoft\.com$/],
    ] as const;
    for (const [twinId, originalId, sam, upn] of twins) {
      const twin = h.sim.state.users.get(twinId)!;
      const original = h.sim.state.users.get(originalId)!;
      assert.match(twin.userPrincipalName, upn);
      assert.equal(twin.onPremisesSyncEnabled, true);
      assert.equal(twin.onPremisesImmutableId, await anchorOf(sam));
      assert.equal(original.userPrincipalName, `${sam}@contoso.com`);
      assert.deepEqual([original.onPremisesImmutableId, original.onPremisesSyncEnabled], [null, null]);
    }
    // The simulator stores no licence as an empty assignedLicenses (Graph's [] for an unlicensed user).
    assert.deepEqual(h.sim.state.users.get(u.cleanTwin)!.assignedLicenses, []);
    assert.deepEqual(h.sim.state.users.get(u.licensedTwin)!.assignedLicenses, [
      { skuId: DEMO_TWIN_LICENCE_SKU, disabledPlans: [] },
    ]);
  });

  /** Aaron is the demo's one pending export: a delta without his link creates his twin. */
  const aaronOnly = (created: SyncReport['created']) => {
    assert.deepEqual(
      created.map((c) => c.userPrincipalName.replace(/\d{4}@/, '####@')),
      created.length === 0 ? [] : ['apes####@contoso.onmicrosoft.com'],
    );
  };

  it('is what a delta leaves: the next delta refreshes the twins and changes nothing else', async () => {
    const strip = (id: string) => {
      const { onPremisesLastSyncDateTime: _, ...rest } = structuredClone(h.sim.state.users.get(id)!);
      return rest;
    };
    const before = [u.cleanTwin, u.licensedTwin, u.cleanTwinOriginal, u.licensedTwinOriginal].map(strip);
    const report = await delta();
    aaronOnly(report.created);
    assert.equal(report.created.length, 1);
    assert.deepEqual([report.matched, report.deleted, report.errors], [[], [], []]);
    assert.ok(report.refreshed.some((r) => r.userId === u.cleanTwin));
    assert.ok(report.refreshed.some((r) => r.userId === u.licensedTwin));
    assert.deepEqual(
      [u.cleanTwin, u.licensedTwin, u.cleanTwinOriginal, u.licensedTwinOriginal].map(strip),
      before,
    );
  });

  it("is fixed by the documented procedure, the AD admin's moves made in the demo AD", async () => {
    const anchor = await anchorOf('diegos');
    // 1–2: Diego out of scope; the delta soft-deletes his twin, and only it.
    directory.move('diegos', UNSYNCED);
    const out = await delta();
    assert.deepEqual(out.deleted, [{ sourceAnchor: anchor, userId: u.cleanTwin }]);
    aaronOnly(out.created);
    assert.deepEqual([out.matched, out.errors], [[], []]);
    // 3–4: hard-delete the twin, set the ImmutableId on the original.
    assert.equal((await h.send('DELETE', `/v1.0/directory/deletedItems/${u.cleanTwin}`)).status, 204);
    const patch = await h.send('PATCH', `/v1.0/users/${u.cleanTwinOriginal}`, {
      onPremisesImmutableId: anchor,
    });
    assert.equal(patch.status, 204);
    // 5–6: back in scope; the delta hard-matches the original.
    directory.move('diegos', DEMO_SYNC_OUS[0]);
    const back = await delta();
    assert.deepEqual(back.matched, [
      { sourceAnchor: anchor, userId: u.cleanTwinOriginal, userPrincipalName: 'diegos@contoso.com' },
    ]);
    assert.deepEqual([back.created, back.deleted, back.errors], [[], [], []]);
    const original = h.sim.state.users.get(u.cleanTwinOriginal)!;
    assert.deepEqual(
      [original.onPremisesSyncEnabled, original.onPremisesDistinguishedName],
      [true, `CN=Diego Siciliani,${DEMO_SYNC_OUS[0]}`],
    );
    assert.equal(h.sim.state.users.has(u.cleanTwin) || h.sim.state.deletedUsers.has(u.cleanTwin), false);
  });
});
