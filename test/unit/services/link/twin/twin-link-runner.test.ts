import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import type { CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import type { LinkRequest } from '../../../../../src/services/link/link-request';
import type { PreflightReport } from '../../../../../src/services/link/preflight/report';
import { LinkRequestStore } from '../../../../../src/services/link/request-store';
import { SetAnchorRunner } from '../../../../../src/services/link/twin/twin-link-runner';
import { planWarnings } from '../../../../../src/services/link/twin/twin-plan';
import type { TwinPlan } from '../../../../../src/services/link/twin/twin-plan';
import type { RelayClient } from '../../../../../src/services/relay/relay-client';
import { MemoryStateStore } from '../../../../../src/services/state/memory-state-store';
import { APES_IMMUTABLE_ID, APPROVER, apesRequest } from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { FAST_RUN_TIMING, FakeCloud, FakeRelay } from '../run/run-fakes';
import { HOME_DN, parkedReport, plan } from './twin-fixtures';

describe('SetAnchorRunner (step 4: the link run in set-anchor mode)', () => {
  let requests: LinkRequestStore;
  let audit: AuditLog;
  let cloud: FakeCloud;
  let relay: FakeRelay;
  let recheck: sinon.SinonStub<[LinkRequest], Promise<PreflightReport>>;
  let twinPlan: TwinPlan;

  beforeEach(() => {
    const store = new MemoryStateStore();
    requests = new LinkRequestStore(store, { isAdmin: () => true });
    audit = new AuditLog(store);
    cloud = new FakeCloud();
    relay = new FakeRelay(cloud);
    recheck = sinon.stub<[LinkRequest], Promise<PreflightReport>>().resolves(parkedReport());
    twinPlan = plan();
  });

  /** A running twin fix of apes and a runner for it. */
  async function runner(): Promise<{ id: string; runner: SetAnchorRunner }> {
    const filed = await requests.create({
      ...apesRequest(twinPlan.preflight),
      acknowledged: planWarnings(twinPlan).map((w) => w.id),
      twinPlan,
    });
    await requests.decide(filed.id, APPROVER, 'approved');
    await requests.start(filed.id, 'me');
    return {
      id: filed.id,
      runner: new SetAnchorRunner({
        requestId: filed.id,
        requests,
        journal: { audit, logger: memoryLogger().logger, now: () => new Date() },
        run: {
          cloud: cloud as unknown as CloudDirectory,
          relay: relay as unknown as RelayClient,
          recheck,
          ...FAST_RUN_TIMING,
          now: () => new Date(),
        },
      }),
    };
  }

  it('pauses, re-checks, writes and resumes, then stops: no delta, no verify; the request stays running', async () => {
    const { id, runner: r } = await runner();
    const result = await r.setAnchor(twinPlan);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    assert.equal(cloud.user.onPremisesImmutableId, APES_IMMUTABLE_ID);
    const request = await requests.get(id);
    assert.equal(request?.state, 'running');
    assert.deepEqual(
      request?.run?.steps.map((s) => `${s.name}:${s.state}`),
      ['pause:done', 'preflight:done', 'set-immutable-id:done', 'resume:done'],
    );
    const actions = (await audit.recent({ requestId: id })).map((e) => e.action);
    assert.ok(!actions.includes('link.linked') && !actions.includes('link.failed'), actions.join());
  });

  it('stops before the write when the AD user is back in scope; resumes; the request stays running', async () => {
    recheck.resolves(parkedReport({ 'ad-user-ready': 'pass' }, { dn: HOME_DN, inSyncScope: true }));
    const { id, runner: r } = await runner();
    const result = await r.setAnchor(twinPlan);
    assert.ok(!result.ok);
    assert.match(result.message, /back in sync scope/);
    assert.equal(result.scheduler, 'enabled');
    assert.deepEqual(relay.operations(), ['pause', 'resume']);
    assert.equal(cloud.setImmutableId.callCount, 0);
    assert.equal((await requests.get(id))?.state, 'running');
  });

  it('rolls back a value it wrote when the resume fails, and says the scheduler may be paused', async () => {
    relay.reads.resume = [{ syncCycleEnabled: false }];
    const { id, runner: r } = await runner();
    const result = await r.setAnchor(twinPlan);
    assert.ok(!result.ok);
    assert.equal(cloud.user.onPremisesImmutableId, null, 'the value was cleared again');
    assert.equal(result.scheduler, 'paused');
    assert.equal((await requests.get(id))?.state, 'running');
  });

  it('runs nothing for a plan that is not the request’s', async () => {
    const { runner: r } = await runner();
    const other = { ...twinPlan, original: { ...twinPlan.original, id: 'someone-else' } };
    const result = await r.setAnchor(other);
    assert.ok(!result.ok);
    assert.match(result.message, /Anchor ran nothing/);
    assert.deepEqual(relay.operations(), []);
  });
});
