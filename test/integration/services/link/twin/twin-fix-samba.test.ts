import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DirectoryUser } from '../../../../../src/shared/directory/ad-directory';
import { LdapDirectory } from '../../../../../src/shared/directory/ldap-directory';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import type { CloudDirectory, TwinCleanupDirectory } from '../../../../../src/services/entra/cloud-directory';
import type { LinkRequest } from '../../../../../src/services/link/link-request';
import { runPreflight } from '../../../../../src/services/link/preflight/run-preflight';
import { planWarnings } from '../../../../../src/services/link/twin/twin-plan';
import type { TwinPlan } from '../../../../../src/services/link/twin/twin-plan';
import { TwinPlanner } from '../../../../../src/services/link/twin/twin-planner';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../../../../../src/sim/adsync-host/graph-sync';
import { writeAdView } from '../../../../../src/sim/demo/ad-view';
import { demoGraphSeed } from '../../../../../src/sim/demo/demo-graph-seed';
import { DEMO_GRAPH_APP, DEMO_TENANT, cloudOnlyUser } from '../../../../../src/sim/demo/demo-tenant';
import {
  READ_PERMISSIONS,
  TEAMWORK_PERMISSIONS,
  WRITE_PERMISSIONS,
} from '../../../../../src/sim/graph/app-permissions';
import { GraphSimulator } from '../../../../../src/sim/graph/graph-simulator';
import { sharedSambaDc } from '../../../../support/fixtures';
import { APPROVER, REQUESTER } from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { RelayHarness } from '../../../../support/relay-harness';
import { SYNCED_OU, UNSYNCED_OU } from '../../../../support/samba-dc';
import type { SambaDc } from '../../../../support/samba-dc';
import { until } from '../../../../support/until';

const ORIGINAL_ID = '7c0d1e2f-3a4b-4c5d-8e6f-0a1b2c3d4e01';
const TWIN_ID = '7c0d1e2f-3a4b-4c5d-8e6f-0a1b2c3d4e02';

/**
 * Issue 18 on real parts: Samba's `apes` reached Entra Connect before anyone linked him, so the
 * Graph simulator holds his cloud-only original and the synced twin Entra Connect made. The fix
 * runs in the real Anchor app (createApp: its LinkService, workflow and TwinFix, LDAPS to Samba,
 * Graph over HTTP) with the relay as a child process whose stand-in ADSync host runs the
 * simulator's sync engine at each delta. The test plays the AD admin: it moves `apes` with
 * ldapmodify, and a connector import loop hands the directory's current DN to the next delta, as
 * Entra Connect's import from AD would.
 */
