import assert from 'node:assert/strict';
import { AccessPolicy } from '../../../../src/services/access/access-policy';
import type { LinkRequest } from '../../../../src/services/link/link-request';
import {
  LinkRequestError,
  LinkRequestStore,
  MAX_REASON_LENGTH,
} from '../../../../src/services/link/request-store';
import type { LinkRequestStoreOptions } from '../../../../src/services/link/request-store';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { APPROVER, REQUESTER, apesPreflight, apesRequest } from '../../../support/link-fixtures';
import { plan, TWIN_ID } from './twin/twin-fixtures';

const NON_ADMIN = { aadObjectId: DEMO_TENANT.others[0].aadObjectId, name: DEMO_TENANT.others[0].name };

function setup(options: Partial<LinkRequestStoreOptions> = {}) {
  let now = new Date('2026-11-25T10:00:00Z');
  const policy = new AccessPolicy({
    allowedTenantId: DEMO_TENANT.tenantId,
    adminObjectIds: [REQUESTER.aadObjectId, APPROVER.aadObjectId],
  });
  const expired: LinkRequest[] = [];
  const requests = new LinkRequestStore(new MemoryStateStore(), {
    isAdmin: (id) => policy.isAdmin(id),
    now: () => now,
    onExpired: async (r) => void expired.push(r),
    ...options,
  });
  return { requests, expired, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

async function refusal(promise: Promise<unknown>): Promise<LinkRequestError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LinkRequestError, String(err));
  return err;
}

