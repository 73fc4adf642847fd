import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AuditLog } from '../../../../../src/services/audit/audit-log';
import type { DirectoryService } from '../../../../../src/shared/directory/ad-directory';
import type { CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import { UserNotFoundError } from '../../../../../src/services/entra/graph-errors';
import type { LinkRequest } from '../../../../../src/services/link/link-request';
import type { PreflightReport } from '../../../../../src/services/link/preflight/report';
import { LinkRequestStore } from '../../../../../src/services/link/request-store';
import { LinkWorkflow } from '../../../../../src/services/link/run/workflow';
import type { TwinJournalEntry } from '../../../../../src/services/link/twin/twin-journal';
import { planWarnings } from '../../../../../src/services/link/twin/twin-plan';
import type { RelayClient } from '../../../../../src/services/relay/relay-client';
import { MemoryStateStore } from '../../../../../src/services/state/memory-state-store';
import { APES_IMMUTABLE_ID, APPROVER, apesAdUser, apesRequest } from '../../../../support/link-fixtures';
import { memoryLogger } from '../../../../support/memory-logger';
import { HOME_DN, PARKED_DN, parkedReport, plan, TWIN_ID } from '../twin/twin-fixtures';
import { World } from '../twin/twin-world';
import type { FakeCloud } from './run-fakes';
import { FAST_RUN_TIMING, FakeRelay, relayError } from './run-fakes';

/**
 * The workflow running a synced-twin fix over the twin tests' World: Graph, the directory and the
 * relay are thin adapters over it, so a delta cycle does what Entra Connect does.
 */
describe('LinkWorkflow: a synced-twin fix', () => {
  let world: World;
  let requests: LinkRequestStore;
  let audit: AuditLog;
  let relay: FakeRelay;
  let recheck: sinon.SinonStub<[LinkRequest], Promise<PreflightReport>>;
  const twinPlan = plan();
  const now = () => new Date(world.time);

  beforeEach(() => {
    world = new World();
    const store = new MemoryStateStore();
    requests = new LinkRequestStore(store, { isAdmin: () => true, now });
    audit = new AuditLog(store, now);
    // A delta on the relay is a delta in the world.
    relay = new FakeRelay({ syncCycle: () => void world.relay.delta() } as unknown as FakeCloud);
    recheck = sinon.stub<[LinkRequest], Promise<PreflightReport>>().resolves(parkedReport());
  });

  afterEach(() => sinon.restore());

  function workflow(instanceId = 'me', withTwin = true): LinkWorkflow {
    const cloud = {
      getUser: async (id: string) => {
        const user = await world.cloud.getUser(id);
        if (!user)
          throw new UserNotFoundError(id, {
            status: 404,
            code: 'Request_ResourceNotFound',
            message: 'x',
            details: [],
          });
        return user;
      },
      findImmutableIdHolders: (value: string) => world.cloud.findHolders(value),
      setImmutableId: async (_id: string, value: string) => void (world.anchor = value),
      clearImmutableId: async () => void (world.anchor = null),
    };
    const directory: Pick<DirectoryService, 'find'> = {
      find: async () => ({ users: world.dn ? [{ ...apesAdUser(), dn: world.dn }] : [], more: 0 }),
    };
    return new LinkWorkflow({
      requests,
      audit,
      cloud: cloud as unknown as CloudDirectory,
      relay: relay as unknown as RelayClient,
      recheck,
      ...FAST_RUN_TIMING,
      logger: memoryLogger().logger,
      instanceId,
      now,
      ...(withTwin ? { twin: { cleanup: world.cloud, directory, sleep: world.sleep } } : {}),
    });
  }

  async function approvedFix(): Promise<string> {
    const filed = await requests.create({
      ...apesRequest(twinPlan.preflight),
      acknowledged: planWarnings(twinPlan).map((w) => w.id),
      twinPlan,
    });
    await requests.decide(filed.id, APPROVER, 'approved');
    return filed.id;
  }

  const actions = async (id: string) => (await audit.recent({ requestId: id })).reverse();

  it('runs the fix to linked: every step journaled and audited, the permanent delete named with its approver', async () => {
    world.adminMoves(1, 2);
    const id = await approvedFix();
    const done = await workflow().run(id);
    assert.equal(done?.state, 'linked', JSON.stringify(done?.run?.failure));
    assert.equal(done?.immutableIdAfter, APES_IMMUTABLE_ID);
    assert.deepEqual(done?.twinFix?.deletedTwin, {
      id: TWIN_ID,
      userPrincipalName: 'apes1@contoso.onmicrosoft.com',
    });
    assert.ok(done?.twinFix?.journal.some((e) => e.step === 'hard-match' && e.state === 'done'));
    // Step 4's link run: pause and resume only; the deltas are steps 2 and 6.
    assert.deepEqual(relay.operations(), ['delta', 'pause', 'resume', 'delta']);
    assert.deepEqual(
      done?.run?.steps.map((s) => s.name),
      ['pause', 'preflight', 'set-immutable-id', 'resume'],
    );
    const entries = await actions(id);
    const deleted = entries.find((e) => e.action === 'twin.deleted');
    assert.match(deleted?.detail ?? '', new RegExp(`${TWIN_ID}.*approved by ${APPROVER.name}`));
    assert.equal(entries.at(-1)?.action, 'twin.fixed');
    assert.match(entries.at(-1)?.detail ?? '', new RegExp(TWIN_ID));
    assert.ok(entries.some((e) => e.action === 'twin.step'));
    assert.equal(world.synced, true);
  });

  it('ends failed with the next safe action when the admin never parks the user', async () => {
    const id = await approvedFix();
    const done = await workflow().run(id);
    assert.equal(done?.state, 'failed');
    assert.equal(done?.run?.failure?.step, 'park');
    assert.match(done?.run?.failure?.message ?? '', /gave up after 2 h/);
    assert.match(done?.run?.failure?.advice ?? '', /Nothing was changed in Entra ID/);
    assert.deepEqual(relay.operations(), []);
    const last = (await actions(id)).at(-1);
    assert.equal(last?.action, 'twin.failed');
    assert.match(last?.detail ?? '', new RegExp(`${TWIN_ID}.*approved by ${APPROVER.name}`));
  });

  it('resumes an orphaned fix from its journal, resuming the scheduler first when it stopped in step 4', async () => {
    const id = await approvedFix();
    await requests.start(id, 'dead', 1000);
    const at = now().toISOString();
    const entry = (step: TwinJournalEntry['step'], state: TwinJournalEntry['state']): TwinJournalEntry => ({
      step,
      state,
      startedAt: at,
      at,
      detail: state,
    });
    for (const step of ['park', 'soft-delete', 'hard-delete'] as const)
      await requests.recordTwinStep(id, entry(step, 'done'));
    await requests.recordTwinStep(id, entry('link', 'running'));
    // Where the dead instance left the world: parked, twin gone; the admin brings apes back later.
    world.dn = PARKED_DN;
    world.twin = 'gone';
    world.script = [(w) => (w.dn = HOME_DN)];
    world.time += 5000;
    const [done] = await workflow().recoverOrphans();
    assert.equal(done?.id, id);
    assert.equal(done?.state, 'linked', JSON.stringify(done?.run?.failure));
    assert.equal(relay.operations()[0], 'resume', 'a scheduler step 4 may have paused is resumed first');
    assert.deepEqual(relay.operations().slice(1), ['pause', 'resume', 'delta']);
    assert.deepEqual(
      done?.twinFix?.journal.filter((e) => e.state === 'done').map((e) => e.step),
      ['park', 'soft-delete', 'hard-delete', 'link', 'return', 'hard-match'],
    );
  });

  it('sends no extra resume when an orphaned fix stopped outside step 4', async () => {
    const id = await approvedFix();
    await requests.start(id, 'dead', 1000);
    const at = now().toISOString();
    await requests.recordTwinStep(id, {
      step: 'park',
      state: 'waiting',
      startedAt: at,
      at,
      detail: 'waiting',
    });
    world.script = [(w) => (w.dn = PARKED_DN), (w) => (w.dn = HOME_DN)];
    world.time += 5000;
    const [done] = await workflow().recoverOrphans();
    assert.equal(done?.state, 'linked', JSON.stringify(done?.run?.failure));
    assert.deepEqual(relay.operations(), ['delta', 'pause', 'resume', 'delta']);
  });

  it('stops step 2 with the relay’s words when the delta does not run, and says what is safe next', async () => {
    world.adminMoves(1);
    relay.failures.delta = relayError('failed', 'Start-ADSyncSyncCycle failed: busy');
    const id = await approvedFix();
    const done = await workflow().run(id);
    assert.equal(done?.state, 'failed');
    assert.equal(done?.run?.failure?.step, 'soft-delete');
    assert.match(done?.run?.failure?.message ?? '', /Start-ADSyncSyncCycle failed: busy/);
    assert.ok(done?.run?.failure?.advice, 'a next safe action');
    assert.equal(world.twin, 'live', 'nothing was deleted');
  });

  it('ends failed before any step on an instance not set up for twin fixes', async () => {
    const id = await approvedFix();
    const done = await workflow('me', false).run(id);
    assert.equal(done?.state, 'failed');
    assert.match(
      done?.run?.failure?.message ?? '',
      /not set up to run a synced-twin fix; nothing was changed/,
    );
    assert.deepEqual(relay.operations(), []);
  });
});
