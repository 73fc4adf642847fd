import assert from 'node:assert/strict';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { LinkService } from '../../../../src/services/link/link-service';
import { LinkRequestError } from '../../../../src/services/link/request-store';
import { planWarnings } from '../../../../src/services/link/twin/twin-plan';
import type { TwinPlan } from '../../../../src/services/link/twin/twin-plan';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { REQUESTER, apesPreflight } from '../../../support/link-fixtures';
import { memoryLogger } from '../../../support/memory-logger';
import { footprint, plan, TWIN_ID, twinUser } from './twin/twin-fixtures';

describe('LinkService: filing a synced-twin fix', () => {
  let audit: AuditLog;
  let link: LinkService;

  beforeEach(() => {
    const clock = new Date('2026-12-04T22:00:00Z');
    const store = new MemoryStateStore();
    audit = new AuditLog(store, () => clock);
    link = new LinkService({
      store,
      audit,
      isAdmin: () => true,
      logger: memoryLogger().logger,
      now: () => clock,
    });
  });

  async function file(twinPlan: TwinPlan, acknowledged: string[] = []) {
    const draftId = await link.saveTwinDraft(REQUESTER.aadObjectId, twinPlan);
    const draft = await link.draft(draftId, REQUESTER.aadObjectId);
    return link.file({
      draft,
      requester: REQUESTER,
      reason: 'duplicate of apes',
      acknowledged,
      correlationId: 'c1',
    });
  }

  it('files a plan whose only failed preflight check is the no-synced-twin it fixes, with an empty journal', async () => {
    const twinPlan = plan();
    const request = await file(twinPlan);
    assert.equal(request.state, 'pending');
    assert.deepEqual(request.twinFix, { plan: twinPlan, journal: [], deletedTwin: null });
    assert.deepEqual(request.preflight, twinPlan.preflight);
    const [entry] = await audit.recent({ requestId: request.id });
    assert.equal(entry?.action, 'twin.requested');
    assert.match(entry?.detail ?? '', new RegExp(`${twinUser().userPrincipalName} \\(${TWIN_ID}\\)`));
    assert.match(entry?.detail ?? '', /apes@contoso\.com/);
    assert.match(entry?.detail ?? '', /permanent deletion/);
  });

  it('refuses a plan that fails, naming the twin check and the preflight check, not no-synced-twin', async () => {
    const twinPlan = plan({
      preflight: apesPreflight({ 'no-synced-twin': 'fail', 'ad-user-ready': 'fail' }),
      twinFootprint: footprint({ mailbox: { known: true, value: { hasMailbox: true, proxyAddresses: [] } } }),
    });
    await assert.rejects(file(twinPlan), (err: unknown) => {
      assert.ok(err instanceof LinkRequestError);
      assert.equal(err.reason, 'blocked');
      assert.match(err.message, /The fix plan failed: .*twin has no mailbox.*Check ad-user-ready/);
      assert.doesNotMatch(err.message, /no-synced-twin/);
      return true;
    });
  });

  it('refuses a plan without a parking OU', async () => {
    const twinPlan = plan({ parking: { ok: false, problem: 'LDAP_SYNC_OUS is not set' } });
    await assert.rejects(file(twinPlan), /No parking OU: LDAP_SYNC_OUS is not set/);
  });

  it('requires every warning of the plan to be acknowledged', async () => {
    const twinPlan = plan({
      preflight: apesPreflight({ 'no-synced-twin': 'fail', 'tenant-hard-match-block': 'warn' }),
    });
    const ids = planWarnings(twinPlan).map((w) => w.id);
    assert.ok(ids.length > 0);
    await assert.rejects(file(twinPlan), /Acknowledge every warning first/);
    const request = await file(twinPlan, ids);
    assert.deepEqual(request.acknowledged, ids);
  });

  it('still refuses a plain preflight whose no-synced-twin check fails', async () => {
    const draftId = await link.saveDraft(REQUESTER.aadObjectId, apesPreflight({ 'no-synced-twin': 'fail' }));
    const draft = await link.draft(draftId, REQUESTER.aadObjectId);
    await assert.rejects(
      link.file({ draft, requester: REQUESTER, reason: 'r', acknowledged: [], correlationId: 'c' }),
      /The preflight failed: Check no-synced-twin/,
    );
  });
});