describe('LinkRequestStore (the request state machine)', () => {
  it('files a pending request that expires after the configured time', async () => {
    const { requests } = setup({ ttlMs: 3600_000 });
    const request = await requests.create(apesRequest());
    assert.equal(request.state, 'pending');
    assert.equal(request.expiresAt, '2026-11-25T11:00:00.000Z');
    assert.deepEqual(
      (await requests.listOpen()).map((r) => r.id),
      [request.id],
    );
  });

  it('keeps a reason to 500 characters of words: longer, hidden characters or no words are refused', async () => {
    const { requests } = setup();
    assert.equal(MAX_REASON_LENGTH, 500);
    const refusals: [string, RegExp][] = [
      ['x'.repeat(501), /The reason is 501 characters long; keep it to 500/],
      [`INC-1 ${'x'.repeat(10_000)}`, /The reason is 10006 characters long/],
      ['INC-1\u0000 new hire', /invisible character \(U\+0000\)/],
      ['INC-1 \u202eerih wen', /invisible character \(U\+202E\)/],
      ['INC-1 \u2066new hire\u2069', /invisible character \(U\+2066\)/],
      ['\u200f', /no letter or digit/],
      ['🔥🧨', /no letter or digit/],
      ['/', /no letter or digit/],
    ];
    for (const [reason, message] of refusals) {
      const err = await refusal(requests.create({ ...apesRequest(), reason }));
      assert.equal(err.reason, 'blocked');
      assert.match(err.message, message);
    }
    assert.deepEqual(await requests.listOpen(), []);
    const exactly = await requests.create({ ...apesRequest(), reason: ` ${'x'.repeat(500)} ` });
    assert.equal(exactly.reason.length, 500);
    const lines = await requests.create({
      ...apesRequest(),
      id: undefined,
      reason: 'INC-1\n\tnew hire, ‏שלום‏ 🎉',
    });
    assert.equal(lines.reason, 'INC-1\n\tnew hire, ‏שלום‏ 🎉');
  });

  it('refuses to file a failed preflight, an unacknowledged warning or an empty reason', async () => {
    const { requests } = setup();
    const failed = await refusal(
      requests.create(apesRequest(apesPreflight({ 'no-privileged-role': 'fail' }))),
    );
    assert.equal(failed.reason, 'blocked');
    const warned = apesRequest(apesPreflight({ 'same-person': 'warn' }));
    assert.equal((await refusal(requests.create({ ...warned, acknowledged: [] }))).reason, 'blocked');
    assert.equal((await refusal(requests.create({ ...apesRequest(), reason: '  ' }))).reason, 'blocked');
    assert.deepEqual(await requests.listOpen(), []);
  });

  it('files the same draft id once', async () => {
    const { requests } = setup();
    await requests.create({ ...apesRequest(), id: 'draft-1' });
    assert.match(
      (await refusal(requests.create({ ...apesRequest(), id: 'draft-1' }))).message,
      /already filed/,
    );
    assert.equal((await requests.listOpen()).length, 1);
  });

  it('lets another admin approve', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    const approved = await requests.decide(id, APPROVER, 'approved');
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decision?.by.aadObjectId, APPROVER.aadObjectId);
  });

  it('never lets the requester decide on their own request, whatever the case of the id', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    const self = { ...REQUESTER, aadObjectId: REQUESTER.aadObjectId.toUpperCase() };
    assert.equal((await refusal(requests.decide(id, self, 'approved'))).reason, 'self-approval');
    assert.equal((await refusal(requests.decide(id, self, 'rejected'))).reason, 'self-approval');
    assert.equal((await requests.get(id))?.state, 'pending');
  });

  it('refuses a decision by someone who is not an admin', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    assert.equal((await refusal(requests.decide(id, NON_ADMIN, 'approved'))).reason, 'not-admin');
    assert.equal((await requests.get(id))?.state, 'pending');
  });

  it('takes the first decision only and says who made it', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    await requests.decide(id, APPROVER, 'rejected');
    const second = await refusal(requests.decide(id, APPROVER, 'approved'));
    assert.equal(second.reason, 'not-pending');
    assert.match(second.message, /Already rejected by Adele Vance/);
    assert.equal((await requests.get(id))?.state, 'rejected');
  });

  it('decides once when two decisions race', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    const results = await Promise.allSettled([
      requests.decide(id, APPROVER, 'approved'),
      requests.decide(id, APPROVER, 'rejected'),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('expires a pending request: no decision after that, and the expiry is reported once', async () => {
    const { requests, expired, advance } = setup({ ttlMs: 60_000 });
    const { id } = await requests.create(apesRequest());
    advance(60_001);
    const late = await refusal(requests.decide(id, APPROVER, 'approved'));
    assert.equal(late.reason, 'expired');
    assert.match(late.message, /expired at 2026-11-25 10:01:00 UTC; file a new one/);
    assert.equal((await requests.get(id))?.state, 'expired');
    assert.deepEqual(await requests.expireDue(), []);
    assert.equal(expired.length, 1);
    assert.deepEqual(await requests.listOpen(), []);
    assert.deepEqual(
      (await requests.listRecent()).map((r) => r.state),
      ['expired'],
    );
  });

  it('expires due requests in a sweep and leaves fresh ones', async () => {
    const { requests, advance } = setup({ ttlMs: 60_000 });
    const old = await requests.create(apesRequest());
    advance(30_000);
    const fresh = await requests.create(apesRequest());
    advance(30_001);
    assert.deepEqual(
      (await requests.expireDue()).map((r) => r.id),
      [old.id],
    );
    assert.equal((await requests.get(fresh.id))?.state, 'pending');
  });

  it('lets only the requester cancel, and only while pending', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    assert.equal((await refusal(requests.cancel(id, APPROVER))).reason, 'not-requester');
    assert.equal((await requests.cancel(id, REQUESTER)).state, 'cancelled');
    assert.equal((await refusal(requests.cancel(id, REQUESTER))).reason, 'not-pending');
    assert.equal((await refusal(requests.decide(id, APPROVER, 'approved'))).reason, 'not-pending');
  });

  it('starts an approved request exactly once, even when started twice at the same time', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    assert.equal(await requests.start(id), undefined, 'a pending request does not start');
    await requests.decide(id, APPROVER, 'approved');
    const starts = await Promise.all([requests.start(id), requests.start(id), requests.start(id)]);
    assert.equal(starts.filter(Boolean).length, 1);
    assert.equal((await requests.get(id))?.state, 'running');
  });

  it('ends a run linked or failed and moves it to the recent list', async () => {
    const { requests } = setup();
    const { id } = await requests.create(apesRequest());
    await requests.decide(id, APPROVER, 'approved');
    await requests.start(id);
    const done = await requests.finish(id, { state: 'linked', failure: null, immutableIdAfter: 'x' });
    assert.equal(done.state, 'linked');
    assert.deepEqual(await requests.listOpen(), []);
    assert.equal((await requests.listRecent())[0].id, id);
    assert.equal(
      (await refusal(requests.finish(id, { state: 'failed', failure: null, immutableIdAfter: null }))).reason,
      'not-pending',
    );
  });

  it('answers an unknown id clearly', async () => {
    const { requests } = setup();
    const err = await refusal(requests.decide('nope', APPROVER, 'approved'));
    assert.equal(err.reason, 'unknown-request');
    assert.equal(await requests.get('nope'), undefined);
  });

  it('appends the steps of a running twin fix to its journal, and keeps the twin step 3 deleted', async () => {
    const { requests } = setup();
    const twinPlan = plan();
    const filed = await requests.create({ ...apesRequest(twinPlan.preflight), acknowledged: [], twinPlan });
    const at = '2026-11-25T10:01:00Z';
    const entry = { step: 'park' as const, state: 'running' as const, startedAt: at, at, detail: 'started' };
    assert.equal((await refusal(requests.recordTwinStep(filed.id, entry))).reason, 'not-pending');
    await requests.decide(filed.id, APPROVER, 'approved');
    await requests.start(filed.id, 'me');
    await requests.recordTwinStep(filed.id, entry);
    const deletedTwin = { id: TWIN_ID, userPrincipalName: 'apes1@contoso.onmicrosoft.com' };
    const after = await requests.recordTwinStep(filed.id, {
      ...entry,
      step: 'hard-delete',
      state: 'done',
      detail: 'gone',
      deletedTwin,
    });
    assert.deepEqual(
      after.twinFix?.journal.map((e) => `${e.step}:${e.state}`),
      ['park:running', 'hard-delete:done'],
    );
    assert.deepEqual(after.twinFix?.deletedTwin, deletedTwin);
    assert.deepEqual(await requests.get(filed.id), after);
  });

  it('refuses a twin step on a plain link', async () => {
    const { requests } = setup();
    const filed = await requests.create(apesRequest());
    await requests.decide(filed.id, APPROVER, 'approved');
    await requests.start(filed.id, 'me');
    const at = '2026-11-25T10:01:00Z';
    const err = await refusal(
      requests.recordTwinStep(filed.id, { step: 'park', state: 'running', startedAt: at, at, detail: 'x' }),
    );
    assert.equal(err.reason, 'not-pending');
  });
});