describe('synced-twin fix: Samba AD DC, relay process, Graph simulator, Anchor app', function () {
  this.timeout(180_000);
  const { logger } = memoryLogger();
  let dir: string;
  let dc: SambaDc;
  let directory: LdapDirectory;
  let graph: GraphSimulator;
  let h: RelayHarness;
  let cloud: CloudDirectory & TwinCleanupDirectory;
  let apes: DirectoryUser;
  let importer: NodeJS.Timeout | undefined;
  let viewPath: string;

  /** Entra Connect's view of AD: `apes` as Samba has him now. */
  async function importFromAd(): Promise<void> {
    const [user] = (await directory.find('objectGuid', apes.objectGuid)).users;
    if (user) writeAdView(viewPath, [user], [SYNCED_OU]);
  }

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-twin-fix-'));
    viewPath = path.join(dir, 'ad-view.json');
    dc = await sharedSambaDc();
    directory = new LdapDirectory(dc.ldapOptions({ syncScopeOus: [SYNCED_OU] }));
    [apes] = (await directory.find('sAMAccountName', 'apes')).users;
    assert.ok(apes, 'Samba has apes');
    await importFromAd();
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    h = await RelayHarness.create({
      graph,
      dir,
      logger,
      directory,
      syncScopeOus: [SYNCED_OU],
      botEnv: { TWIN_POLL_SECONDS: '1', LINK_VERIFY_INTERVAL_SECONDS: '1' },
      relayEnv: { [GRAPH_URL_ENV]: graph.baseUrl, [AD_VIEW_ENV]: viewPath },
    });
    await h.startBot();
    cloud = h.cloud as CloudDirectory & TwinCleanupDirectory;
    await h.startRelayAndWait();
  });

  beforeEach(() => {
    // apes's cloud-only original and the synced twin Entra Connect created for him.
    graph.state.addUser(cloudOnlyUser(ORIGINAL_ID, 'aaron.pescasio@contoso.com', 'Aaron Pescasio'));
    graph.state.addUser({
      ...cloudOnlyUser(TWIN_ID, 'apes8412@contoso.onmicrosoft.com', 'Aaron Pescasio'),
      onPremisesImmutableId: apes.sourceAnchor.immutableId,
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: new Date().toISOString(),
      onPremisesSamAccountName: 'apes',
      onPremisesUserPrincipalName: apes.userPrincipalName ?? null,
    });
    importer = setInterval(() => void importFromAd().catch(() => undefined), 300);
  });

  afterEach(async () => {
    clearInterval(importer);
    // Whatever happened, apes goes home: later suites expect him in the synced OU.
    const [now] = (await directory.find('objectGuid', apes.objectGuid)).users;
    if (now && !now.dn.endsWith(SYNCED_OU)) dc.moveUser('apes', SYNCED_OU);
    graph.state.users.delete(ORIGINAL_ID);
    graph.state.users.delete(TWIN_ID);
    graph.state.deletedUsers.delete(TWIN_ID);
    graph.state.deletedUsers.delete(ORIGINAL_ID);
    await fetch(`${graph.baseUrl}/_sim/apps/${DEMO_GRAPH_APP.clientId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: null }),
    });
  });

  after(async () => {
    await directory?.close();
    await h?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The preflight of apes → the original, the plan of its twin, filed by one admin, approved by another. */
  async function planFileApprove(): Promise<{ plan: TwinPlan; requestId: string }> {
    const app = h.app!;
    const report = await runPreflight(
      { adObjectGuid: apes.objectGuid, cloudUserId: ORIGINAL_ID },
      { directory, cloud, relay: app.relay, suffixMap: new Map() },
      { deadline: Date.now() + 20_000 },
    );
    const twinCheck = report.checks.find((c) => c.id === 'no-synced-twin');
    assert.equal(twinCheck?.status, 'fail', JSON.stringify(report.checks));
    const plan = await new TwinPlanner({ cloud, directory, syncScopeOus: [SYNCED_OU] }).plan(report);
    assert.equal(plan.twin.id, TWIN_ID);
    // Samba's only OU outside the scope besides Domain Controllers, which is never proposed.
    assert.deepEqual(plan.parking, { dn: UNSYNCED_OU, source: 'derived' });
    assert.notEqual(plan.verdict, 'fail', JSON.stringify(plan.twinChecks));
    const draftId = await app.link.saveTwinDraft(REQUESTER.aadObjectId, plan);
    const draft = await app.link.draft(draftId, REQUESTER.aadObjectId);
    const request = await app.link.file({
      draft,
      requester: REQUESTER,
      reason: 'INC-4711 duplicate of Aaron',
      acknowledged: planWarnings(plan).map((w) => w.id),
      correlationId: 'twin-samba',
    });
    await assert.rejects(app.link.decide(request.id, REQUESTER, 'approved'), /another admin/);
    await app.link.decide(request.id, APPROVER, 'approved');
    return { plan, requestId: request.id };
  }

  async function request(id: string): Promise<LinkRequest> {
    const found = await h.app!.link.get(id);
    assert.ok(found);
    return found;
  }

  /** Waits until the fix's journal shows `step` in `state`. */
  async function journalShows(id: string, step: string, state: string): Promise<LinkRequest> {
    let last: LinkRequest | undefined;
    await until(
      `step ${step} ${state}`,
      async () => {
        last = await request(id);
        const latest = last.twinFix?.journal.filter((e) => e.step === step).at(-1);
        return latest?.state === state || ['linked', 'failed'].includes(last.state);
      },
      60_000,
    );
    return last!;
  }

  it('fixes the twin end to end: the admin parks apes, Anchor deletes the twin and links, the admin brings him back, ✓ linked', async () => {
    const { plan, requestId } = await planFileApprove();

    const parking = await journalShows(requestId, 'park', 'waiting');
    assert.match(
      parking.twinFix!.journal.at(-1)!.detail,
      new RegExp(`waiting for you to move apes to ${UNSYNCED_OU}`),
    );
    // Anchor never writes to AD: apes is where he was until the admin moves him.
    assert.equal((await directory.find('objectGuid', apes.objectGuid)).users[0]?.dn, apes.dn);
    dc.moveUser('apes', UNSYNCED_OU);

    const back = await journalShows(requestId, 'return', 'waiting');
    assert.equal(back.state, 'running', JSON.stringify(back.run?.failure));
    // Steps 2–4 are done: the twin was soft-deleted by the sync, then deleted for good, and the
    // original carries the anchor while apes is still parked.
    assert.equal(await cloud.getDeletedUser(TWIN_ID), null);
    assert.equal(graph.state.users.get(TWIN_ID), undefined);
    assert.equal(graph.state.users.get(ORIGINAL_ID)?.onPremisesImmutableId, plan.ad.immutableId);
    // Step 4 is the link run up to the resume (a wait-for-cycle only when the delta of step 2 may
    // still run); no delta or verify of its own: those are step 6, once apes is back in scope.
    assert.deepEqual(
      back.run?.steps.filter((s) => s.name !== 'wait-for-cycle').map((s) => `${s.name} ${s.state}`),
      ['pause done', 'preflight done', 'set-immutable-id done', 'resume done'],
    );
    assert.ok(back.run?.steps.every((s) => s.state === 'done'));
    assert.equal(h.adsync.read().syncCycleEnabled, true, 'the link run resumed the scheduler');
    dc.moveUser('apes', SYNCED_OU);

    await until('the fix to end', async () => (await request(requestId)).state !== 'running', 60_000);
    const done = await request(requestId);
    assert.equal(done.state, 'linked', JSON.stringify(done.run?.failure));
    assert.deepEqual(done.twinFix?.deletedTwin, {
      id: TWIN_ID,
      userPrincipalName: 'apes8412@contoso.onmicrosoft.com',
    });
    const original = await cloud.getUser(ORIGINAL_ID);
    assert.equal(original.onPremisesSyncEnabled, true);
    assert.equal(original.onPremisesImmutableId, apes.sourceAnchor.immutableId);
    const holders = await cloud.findImmutableIdHolders(apes.sourceAnchor.immutableId);
    assert.deepEqual(
      holders.users.map((u) => u.id),
      [ORIGINAL_ID],
    );
    assert.deepEqual(holders.deletedUsers, []);
    assert.deepEqual(
      done.twinFix!.journal.filter((e) => e.state === 'done').map((e) => e.step),
      ['park', 'soft-delete', 'hard-delete', 'link', 'return', 'hard-match'],
    );

    const audit = await new AuditLog(h.store).recent({ requestId });
    const deleted = audit.find((e) => e.action === 'twin.deleted');
    assert.ok(deleted, 'the permanent delete is audited');
    assert.match(deleted.detail, new RegExp(TWIN_ID));
    assert.match(deleted.detail, /apes8412@contoso\.onmicrosoft\.com/);
    assert.match(deleted.detail, new RegExp(APPROVER.name));
    assert.ok(audit.some((e) => e.action === 'twin.fixed'));
  });

  it('stops at the permanent delete Graph refuses, deleting nothing, and says what to do next', async () => {
    // A least-privilege mistake: the app may update users but was never granted User.DeleteRestore.All.
    const granted = [
      ...Object.values(READ_PERMISSIONS),
      ...Object.values(TEAMWORK_PERMISSIONS),
      ...Object.values(WRITE_PERMISSIONS),
    ]
      .flat()
      .filter((p) => p !== 'User.DeleteRestore.All' && p !== 'User.ReadWrite.All');
    await fetch(`${graph.baseUrl}/_sim/apps/${DEMO_GRAPH_APP.clientId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: [...new Set(granted)] }),
    });
    const { requestId } = await planFileApprove();
    await journalShows(requestId, 'park', 'waiting');
    dc.moveUser('apes', UNSYNCED_OU);

    await until('the fix to end', async () => (await request(requestId)).state !== 'running', 60_000);
    const failed = await request(requestId);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.run?.failure?.step, 'hard-delete');
    assert.match(failed.run!.failure!.message, /User\.DeleteRestore\.All/);
    const last = failed.twinFix!.journal.at(-1)!;
    assert.equal(last.failure?.states.twin, 'soft-deleted');
    assert.equal(last.failure?.states.adUser, 'parked');
    assert.equal(last.failure?.states.original, 'unlinked');
    assert.ok(last.failure?.nextSafeAction, 'a next safe action');
    // Nothing deleted for good, nothing written, the scheduler never paused.
    assert.ok(await cloud.getDeletedUser(TWIN_ID), 'the twin is still in Deleted users');
    assert.equal(graph.state.users.get(ORIGINAL_ID)?.onPremisesImmutableId, null);
    assert.equal(failed.twinFix?.deletedTwin, null);
    assert.equal(h.adsync.read().syncCycleEnabled, true);
  });
});
