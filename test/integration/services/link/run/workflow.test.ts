import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import type { CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import { guidToImmutableId } from '../../../../../src/shared/directory/immutable-id';
import type { LinkRequest } from '../../../../../src/services/link/link-request';
import { LinkRequestStore } from '../../../../../src/services/link/request-store';
import { LinkWorkflow } from '../../../../../src/services/link/run/workflow';
import { anchorUniqueCheck, noSyncedTwinCheck } from '../../../../../src/services/link/preflight/checks';
import type { PreflightReport } from '../../../../../src/services/link/preflight/report';
import { RelayClient } from '../../../../../src/services/relay/relay-client';
import { RelayPresence } from '../../../../../src/services/relay/presence';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../../../../../src/sim/adsync-host/graph-sync';
import { demoGraphSeed } from '../../../../../src/sim/demo/demo-graph-seed';
import {
  DEMO_GRAPH_APP,
  DEMO_TENANT,
  demoCloudUsers,
  demoDirectoryUsers,
} from '../../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../../src/sim/graph/graph-simulator';
import type { SimAdUser, SyncReport } from '../../../../../src/sim/graph/graph-simulator';
import {
  APES_CLOUD_ID,
  APES_IMMUTABLE_ID,
  APPROVER,
  apesPreflight,
  apesRequest,
} from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { HARNESS_RELAY_ID, RelayHarness } from '../../../../support/relay-harness';

/** The AD side a delta cycle exports: the demo's in-scope users whose cloud side exists. */
function adView(): SimAdUser[] {
  return demoDirectoryUsers()
    .filter((u) => u.sAMAccountName === 'apes' || u.sAMAccountName === 'lrobbins')
    .map((u) => ({
      sourceAnchor: guidToImmutableId(u.objectGuid),
      sAMAccountName: u.sAMAccountName,
      userPrincipalName: u.userPrincipalName!,
      mail: u.mail,
      displayName: u.displayName!,
      givenName: u.givenName,
      surname: u.surname,
      distinguishedName: u.dn,
      enabled: u.enabled,
      inScope: u.inSyncScope,
    }));
}

/**
 * The link workflow with real parts: the Anchor app's relay API and RelayClient, the relay as a
 * child process driving the stand-in ADSync host, whose delta cycle runs the Graph simulator's
 * sync engine, and the production Graph service over HTTP.
 */
describe('link workflow: bot → relay process → stand-in ADSync host → Graph simulator', function () {
  this.timeout(90_000);
  const { logger } = memoryLogger();
  let dir: string;
  let graph: GraphSimulator;
  let h: RelayHarness;
  let cloud: CloudDirectory;
  let requests: LinkRequestStore;
  let audit: AuditLog;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-link-workflow-'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    const viewPath = path.join(dir, 'ad-view.json');
    writeFileSync(viewPath, JSON.stringify(adView()));
    h = await RelayHarness.create({
      graph,
      dir,
      logger,
      relayEnv: {
        [GRAPH_URL_ENV]: graph.baseUrl,
        [AD_VIEW_ENV]: viewPath,
        // A resume that does not take: two read-back attempts per job, then the relay's own retries.
        RELAY_RESUME_ATTEMPTS: '2',
        RELAY_RESUME_RETRY_MS: '200',
        RELAY_LEASE_RETRY_MS: '1000',
      },
    });
    await h.startBot();
    cloud = h.cloud!;
    requests = new LinkRequestStore(h.store, { isAdmin: () => true });
    audit = new AuditLog(h.store);
    await h.startRelayAndWait();
  });

  beforeEach(() => {
    // Each scenario starts from the demo tenant's cloud-only Aaron and an idle, enabled scheduler.
    graph.state.addUser(demoCloudUsers().find((u) => u.id === APES_CLOUD_ID)!);
    h.adsync.set({
      syncCycleEnabled: true,
      fail: {},
      hang: null,
      cycleRunningUntil: null,
      pauseIgnored: 0,
      resumeIgnored: 0,
      history: [],
    });
  });

  after(async () => {
    await h?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function workflow(
    relay: RelayClient,
    onChange?: (r: LinkRequest) => void,
    cycleWaitMs = 20_000,
    recheck?: () => Promise<PreflightReport>,
  ): LinkWorkflow {
    return new LinkWorkflow({
      requests,
      audit,
      cloud,
      relay,
      // Preflight proper is tested on its own; here the re-check reads the live cloud user.
      recheck: recheck ?? (async () => apesPreflight({}, { cloud: await cloud.getUser(APES_CLOUD_ID) })),
      verifyTimeoutMs: 20_000,
      verifyIntervalMs: 250,
      cycleWaitMs,
      cycleCheckIntervalMs: 250,
      logger,
      onChange,
    });
  }

  async function approvedRequest(): Promise<string> {
    const request = await requests.create(apesRequest());
    await requests.decide(request.id, APPROVER, 'approved');
    return request.id;
  }

  const stepsOf = (r: LinkRequest) => r.run?.steps.map((s) => `${s.name}:${s.state}`) ?? [];
  /** The relay's stored pause lease (its state file; none before its first write). */
  const relayLease = (): Record<string, string> | null => {
    const file = path.join(dir, 'relay-state.json');
    if (!existsSync(file)) return null;
    return (JSON.parse(readFileSync(file, 'utf8')) as { lease: Record<string, string> | null }).lease;
  };
  /** The scheduler as the relay's last heartbeat reported it to the bot. */
  const heartbeat = async () => (await h.client.lastHeartbeat())?.poll?.scheduler;
  const schedulerWrites = () =>
    h.adsync
      .history()
      .filter((e) => e.cmdlet === 'Set-ADSyncScheduler')
      .map((e) => e.parameters.SyncCycleEnabled);

  it('links apes: Graph shows the ImmutableId synced, the scheduler ends enabled, every step audited', async () => {
    const id = await approvedRequest();
    const progress: string[] = [];
    const done = await workflow(h.client, (r) => void progress.push(stepsOf(r).join(','))).run(id);
    assert.ok(done);

    assert.equal(done.state, 'linked', JSON.stringify(done.run?.failure));
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:done',
      'delta:done',
      'verify:done',
    ]);
    assert.equal(done.immutableIdBefore, null);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
    assert.ok(progress.length >= 13, `only ${progress.length} progress updates`);

    const user = await cloud.getUser(APES_CLOUD_ID);
    assert.equal(user.onPremisesImmutableId, APES_IMMUTABLE_ID);
    assert.equal(user.onPremisesSyncEnabled, true);
    assert.equal(user.onPremisesSamAccountName, 'apes');

    assert.equal(h.adsync.read().syncCycleEnabled, true);
    assert.deepEqual(schedulerWrites(), [false, true], 'paused once, resumed once');
    const delta = h.adsync.history().find((e) => e.cmdlet === 'Start-ADSyncSyncCycle');
    const report = (delta?.graphSync as { report?: SyncReport } | undefined)?.report;
    assert.deepEqual(
      report?.matched.map((m) => m.userId),
      [APES_CLOUD_ID],
      'the cycle hard-matched the cloud user',
    );
    assert.deepEqual(report?.created, [], 'no duplicate was created');

    const entries = (await audit.recent({ requestId: id })).reverse();
    assert.deepEqual(
      entries.map((e) => (e.action === 'link.step' ? e.detail.split(':')[0] : e.action)),
      [
        'pause done',
        'preflight done',
        'set-immutable-id done',
        'resume done',
        'delta done',
        'verify done',
        'link.linked',
      ],
    );
    assert.equal(entries.at(-1)!.immutableIdAfter, APES_IMMUTABLE_ID);
  });

  it('links while advanced queries lag: the re-check does not count a value just cleared elsewhere, verify reads by id', async () => {
    const annaId = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02';
    // Anna carried a stale copy of Aaron's value, which the index has seen; an admin cleared it
    // just before the approval, and the index will list her for a while yet.
    graph.state.users.get(annaId)!.onPremisesImmutableId = APES_IMMUTABLE_ID;
    graph.state.advancedIndex.setLag(8_000);
    try {
      await cloud.clearImmutableId(annaId);
      const recheck = async (): Promise<PreflightReport> => {
        const holders = await cloud.findImmutableIdHolders(APES_IMMUTABLE_ID);
        const report = apesPreflight({}, { cloud: await cloud.getUser(APES_CLOUD_ID) });
        const checks = report.checks.map((c) =>
          c.id === 'anchor-unique'
            ? anchorUniqueCheck(holders, APES_CLOUD_ID, APES_IMMUTABLE_ID)
            : c.id === 'no-synced-twin'
              ? noSyncedTwinCheck(holders, APES_CLOUD_ID)
              : c,
        );
        return { ...report, checks };
      };
      const done = await workflow(h.client, undefined, 20_000, recheck).run(await approvedRequest());
      assert.ok(done);
      assert.equal(done.state, 'linked', JSON.stringify(done.run?.failure));
      // The index still listed Anna while the run went through (it had not caught up yet).
      const listed = [...graph.state.advancedIndex.users()].filter(
        (u) => u.onPremisesImmutableId === APES_IMMUTABLE_ID,
      );
      assert.ok(
        listed.some((u) => u.id === annaId),
        'the index no longer lagged; the test proved nothing',
      );
    } finally {
      graph.state.advancedIndex.setLag(0);
      graph.state.users.get(annaId)!.onPremisesImmutableId = null;
    }
  });

  it('sends no PATCH when the re-check cannot confirm the UPN domain managed, though the warning was acknowledged', async () => {
    const warned = apesPreflight({ 'domain-managed': 'warn' });
    const request = await requests.create(apesRequest(warned));
    await requests.decide(request.id, APPROVER, 'approved');
    graph.requests.length = 0;
    const done = await workflow(h.client, undefined, 20_000, async () => warned).run(request.id);
    assert.ok(done);

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:done', 'preflight:failed', 'resume:done']);
    assert.match(done.run!.failure!.message, /could undo the write.*federated domain, clearing included/);
    assert.deepEqual(
      graph.requests.filter((r) => r.method === 'PATCH'),
      [],
      'nothing was written to Graph',
    );
    assert.equal(h.adsync.read().syncCycleEnabled, true);
  });

  it('fails with the relay’s message when the delta fails: scheduler enabled, ImmutableId back to none', async () => {
    h.adsync.setFailing(
      'Start-ADSyncSyncCycle',
      'The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)',
    );
    const id = await approvedRequest();
    const done = await workflow(h.client).run(id);
    assert.ok(done);

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:done',
      'delta:failed',
      'rollback:done',
    ]);
    const failure = done.run!.failure!;
    assert.equal(failure.step, 'delta');
    assert.match(failure.message, /delta failed: .*The RPC server is unavailable/);
    assert.match(failure.advice, /Start-ADSyncSyncCycle failed/);

    assert.equal(h.adsync.read().syncCycleEnabled, true);
    assert.deepEqual(schedulerWrites(), [false, true]);
    const user = await cloud.getUser(APES_CLOUD_ID);
    assert.equal(user.onPremisesImmutableId, null);
    assert.equal(user.onPremisesSyncEnabled, null);
    assert.equal(done.immutableIdAfter, null);
    const last = (await audit.recent({ requestId: id }))[0];
    assert.equal(last.action, 'link.failed');
  });

  it('a write Graph refuses for lack of User.ReadUpdate.All: ✗ at set-immutable-id naming the permission, scheduler enabled, nothing written', async () => {
    // Reading users is allowed (the re-check reads the cloud user); writing them is not.
    graph.state.clients.push({ clientId: DEMO_GRAPH_APP.clientId, permissions: ['User.Read.All'] });
    try {
      const id = await approvedRequest();
      const done = await workflow(h.client).run(id);
      assert.ok(done);

      assert.equal(done.state, 'failed');
      const failure = done.run!.failure!;
      assert.equal(failure.step, 'set-immutable-id', JSON.stringify(failure));
      assert.ok(stepsOf(done).includes('set-immutable-id:failed'), stepsOf(done).join(','));
      assert.match(failure.message, /403 Authorization_RequestDenied/);
      assert.match(failure.message, /lacks User\.ReadUpdate\.All \(/);
      // Graph answers a missing permission and a privileged target with the same 403 (issue 15).
      assert.match(failure.advice, /grant Anchor's identity User\.ReadUpdate\.All \(/);

      assert.equal(h.adsync.read().syncCycleEnabled, true);
      assert.deepEqual(schedulerWrites(), [false, true]);
      assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, null);
    } finally {
      graph.state.clients.splice(0);
    }
  });

  it('fails at pause when the relay has stopped polling, changing nothing', async () => {
    await h.stopRelay();
    try {
      // The app counts a relay offline after 60 s of silence; the same client with a 1 s window
      // reaches that verdict without the wait.
      const presence = new RelayPresence(1000, { store: h.store, relayIds: [HARNESS_RELAY_ID] });
      const offline = new RelayClient({ queue: h.app!.relayJobs!, presence, relayId: HARNESS_RELAY_ID });
      await h.until('the relay counts as offline', async () => {
        const heartbeat = await presence.lastHeartbeat();
        return !!heartbeat && !presence.isFresh(heartbeat);
      });

      const id = await approvedRequest();
      const done = await workflow(offline).run(id);
      assert.ok(done);

      assert.equal(done.state, 'failed');
      assert.deepEqual(stepsOf(done), ['pause:failed']);
      assert.equal(done.run!.failure!.step, 'pause');
      assert.match(done.run!.failure!.message, /relay "aadc01" has not polled since/);
      assert.match(done.run!.failure!.advice, /relay service on the Entra Connect server/);

      assert.deepEqual(h.adsync.history(), [], 'the sync server saw nothing');
      assert.equal(h.adsync.read().syncCycleEnabled, true);
      assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, null);
    } finally {
      await h.startRelayAndWait();
    }
  });

  it("an account without rights on the scheduler: ✗ at pause saying the relay's account may not pause it, nothing written", async () => {
    h.adsync.set({ schedulerAccessDenied: true });
    try {
      const id = await approvedRequest();
      const done = await workflow(h.client).run(id);
      assert.ok(done);

      assert.equal(done.state, 'failed');
      assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
      const failure = done.run!.failure!;
      assert.equal(failure.step, 'pause');
      assert.equal(failure.problem, 'scheduler-access-denied');
      assert.match(
        failure.message,
        /^The relay's account may not pause the scheduler on aadc01 .*ADSyncAdmins/,
      );
      // PowerShell's own words stay in the step's record (and the relay's log), not on the headline.
      const pause = done.run!.steps.find((s) => s.name === 'pause');
      assert.match(pause?.detail ?? '', /Access is denied/);
      assert.match(failure.advice, /restart the relay service .*-TestSchedulerRights/s);

      assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, null, 'nothing written');
      assert.ok(
        h.adsync
          .history()
          .some((e) => e.cmdlet === 'Set-ADSyncScheduler' && /Access is denied/.test(e.message ?? '')),
        'the stand-in refused the pause',
      );
      assert.equal(h.adsync.read().syncCycleEnabled, true);
      assert.equal(relayLease(), null, 'no lease for a pause that was refused');
    } finally {
      h.adsync.set({ schedulerAccessDenied: false });
    }
  });

  it('a pause that does not take: ✗ at pause, nothing written, no lease held, the scheduler enabled', async () => {
    h.adsync.ignorePause('always');
    const id = await approvedRequest();
    const done = await workflow(h.client).run(id);
    assert.ok(done);

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    const failure = done.run!.failure!;
    assert.equal(failure.step, 'pause');
    assert.equal(failure.problem, 'pause-not-taken');
    assert.match(
      failure.message,
      /the scheduler is still enabled after Set-ADSyncScheduler -SyncCycleEnabled \$false on aadc01/,
    );
    assert.match(failure.advice, /Anchor wrote nothing/);

    assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, null, 'nothing written');
    assert.ok(
      h.adsync.history().some((e) => e.cmdlet === 'Set-ADSyncScheduler' && e.ignored),
      'the stand-in swallowed the pause',
    );
    assert.equal(h.adsync.read().syncCycleEnabled, true);
    assert.equal(relayLease(), null, 'the relay holds no lease for a pause that never took');
  });

  it('a resume that does not take: ✗ "still paused", never ✓ Linked; the relay keeps its lease and resumes by itself once the fault clears', async () => {
    h.adsync.ignoreResume('always');
    const id = await approvedRequest();
    const seen: LinkRequest['state'][] = [];
    const done = await workflow(h.client, (r) => void seen.push(r.state)).run(id);
    assert.ok(done);

    assert.equal(done.state, 'failed');
    assert.ok(!seen.includes('linked'), 'never shown ✓ Linked');
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:failed',
      'resume:failed',
      'rollback:done',
    ]);
    const failure = done.run!.failure!;
    assert.equal(failure.step, 'resume');
    assert.equal(failure.problem, 'scheduler-still-paused');
    assert.equal(failure.scheduler, 'paused');
    assert.match(
      failure.message,
      /^The sync scheduler is still paused on aadc01 \(the relay: resume failed: Get-ADSyncScheduler still shows SyncCycleEnabled False after 2 attempts/,
    );
    assert.match(failure.advice, /Run Set-ADSyncScheduler -SyncCycleEnabled \$true on aadc01/);
    assert.equal(
      (await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId,
      null,
      'the value was cleared again',
    );
    assert.ok(!h.adsync.history().some((e) => e.cmdlet === 'Start-ADSyncSyncCycle'), 'no delta while paused');

    assert.equal(h.adsync.read().syncCycleEnabled, false);
    const owed = relayLease();
    assert.ok(
      owed?.resumeOwedSince,
      `the relay keeps its lease and owes the resume: ${JSON.stringify(owed)}`,
    );
    await h.until(
      'the heartbeat to report the scheduler paused',
      async () => (await heartbeat())?.syncCycleEnabled === false,
    );
    const tries = () =>
      h.adsync.history().filter((e) => e.cmdlet === 'Set-ADSyncScheduler' && e.ignored).length;
    const before = tries();
    await h.until('the relay to try again by itself', () => tries() > before, 10_000);

    h.adsync.ignoreResume(0); // the fault clears
    await h.until(
      'the relay resumes the scheduler by itself',
      () => h.adsync.read().syncCycleEnabled === true,
      15_000,
    );
    await h.until('the relay releases its lease', () => relayLease() === null);
    await h.until(
      'the heartbeat to report the scheduler enabled and no lease',
      async () => {
        const state = await heartbeat();
        return state?.syncCycleEnabled === true && state.pauseLeaseExpiresAt === null;
      },
      45_000,
    );
    await h.until('the lease-resumed event to reach the bot', async () =>
      (await h.app!.relayEvents!.list()).some(
        (e) => e.kind === 'lease-resumed' && /did not take/.test(e.message),
      ),
    );
  });

  it('a sync cycle still running after the pause: the run waits for it, then links', async () => {
    h.adsync.setCycleRunning(3000);
    const cycleEnds = Date.parse(h.adsync.read().cycleRunningUntil!);
    const id = await approvedRequest();
    const done = await workflow(h.client).run(id);
    assert.ok(done);

    assert.equal(done.state, 'linked', JSON.stringify(done.run?.failure));
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'wait-for-cycle:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:done',
      'delta:done',
      'verify:done',
    ]);
    const set = done.run!.steps.find((s) => s.name === 'set-immutable-id')!;
    assert.ok(Date.parse(set.startedAt) >= cycleEnds, 'the PATCH went out only after the cycle ended');
    assert.match(
      done.run!.steps.find((s) => s.name === 'wait-for-cycle')!.detail ?? '',
      /ended \(after \d+ s\)/,
    );
    assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, APES_IMMUTABLE_ID);
    assert.equal(h.adsync.read().syncCycleEnabled, true);
    assert.deepEqual(schedulerWrites(), [false, true]);
  });

  it('a sync cycle that never ends: the run resumes the scheduler and ends ✗ with the reason, writing nothing', async () => {
    h.adsync.setCycleRunning(Infinity);
    try {
      const id = await approvedRequest();
      const done = await workflow(h.client, undefined, 3000).run(id);
      assert.ok(done);

      assert.equal(done.state, 'failed');
      assert.deepEqual(stepsOf(done), ['pause:done', 'wait-for-cycle:failed', 'resume:done']);
      const failure = done.run!.failure!;
      assert.equal(failure.step, 'wait-for-cycle');
      assert.equal(failure.problem, 'cycle-still-running');
      assert.equal(failure.scheduler, 'enabled');
      assert.match(
        failure.message,
        /A sync cycle was still running on aadc01 3 s after the scheduler was paused/,
      );
      assert.equal((await cloud.getUser(APES_CLOUD_ID)).onPremisesImmutableId, null, 'nothing written');
      assert.equal(h.adsync.read().syncCycleEnabled, true);
      assert.deepEqual(schedulerWrites(), [false, true]);
      assert.equal(relayLease(), null);
    } finally {
      h.adsync.setCycleRunning(0);
    }
  });
});
