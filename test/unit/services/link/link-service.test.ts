import assert from 'node:assert/strict';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import type { LinkRequest } from '../../../../src/services/link/link-request';
import { LinkService } from '../../../../src/services/link/link-service';
import type { LinkChange } from '../../../../src/services/link/link-service';
import { LinkRequestError } from '../../../../src/services/link/request-store';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { APPROVER, REQUESTER, apesPreflight } from '../../../support/link-fixtures';
import { memoryLogger } from '../../../support/memory-logger';

describe('LinkService (the request rules: change, audit, announce)', () => {
  let clock: Date;
  let audit: AuditLog;
  let link: LinkService;
  let changes: [LinkChange, LinkRequest['state']][];

  beforeEach(() => {
    clock = new Date('2026-11-25T10:00:00Z');
    const store = new MemoryStateStore();
    audit = new AuditLog(store, () => clock);
    link = new LinkService({
      store,
      audit,
      isAdmin: () => true,
      logger: memoryLogger().logger,
      ttlMs: 3600_000,
      now: () => clock,
    });
    changes = [];
    link.onChange((change, request) => void changes.push([change, request.state]));
  });

  /** Files apes's preflight as REQUESTER's request, from a fresh draft. */
  async function file(): Promise<LinkRequest> {
    const draftId = await link.saveDraft(REQUESTER.aadObjectId, apesPreflight());
    const draft = await link.draft(draftId, REQUESTER.aadObjectId);
    return link.file({
      draft,
      requester: REQUESTER,
      reason: 'joined on-prem',
      acknowledged: [],
      correlationId: 'c1',
    });
  }

  const actions = async (requestId: string) =>
    (await audit.recent({ requestId })).map((e) => `${e.action} by ${e.actor.name}`).reverse();

  it('files a draft once: audited, announced, and the draft is gone', async () => {
    const request = await file();
    assert.equal(request.state, 'pending');
    assert.deepEqual(await actions(request.id), [`link.requested by ${REQUESTER.name}`]);
    assert.deepEqual(changes[0], ['filed', 'pending']);
    await assert.rejects(link.draft(request.id, REQUESTER.aadObjectId), /unknown to Anchor/);
  });

  it('decides, audits the decision and announces it; a refusal is audited and carries the request', async () => {
    const request = await file();
    await assert.rejects(link.decide(request.id, REQUESTER, 'approved'), (err: unknown) => {
      assert.ok(err instanceof LinkRequestError);
      assert.equal(err.reason, 'self-approval');
      assert.equal(err.request?.id, request.id);
      return true;
    });
    const approved = await link.decide(request.id, APPROVER, 'approved');
    assert.equal(approved.state, 'approved');
    assert.deepEqual(await actions(request.id), [
      `link.requested by ${REQUESTER.name}`,
      `link.refused by ${REQUESTER.name}`,
      `link.approved by ${APPROVER.name}`,
    ]);
    assert.ok(changes.some(([change, state]) => change === 'approved' && state === 'approved'));
  });

  it('cancels for the requester only, audited and announced', async () => {
    const request = await file();
    await assert.rejects(link.cancel(request.id, APPROVER), /Only .* can cancel it/);
    const cancelled = await link.cancel(request.id, REQUESTER);
    assert.equal(cancelled.state, 'cancelled');
    assert.deepEqual((await actions(request.id)).slice(1), [`link.cancelled by ${REQUESTER.name}`]);
  });

  it('expires a request past its time once, audited as Anchor and announced before expireDue returns', async () => {
    const request = await file();
    clock = new Date(clock.getTime() + 3600_001);
    const expired = await link.expireDue();
    assert.deepEqual(
      expired.map((r) => r.id),
      [request.id],
    );
    assert.deepEqual(await link.expireDue(), []);
    assert.deepEqual((await actions(request.id)).slice(1), ['link.expired by Anchor']);
    assert.deepEqual(changes.at(-1), ['expired', 'expired']);
  });

  it('never lets a failing listener undo or block a change', async () => {
    link.onChange(() => {
      throw new Error('the card could not be updated');
    });
    const request = await file();
    await link.cancel(request.id, REQUESTER);
    assert.equal((await link.get(request.id))?.state, 'cancelled');
  });
});
