import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import type { AuditEntry } from '../../../../../src/services/audit/audit-log';
import type { CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import {
  GraphDeadlineError,
  GraphThrottledError,
  ImmutableIdConflictError,
  OnPremisesMasteredError,
  PrivilegedTargetError,
} from '../../../../../src/services/entra/graph-errors';
import type { LinkRequest, LinkStep } from '../../../../../src/services/link/link-request';
import { LinkRequestStore } from '../../../../../src/services/link/request-store';
import { LinkWorkflow } from '../../../../../src/services/link/run/workflow';
import type { LinkWorkflowOptions } from '../../../../../src/services/link/run/workflow';
import { MemoryStateStore } from '../../../../../src/services/state/memory-state-store';
import type { PreflightReport } from '../../../../../src/services/link/preflight/report';
import { PreflightSubjectError } from '../../../../../src/services/link/preflight/run-preflight';
import type { RelayClient } from '../../../../../src/services/relay/relay-client';
import {
  APES_CLOUD_ID,
  APES_IMMUTABLE_ID,
  APPROVER,
  apesPreflight,
  apesRequest,
} from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { schedulerState } from '../../../../support/relay-messages';
import { PREFLIGHT_CHECK_IDS } from '../../../../../src/services/link/preflight/report';

import { FAST_RUN_TIMING, FakeCloud, FakeRelay, LEASE, LEASE_TEXT, relayError } from './run-fakes';

describe('LinkWorkflow', () => {
  let store: MemoryStateStore;
  let requests: LinkRequestStore;
  let audit: AuditLog;
  let cloud: FakeCloud;
  let relay: FakeRelay;
  let recheck: sinon.SinonStub<[LinkRequest], Promise<PreflightReport>>;
  let changes: LinkRequest[];
  let log: ReturnType<typeof memoryLogger>;

  beforeEach(() => {
    store = new MemoryStateStore();
    requests = new LinkRequestStore(store, { isAdmin: () => true });
    audit = new AuditLog(store);
    cloud = new FakeCloud();
    relay = new FakeRelay(cloud);
    recheck = sinon.stub<[LinkRequest], Promise<PreflightReport>>().resolves(apesPreflight());
    changes = [];
    log = memoryLogger();
  });

  afterEach(() => sinon.restore());

  function workflow(overrides: Partial<LinkWorkflowOptions> = {}): LinkWorkflow {
    return new LinkWorkflow({
      requests,
      audit,
      cloud: cloud as unknown as CloudDirectory,
      relay: relay as unknown as RelayClient,
      recheck,
      ...FAST_RUN_TIMING,
      logger: log.logger,
      onChange: (r) => void changes.push(r),
      ...overrides,
    });
  }

  async function approvedRequest(): Promise<string> {
    const request = await requests.create(apesRequest());
    await requests.decide(request.id, APPROVER, 'approved');
    return request.id;
  }

  /** Runs an approved request and returns what the run left behind. */
  async function runOne(overrides: Partial<LinkWorkflowOptions> = {}): Promise<LinkRequest> {
    const id = await approvedRequest();
    const done = await workflow(overrides).run(id);
    assert.ok(done, 'the run did not start');
    assert.deepEqual(await requests.get(id), done, 'the returned request is the stored one');
    return done;
  }

  const stepsOf = (r: LinkRequest) => r.run?.steps.map((s) => `${s.name}:${s.state}`) ?? [];
  const stepDetail = (r: LinkRequest, name: LinkStep['name']) =>
    r.run?.steps.filter((s) => s.name === name).pop()?.detail ?? '';
  const auditOf = async (id: string): Promise<AuditEntry[]> =>
    (await audit.recent({ requestId: id })).reverse();

  it('links: pause, preflight, set, resume, delta, verify; audited, logged and reported step by step', async () => {
    const done = await runOne();

    assert.equal(done.state, 'linked');
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:done',
      'delta:done',
      'verify:done',
    ]);
    for (const step of done.run!.steps) {
      assert.ok(step.startedAt && step.finishedAt && step.detail, JSON.stringify(step));
    }
    assert.match(stepDetail(done, 'pause'), new RegExp(`the scheduler was paused.*${LEASE_TEXT}`));
    assert.deepEqual(relay.operations(), ['pause', 'resume', 'delta']);
    assert.ok(
      relay.run.args.every((a) => a[1]?.requestId === done.id),
      'every job names the request',
    );
    sinon.assert.calledOnceWithExactly(cloud.setImmutableId, APES_CLOUD_ID, APES_IMMUTABLE_ID);
    sinon.assert.notCalled(cloud.clearImmutableId);
    assert.equal(done.immutableIdBefore, null);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
    assert.equal(done.run!.failure, null);
    assert.ok(done.run!.finishedAt);

    const entries = await auditOf(done.id);
    assert.deepEqual(
      entries.map((e) => `${e.action}${e.action === 'link.step' ? ` ${e.detail.split(':')[0]}` : ''}`),
      [
        'link.step pause done',
        'link.step preflight done',
        'link.step set-immutable-id done',
        'link.step resume done',
        'link.step delta done',
        'link.step verify done',
        'link.linked',
      ],
    );
    for (const e of entries) {
      assert.deepEqual(e.actor, { aadObjectId: null, name: 'Anchor' });
      assert.equal(e.correlationId, 'corr-apes-1');
      assert.equal(e.cloudUserId, APES_CLOUD_ID);
    }
    const set = entries.find((e) => e.detail.startsWith('set-immutable-id'))!;
    assert.equal(set.immutableIdBefore, null);
    assert.equal(set.immutableIdAfter, APES_IMMUTABLE_ID);
    const linked = entries.at(-1)!;
    assert.equal(linked.immutableIdBefore, null);
    assert.equal(linked.immutableIdAfter, APES_IMMUTABLE_ID);

    // Running and finished for each of six steps, then the outcome.
    assert.equal(changes.length, 13);
    assert.equal(changes[0].run!.steps[0].state, 'running');
    assert.equal(changes.at(-1)!.state, 'linked');

    const stepLines = log.lines().filter((l) => typeof l.step === 'string');
    assert.ok(stepLines.length >= 12);
    assert.ok(stepLines.every((l) => l.correlationId === 'corr-apes-1' && l.requestId === done.id));
  });

  it('runs a request once: a second run, or a racing one, does nothing', async () => {
    const id = await approvedRequest();
    const [a, b] = await Promise.all([workflow().run(id), workflow().run(id)]);
    assert.equal([a, b].filter(Boolean).length, 1, 'exactly one run started');
    const calls = relay.run.callCount;
    const entries = (await auditOf(id)).length;

    assert.equal(await workflow().run(id), undefined);
    assert.equal(relay.run.callCount, calls);
    assert.equal((await auditOf(id)).length, entries);
    sinon.assert.calledOnce(cloud.setImmutableId);
  });

  it('does nothing for a request that is not approved', async () => {
    const pending = await requests.create(apesRequest());
    assert.equal(await workflow().run(pending.id), undefined);
    assert.equal(await workflow().run('no-such-request'), undefined);
    sinon.assert.notCalled(relay.run);
    assert.equal((await requests.get(pending.id))!.state, 'pending');
  });

  it('fails at pause with the relay’s message, writes nothing, and still resumes', async () => {
    relay.failures.pause = relayError('failed', 'pause failed: Set-ADSyncScheduler : Access is denied.', {
      outcome: 'failed',
    });
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    assert.equal(done.run!.failure!.step, 'pause');
    assert.equal(done.run!.failure!.message, 'pause failed: Set-ADSyncScheduler : Access is denied.');
    assert.match(done.run!.failure!.advice, /ADSyncOperators/);
    sinon.assert.notCalled(cloud.setImmutableId);
    sinon.assert.notCalled(recheck);
    assert.equal(done.immutableIdAfter, null);
    const last = (await auditOf(done.id)).at(-1)!;
    assert.equal(last.action, 'link.failed');
    assert.match(last.detail, /Failed at pause: pause failed/);
  });

  it('resumes after a pause that timed out, since it may have taken effect', async () => {
    relay.failures.pause = relayError(
      'timeout',
      'relay "aadc01" started pause but reported no result in time',
    );
    const done = await runOne();

    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    assert.equal(done.run!.failure!.message, 'relay "aadc01" started pause but reported no result in time');
    assert.match(done.run!.failure!.advice, /relay's log and Get-ADSyncScheduler/);
  });

  it('sends no resume when the pause never reached the server (relay offline, or refused in staging)', async () => {
    relay.failures.pause = relayError(
      'offline',
      'relay "aadc01" has not polled since 2026-11-25T09:00:00.000Z',
    );
    const offline = await runOne();
    assert.deepEqual(relay.operations(), ['pause']);
    assert.deepEqual(stepsOf(offline), ['pause:failed']);
    assert.match(offline.run!.failure!.message, /has not polled since/);
    assert.match(offline.run!.failure!.advice, /relay service on the Entra Connect server/);

    relay.failures.pause = relayError(
      'refused',
      'pause was refused: the sync server is in staging mode; pause is refused (run it on the active server)',
      { outcome: 'refused' },
    );
    const staging = await runOne();
    assert.deepEqual(stepsOf(staging), ['pause:failed']);
    assert.match(staging.run!.failure!.advice, /staging mode: run the relay on the active server/);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('stops when the re-check fails, naming the checks, resumes, and sends no PATCH', async () => {
    recheck.resolves(apesPreflight({ 'anchor-unique': 'fail', 'cloud-only': 'fail' }));
    const done = await runOne();

    assert.deepEqual(stepsOf(done), ['pause:done', 'preflight:failed', 'resume:done']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'preflight');
    assert.match(failure!.message, /Check cloud-only: cloud-only is fail/);
    assert.match(failure!.message, /Check anchor-unique: anchor-unique is fail/);
    assert.match(failure!.advice, /file a new request/);
    sinon.assert.notCalled(cloud.setImmutableId);
    sinon.assert.calledOnce(recheck);
    assert.equal(recheck.firstCall.args[0].id, done.id);
  });

  it('counts an acknowledged warning in words on the re-check, never as "all checks pass"', async () => {
    const CHECKS = PREFLIGHT_CHECK_IDS.length;
    const warned = apesPreflight({ 'no-object-identifier': 'warn' });
    const request = await requests.create(apesRequest(warned));
    await requests.decide(request.id, APPROVER, 'approved');
    recheck.resolves(warned);
    const done = await workflow().run(request.id);
    assert.equal(done?.state, 'linked');
    assert.equal(
      stepDetail(done!, 'preflight'),
      `${CHECKS - 1} of ${CHECKS} checks pass again; 1 warning, as acknowledged at request time`,
    );
    recheck.resolves(apesPreflight());
    assert.equal(stepDetail((await runOne())!, 'preflight'), `all ${CHECKS} checks pass again`);
  });

  it('stops on a warning nobody acknowledged, or on a different ImmutableId than the approved one', async () => {
    recheck.resolves(apesPreflight({ 'tenant-hard-match-block': 'warn' }));
    const warned = await runOne();
    assert.match(warned.run!.failure!.message, /Check tenant-hard-match-block \(a new warning/);

    recheck.resolves(apesPreflight({}, { immutableId: 'AAAAAAAAAAAAAAAAAAAAAA==' }));
    const changed = await runOne();
    assert.match(changed.run!.failure!.message, /ImmutableId is now AAAA.*not the approved yYuR/);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('fails at preflight when the re-check itself cannot run', async () => {
    recheck.rejects(new GraphDeadlineError(30_000, 3));
    const done = await runOne();
    assert.equal(done.run!.failure!.step, 'preflight');
    assert.match(done.run!.failure!.message, /did not answer within 30000 ms/);
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
  });

  it('fails at preflight with what happened, not as a fault in Anchor, when a user was deleted meanwhile', async () => {
    const gone = `The cloud user ${APES_CLOUD_ID} no longer exists in Entra ID.`;
    recheck.rejects(new PreflightSubjectError('cloud', gone));
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.equal(done.run!.failure!.step, 'preflight');
    assert.equal(done.run!.failure!.message, gone);
    assert.match(done.run!.failure!.advice, /restore it from Deleted users/);
    assert.doesNotMatch(done.run!.failure!.advice, /fault in Anchor/);
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    sinon.assert.notCalled(cloud.setImmutableId);
    assert.ok(!log.lines().some((l) => l.msg === 'link run hit an unexpected error'));
  });

  it('reports a PATCH conflict with Graph’s message and the holder; resumes; nothing to roll back', async () => {
    const holder = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e09';
    cloud.setImmutableId.rejects(
      new ImmutableIdConflictError({
        status: 400,
        code: 'Request_BadRequest',
        message: 'Another object with the same value for property onPremisesImmutableId already exists.',
        details: [{ code: 'ObjectConflict', message: `User_${holder}`, target: 'onPremisesImmutableId' }],
        requestId: '5a1c0de0-0000-4000-8000-000000000001',
      }),
    );
    const done = await runOne();

    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:failed',
      'resume:done',
    ]);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'set-immutable-id');
    assert.match(failure!.message, /Another object with the same value.*request-id 5a1c0de0/);
    assert.match(failure!.advice, new RegExp(`Object ${holder} already holds ${APES_IMMUTABLE_ID}`));
    assert.match(failure!.advice, /deletedItems/);
    sinon.assert.notCalled(cloud.clearImmutableId);
    assert.equal(done.immutableIdAfter, null);
  });

  it('sends no PATCH unless the re-check confirms the UPN domain managed, even with the warning acknowledged', async () => {
    // Graph refuses every ImmutableId change in a federated domain, clearing included: a value
    // written where the domain is not known to be managed might never be taken back.
    const warned = apesPreflight({ 'domain-managed': 'warn' });
    recheck.resolves(warned);
    const request = await requests.create(apesRequest(warned));
    assert.deepEqual(request.acknowledged, ['domain-managed']);
    await requests.decide(request.id, APPROVER, 'approved');
    const done = (await workflow().run(request.id))!;

    assert.deepEqual(stepsOf(done), ['pause:done', 'preflight:failed', 'resume:done']);
    assert.match(
      done.run!.failure!.message,
      /Check domain-managed: domain-managed is warn — Anchor writes only where it could undo/,
    );
    assert.match(done.run!.failure!.message, /federated domain, clearing included/);
    sinon.assert.notCalled(cloud.setImmutableId);
    sinon.assert.notCalled(cloud.clearImmutableId);
  });

  it('says the target is privileged when Graph refuses the PATCH with 403, and has nothing to roll back', async () => {
    cloud.setImmutableId.rejects(
      new PrivilegedTargetError({
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
        details: [],
      }),
    );
    const done = await runOne();

    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:failed',
      'resume:done',
    ]);
    const { failure } = done.run!;
    assert.match(failure!.message, /the target is privileged/);
    assert.doesNotMatch(failure!.message, /app registration is not allowed/);
    assert.match(
      failure!.advice,
      /^Anchor does not link privileged users\. Remove the cloud user’s admin roles/,
    );
    assert.match(failure!.advice, /role-assignable groups/);
    sinon.assert.notCalled(cloud.clearImmutableId);
    assert.equal(done.immutableIdAfter, null);
  });

  it('changes nothing when the cloud user already has a value by the time of the write', async () => {
    cloud.user.onPremisesImmutableId = 'c29tZW9uZSBlbHNl';
    const done = await runOne();
    assert.equal(done.run!.failure!.step, 'set-immutable-id');
    assert.match(done.run!.failure!.message, /already has onPremisesImmutableId c29tZW9uZSBlbHNl/);
    sinon.assert.notCalled(cloud.setImmutableId);
    sinon.assert.notCalled(cloud.clearImmutableId);
    assert.equal(done.immutableIdBefore, 'c29tZW9uZSBlbHNl');
    assert.equal(done.immutableIdAfter, 'c29tZW9uZSBlbHNl');
  });

  it('rolls back a PATCH whose answer was lost but which took effect', async () => {
    cloud.setImmutableId.callsFake(async (_id, value) => {
      cloud.user.onPremisesImmutableId = value;
      throw new GraphDeadlineError(30_000, 1);
    });
    const done = await runOne();
    assert.deepEqual(stepsOf(done).slice(-2), ['resume:done', 'rollback:done']);
    sinon.assert.calledOnce(cloud.clearImmutableId);
    assert.equal(cloud.user.onPremisesImmutableId, null);
  });

  it('when the resume does not take after the PATCH: tries again, rolls back, ends ✗ "still paused", never linked', async () => {
    relay.failures.resume = relayError('failed', 'resume failed: The service is not running.', {
      outcome: 'failed',
      scheduler: schedulerState({ syncCycleEnabled: false, pauseLeaseExpiresAt: LEASE }),
    });
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:failed',
      'resume:failed',
      'rollback:done',
    ]);
    assert.deepEqual(relay.operations(), ['pause', 'resume', 'resume']);
    sinon.assert.calledOnceWithExactly(cloud.clearImmutableId, APES_CLOUD_ID);
    assert.equal(cloud.user.onPremisesImmutableId, null);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'resume');
    assert.equal(
      failure!.message,
      'The sync scheduler is still paused on aadc01 (the relay: resume failed: The service is not running).',
    );
    assert.equal(failure!.problem, 'scheduler-still-paused');
    assert.equal(failure!.scheduler, 'paused');
    assert.match(failure!.advice, /Run Set-ADSyncScheduler -SyncCycleEnabled \$true on aadc01/);
    assert.match(failure!.advice, /keeps trying to resume it by itself/);
    assert.equal(done.immutableIdAfter, null);
    const rollback = (await auditOf(done.id)).find((e) => e.detail.startsWith('rollback'))!;
    assert.equal(rollback.immutableIdBefore, APES_IMMUTABLE_ID);
    assert.equal(rollback.immutableIdAfter, null);
  });

  it('does not trust a resume reported done while the scheduler reads back paused', async () => {
    relay.reads.resume = [{ syncCycleEnabled: false }];
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done).slice(-3), ['resume:failed', 'resume:failed', 'rollback:done']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'resume');
    assert.match(
      failure!.message,
      /^The sync scheduler is still paused on aadc01 \(the relay reported the resume done, but Get-ADSyncScheduler shows SyncCycleEnabled False\)/,
    );
    assert.equal(failure!.problem, 'scheduler-still-paused');
    assert.equal(failure!.scheduler, 'paused');
    assert.ok(!relay.operations().includes('delta'), 'no delta while the scheduler is paused');
    assert.equal(cloud.user.onPremisesImmutableId, null);
    assert.ok(!changes.some((r) => r.state === 'linked'), 'never shown ✓ Linked');
  });

  it('ends ✗ "still paused" even when a cycle completed the link meanwhile, and says the link is in place', async () => {
    relay.reads.resume = [{ syncCycleEnabled: false }];
    cloud.setImmutableId.callsFake(async (_id, value) => {
      cloud.user.onPremisesImmutableId = value;
      cloud.syncCycle(); // someone ran a cycle by hand while Anchor's pause held
    });
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.equal(done.run!.failure!.problem, 'scheduler-still-paused');
    assert.match(done.run!.failure!.advice, /the link itself completed/);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
    sinon.assert.notCalled(cloud.clearImmutableId);
  });

  it('records a failure as "scheduler enabled" when a later resume took after the first did not', async () => {
    relay.reads.resume = [{ syncCycleEnabled: false }, {}];
    const done = await runOne();
    assert.deepEqual(stepsOf(done).slice(-3), ['resume:failed', 'resume:done', 'rollback:done']);
    assert.equal(done.run!.failure!.problem, 'scheduler-still-paused');
    assert.equal(done.run!.failure!.scheduler, 'enabled');
  });

  it('says the scheduler is still paused when the resume after another failure does not take', async () => {
    recheck.resolves(apesPreflight({ 'cloud-only': 'fail' }));
    relay.reads.resume = [{ syncCycleEnabled: false }];
    const done = await runOne();

    assert.deepEqual(stepsOf(done), ['pause:done', 'preflight:failed', 'resume:failed']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'preflight');
    assert.equal(failure!.problem, 'preflight-changed');
    assert.equal(failure!.scheduler, 'paused');
    assert.match(failure!.advice, /The sync scheduler is still paused on aadc01/);
    assert.match(failure!.advice, /Run Set-ADSyncScheduler -SyncCycleEnabled \$true on aadc01/);
  });

  it('does not trust a pause reported done while the scheduler reads back enabled: nothing written', async () => {
    relay.reads.pause = [{ syncCycleEnabled: true, pauseLeaseExpiresAt: null }];
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'pause');
    assert.equal(
      failure!.message,
      'The scheduler is still enabled after Set-ADSyncScheduler -SyncCycleEnabled $false on aadc01 (the relay reported the pause done).',
    );
    assert.equal(failure!.problem, 'pause-not-taken');
    assert.equal(failure!.scheduler, 'enabled');
    assert.match(failure!.advice, /Anchor wrote nothing.*ADSyncAdmins/);
    sinon.assert.notCalled(recheck);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('reports a pause the relay read back as not taken with its message', async () => {
    relay.failures.pause = relayError(
      'failed',
      'pause failed: the scheduler is still enabled after Set-ADSyncScheduler -SyncCycleEnabled $false on aadc01',
      { outcome: 'failed', scheduler: schedulerState({ syncCycleEnabled: true }) },
    );
    const done = await runOne();
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    assert.match(done.run!.failure!.message, /still enabled after .* on aadc01$/);
    assert.equal(done.run!.failure!.problem, 'pause-not-taken');
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it("says the relay's account may not pause the scheduler when the relay reports access denied", async () => {
    relay.failures.pause = relayError(
      'failed',
      "pause failed: the relay's account may not pause the scheduler on aadc01 (access denied to Set-ADSyncScheduler -SyncCycleEnabled $false): add it to ADSyncAdmins (or the group Entra Connect was installed with in its place) (Set-ADSyncScheduler : System.UnauthorizedAccessException: Access is denied.)",
      {
        outcome: 'failed',
        reason: 'scheduler-access-denied',
        message:
          "the relay's account may not pause the scheduler on aadc01 (access denied to Set-ADSyncScheduler -SyncCycleEnabled $false): add it to ADSyncAdmins (or the group Entra Connect was installed with in its place) (Set-ADSyncScheduler : System.UnauthorizedAccessException: Access is denied.)",
        scheduler: schedulerState({ syncCycleEnabled: true }),
      },
    );
    const done = await runOne();
    assert.deepEqual(stepsOf(done), ['pause:failed', 'resume:done']);
    const failure = done.run!.failure!;
    assert.equal(failure.problem, 'scheduler-access-denied');
    assert.match(
      failure.message,
      /^The relay's account may not pause the scheduler on aadc01 .*add it to ADSyncAdmins/,
    );
    assert.match(failure.advice, /^Anchor wrote nothing\. Then restart the relay service on aadc01, /);
    assert.match(failure.advice, /-TestSchedulerRights/);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('waits after the pause until a running sync cycle ends, showing it, then links', async () => {
    relay.reads.pause = [{ cycleInProgress: true }];
    relay.reads.status = [
      { syncCycleEnabled: false, cycleInProgress: true },
      { syncCycleEnabled: false, cycleInProgress: true },
      { syncCycleEnabled: false },
    ];
    const done = await runOne();

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
    assert.deepEqual(relay.operations(), ['pause', 'status', 'status', 'status', 'resume', 'delta']);
    assert.match(
      stepDetail(done, 'wait-for-cycle'),
      /the sync cycle that was running when the scheduler was paused ended/,
    );
    const waiting = changes.find((r) =>
      r.run?.steps.some((s) => s.name === 'wait-for-cycle' && s.state === 'running'),
    );
    assert.match(waiting!.run!.steps.at(-1)!.detail ?? '', /still running; waiting up to 0 s/);
    assert.ok(
      cloud.setImmutableId.calledAfter(relay.run.withArgs('status')),
      'the PATCH comes after the last status read',
    );
  });

  it('does not wait when the pause shows no cycle running', async () => {
    const done = await runOne();
    assert.ok(!stepsOf(done).some((s) => s.startsWith('wait-for-cycle')));
    assert.ok(!relay.operations().includes('status'));
  });

  it('resumes and ends ✗ when a running sync cycle does not end in time, writing nothing', async () => {
    relay.reads.pause = [{ cycleInProgress: true }];
    relay.reads.status = [{ syncCycleEnabled: false, cycleInProgress: true }];
    const done = await runOne({ cycleWaitMs: 60 });

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:done', 'wait-for-cycle:failed', 'resume:done']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'wait-for-cycle');
    assert.equal(failure!.problem, 'cycle-still-running');
    assert.equal(failure!.scheduler, 'enabled');
    assert.match(
      failure!.message,
      /A sync cycle was still running on aadc01 0 s after the scheduler was paused \(LINK_CYCLE_WAIT_SECONDS\); Anchor wrote nothing/,
    );
    assert.match(failure!.advice, /Synchronization Service Manager/);
    assert.equal(relay.operations().at(-1), 'resume');
    assert.ok(relay.operations().filter((o) => o === 'status').length >= 2);
    sinon.assert.notCalled(recheck);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('ends ✗ when the scheduler is found running again while waiting for the cycle', async () => {
    relay.reads.pause = [{ cycleInProgress: true }];
    relay.reads.status = [{ syncCycleEnabled: true, cycleInProgress: true }];
    const done = await runOne();
    assert.equal(done.run!.failure!.step, 'wait-for-cycle');
    assert.equal(done.run!.failure!.problem, 'pause-lost');
    assert.match(done.run!.failure!.message, /no longer paused \(it shows SyncCycleEnabled True\)/);
    sinon.assert.notCalled(cloud.setImmutableId);
  });

  it('takes the lease time from the pause when the failed resume has no result', async () => {
    relay.failures.resume = relayError(
      'offline',
      'relay "aadc01" has not polled since 2026-11-25T10:01:00.000Z',
    );
    const done = await runOne();
    assert.match(done.run!.failure!.advice, new RegExp(`by itself at ${LEASE_TEXT}`));
  });

  it('rolls back when the delta cycle fails', async () => {
    relay.failures.delta = relayError(
      'failed',
      'delta failed: Start-ADSyncSyncCycle : The RPC server is unavailable.',
      {
        outcome: 'failed',
      },
    );
    const done = await runOne();

    assert.deepEqual(stepsOf(done), [
      'pause:done',
      'preflight:done',
      'set-immutable-id:done',
      'resume:done',
      'delta:failed',
      'rollback:done',
    ]);
    assert.deepEqual(relay.operations(), ['pause', 'resume', 'delta'], 'resumed once, in its own step');
    assert.equal(done.run!.failure!.step, 'delta');
    assert.match(done.run!.failure!.message, /RPC server is unavailable/);
    assert.match(done.run!.failure!.advice, /Start-ADSyncSyncCycle failed/);
    assert.equal(cloud.user.onPremisesImmutableId, null);
    assert.equal(done.immutableIdAfter, null);
  });

  it('rolls back when Entra ID never reports the user synced', async () => {
    relay.deltaSyncs = false;
    const done = await runOne();

    assert.deepEqual(stepsOf(done).slice(-2), ['verify:failed', 'rollback:done']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'verify');
    assert.match(failure!.message, /did not report the cloud user as synced/);
    assert.match(failure!.message, new RegExp(`onPremisesImmutableId ${APES_IMMUTABLE_ID}\\)`));
    assert.match(failure!.advice, /Synchronization Service Manager/);
    assert.match(failure!.advice, /InvalidHardMatch/);
    assert.ok(cloud.getUser.callCount > 2, 'verify read the user more than once');
    assert.equal(cloud.user.onPremisesImmutableId, null);
  });

  it('is linked after all when a sync cycle took the user over just after verify gave up', async () => {
    relay.deltaSyncs = false;
    const done = await runOne({
      onChange: (r) => {
        // A scheduled cycle runs right after the verify step gave up.
        if (r.run?.steps.some((s) => s.name === 'verify' && s.state === 'failed')) cloud.syncCycle();
      },
    });

    assert.equal(done.state, 'linked');
    assert.deepEqual(stepsOf(done).slice(-2), ['verify:failed', 'verify:done']);
    assert.equal(done.run!.failure, null);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
    sinon.assert.notCalled(cloud.clearImmutableId);
    assert.equal((await auditOf(done.id)).at(-1)!.action, 'link.linked');
  });

  it('says the value is left set, and what to do, when the rollback fails', async () => {
    relay.failures.delta = relayError('failed', 'delta failed: boom', { outcome: 'failed' });
    cloud.clearImmutableId.rejects(
      new GraphThrottledError(
        { status: 503, code: 'serviceNotAvailable', message: 'Service Unavailable', details: [] },
        undefined,
        4,
      ),
    );
    const done = await runOne();

    assert.deepEqual(stepsOf(done).slice(-2), ['delta:failed', 'rollback:failed']);
    const { failure } = done.run!;
    assert.equal(failure!.step, 'delta');
    assert.match(failure!.advice, /could not clear the value it wrote \(.*Service Unavailable/);
    assert.match(
      failure!.advice,
      new RegExp(`${APES_IMMUTABLE_ID} may still be set on cloud user ${APES_CLOUD_ID}`),
    );
    assert.match(failure!.advice, /"onPremisesImmutableId": null/);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
    assert.match(stepDetail(done, 'rollback'), /clearing onPremisesImmutableId .* failed/);
  });

  it('is linked after all when Graph refuses the rollback because a cycle just took the user over', async () => {
    relay.deltaSyncs = false;
    cloud.clearImmutableId.callsFake(async () => {
      cloud.syncCycle();
      throw new OnPremisesMasteredError('synced', {
        status: 400,
        code: 'Request_BadRequest',
        message:
          'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
        details: [],
      });
    });
    const done = await runOne();

    assert.equal(done.state, 'linked');
    assert.deepEqual(stepsOf(done).slice(-3), ['verify:failed', 'rollback:skipped', 'verify:done']);
    assert.equal(done.immutableIdAfter, APES_IMMUTABLE_ID);
  });

  it('keeps going when a progress update (onChange) throws', async () => {
    const done = await runOne({
      onChange: () => {
        throw new Error('Teams said 502');
      },
    });
    assert.equal(done.state, 'linked');
    assert.ok(log.lines().some((l) => /progress of a link request failed/.test(String(l.msg))));
  });

  it('fails at pause with a clear message when no relay is configured, changing nothing', async () => {
    const done = await runOne({ relay: null });

    assert.equal(done.state, 'failed');
    assert.deepEqual(stepsOf(done), ['pause:failed']);
    assert.match(done.run!.failure!.message, /No relay is configured.*nothing was changed/);
    assert.match(done.run!.failure!.advice, /RELAY_KEYS/);
    sinon.assert.notCalled(cloud.getUser);
    sinon.assert.notCalled(cloud.setImmutableId);
    sinon.assert.notCalled(recheck);
  });

  it('still resumes and finishes failed when a bug throws mid-run', async () => {
    recheck.callsFake(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'checks')");
    });
    const done = await runOne();

    assert.equal(done.state, 'failed');
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    assert.match(done.run!.failure!.message, /^Unexpected error in Anchor: Cannot read properties/);
    assert.match(done.run!.failure!.advice, /correlation id corr-apes-1/);
    assert.ok(log.lines().some((l) => l.msg === 'link run hit an unexpected error'));
  });

  describe('recovering runs a stopped instance left behind', () => {
    let clock: Date;
    beforeEach(() => {
      clock = new Date('2026-11-25T10:00:00Z');
      requests = new LinkRequestStore(store, { isAdmin: () => true, now: () => clock });
    });

    /** An approved request started by instance "dead", which then stopped after `steps`. */
    async function orphan(steps: LinkStep['name'][]): Promise<string> {
      const id = await approvedRequest();
      await requests.start(id, 'dead', 1000);
      for (const name of steps) {
        const at = clock.toISOString();
        await requests.recordStep(id, { name, state: 'done', startedAt: at, finishedAt: at, detail: null });
      }
      clock = new Date(clock.getTime() + 5000);
      return id;
    }

    it('leaves a run alone while its owner renews the lease', async () => {
      const id = await approvedRequest();
      await requests.start(id, 'alive', 60_000);
      assert.deepEqual(await workflow({ instanceId: 'me', now: () => clock }).recoverOrphans(), []);
      assert.equal((await requests.get(id))?.state, 'running');
      assert.deepEqual(relay.operations(), []);
    });

    it('resumes the scheduler first and fails the request when nothing was written', async () => {
      const id = await orphan(['pause']);
      const [done] = await workflow({ instanceId: 'me', now: () => clock }).recoverOrphans();
      assert.equal(done.id, id);
      assert.equal(done.state, 'failed');
      assert.deepEqual(relay.operations(), ['resume']);
      assert.match(
        done.run!.failure!.message,
        /instance running this link \(dead\) stopped during the pause step/,
      );
      assert.match(done.run!.failure!.advice, /resumed the scheduler/);
      assert.equal(done.run!.owner, 'me');
      assert.equal(cloud.clearImmutableId.callCount, 0);
      const actions = (await auditOf(id)).map((e) => e.action);
      assert.equal(actions.at(-1), 'link.failed');
    });

    it('clears a value the stopped run wrote', async () => {
      cloud.user.onPremisesImmutableId = APES_IMMUTABLE_ID;
      await orphan(['pause', 'preflight', 'set-immutable-id']);
      const [done] = await workflow({ instanceId: 'me', now: () => clock }).recoverOrphans();
      assert.equal(done.state, 'failed');
      assert.deepEqual(relay.operations(), ['resume']);
      assert.equal(cloud.user.onPremisesImmutableId, null);
      assert.equal(done.immutableIdAfter, null);
      assert.match(stepDetail(done, 'rollback'), /cleared again/);
      assert.equal(done.run!.failure!.step, 'set-immutable-id');
    });

    it('ends linked when a sync cycle already completed the link', async () => {
      cloud.user.onPremisesImmutableId = APES_IMMUTABLE_ID;
      cloud.user.onPremisesSyncEnabled = true;
      const id = await orphan(['pause', 'preflight', 'set-immutable-id', 'resume', 'delta']);
      const [done] = await workflow({ instanceId: 'me', now: () => clock }).recoverOrphans();
      assert.equal(done.id, id);
      assert.equal(done.state, 'linked');
      assert.equal(cloud.clearImmutableId.callCount, 0);
    });

    it('is taken over by one instance only when two recover at once', async () => {
      await orphan(['pause']);
      const results = await Promise.all([
        workflow({ instanceId: 'a', now: () => clock }).recoverOrphans(),
        workflow({ instanceId: 'b', now: () => clock }).recoverOrphans(),
      ]);
      assert.equal(results.flat().length, 1);
      assert.deepEqual(relay.operations(), ['resume']);
    });

    it('starts an approved request nobody started', async () => {
      const id = await approvedRequest();
      clock = new Date(clock.getTime() + 31_000);
      const [done] = await workflow({ instanceId: 'me', now: () => clock }).recoverOrphans();
      assert.equal(done.id, id);
      assert.equal(done.state, 'linked');
    });
  });
});
