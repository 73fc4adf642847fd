import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { LINK_USAGE } from '../../../src/bot/commands/link-user';
import { INVOKE_BUDGET_MS } from '../../../src/bot/cards/deferred-card';
import { LINK_VERBS } from '../../../src/bot/verbs';
import { REFUSAL } from '../../../src/bot/middleware/access-middleware';
import { ALREADY_HANDLED } from '../../../src/bot/middleware/dedupe-middleware';
import { DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import type { TestSender } from '../../support/activities';
import { ADMIN, NON_ADMIN, message, teamsActivity } from '../../support/activities';
import { botHarness } from '../../support/bot-harness';
import { APES_CLOUD_ID, APES_OBJECT_GUID, apesPreflight } from '../../support/link-fixtures';

const APPROVER: TestSender = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};

type Harness = ReturnType<typeof botHarness>;

function cardOf(activity: Partial<Activity>): Record<string, unknown> {
  const attachment = activity.attachments?.[0];
  assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
  return attachment.content as Record<string, unknown>;
}

/** Sends one Action.Execute click and returns the invoke response body. */
async function click(
  h: Harness,
  sender: TestSender,
  verb: string,
  data: Record<string, unknown>,
): Promise<{ statusCode: number; type: string; value: unknown }> {
  const invoke = teamsActivity(sender, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: `card-of-${sender.aadObjectId}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  let body: { statusCode: number; type: string; value: unknown } | undefined;
  await h.adapter.send(invoke).assertReply((reply) => {
    assert.equal(reply.type, 'invokeResponse');
    body = reply.value.body;
  });
  return body as { statusCode: number; type: string; value: unknown };
}

const textOf = (body: { value: unknown }) => JSON.stringify(body.value);

/** Every action title on a card. */
function actionTitles(card: unknown): string[] {
  return ((card as { actions?: { title: string }[] }).actions ?? []).map((a) => a.title);
}

/** Installs Anchor for the approver, so approval cards can reach their personal chat. */
async function approverInstalls(h: Harness): Promise<void> {
  const install = teamsActivity(APPROVER, {
    type: 'conversationUpdate',
    recipient: { id: 'bot', name: 'Anchor' },
    membersAdded: [{ id: 'bot', name: 'Anchor' }],
  });
  await h.adapter.send(install).assertReply(() => undefined);
}

/** Runs link user → check → request; returns the request id. */
async function fileRequest(h: Harness, reason = 'INC-1234 new hire'): Promise<string> {
  const preflight = await click(h, ADMIN, LINK_VERBS.check, {
    adUser: APES_OBJECT_GUID,
    cloudUser: APES_CLOUD_ID,
  });
  const draftId = /"draftId":"([^"]+)"/.exec(textOf(preflight))?.[1];
  assert.ok(draftId, textOf(preflight));
  const filed = await click(h, ADMIN, LINK_VERBS.request, { draftId, reason });
  const requestId = /"requestId":"([^"]+)"/.exec(textOf(filed))?.[1];
  assert.ok(requestId, textOf(filed));
  return requestId;
}

describe('link flow in the chat', () => {
  describe('link user', () => {
    it('explains the usage when no text follows', async () => {
      const h = botHarness();
      await h.adapter.send(message(ADMIN, 'link user')).assertReply(LINK_USAGE);
    });

    it('shows AD and cloud candidates side by side with the plausible pair preselected and why', async () => {
      const h = botHarness();
      await h.adapter.send(message(ADMIN, 'link user apes')).assertReply((reply) => {
        const card = cardOf(reply);
        const text = JSON.stringify(card);
        assert.match(text, /On-prem AD \(1\)/);
        assert.match(text, /Entra ID \(1\)/);
        assert.match(
          text,
          /Preselected, strong match: Aaron Pescasio ↔ apes@contoso.com \(same UPN, .*same display name\)/,
        );
        assert.match(text, /login apes · UPN and mail apes@contoso.com/);
        assert.match(text, new RegExp(`"value":"${APES_OBJECT_GUID}"`));
        assert.match(text, /cloud-only/);
        assert.deepEqual(actionTitles(card), ['Check this pair']);
        assert.doesNotMatch(text, /\$\{/);
      });
    });

    it('says which side found nothing and what to type, and offers no pair', async () => {
      const h = botHarness();
      await h.adapter.send(message(ADMIN, 'link user lrob')).assertReply((reply) => {
        const text = JSON.stringify(cardOf(reply));
        assert.match(text, /On-prem AD \(1\)/);
        assert.match(text, /SYNCED from AD/);
      });
      await h.adapter.send(message(ADMIN, 'link user svc')).assertReply((reply) => {
        const card = cardOf(reply);
        assert.match(JSON.stringify(card), /No cloud user matches\. Try the UPN/);
        assert.deepEqual(actionTitles(card), []);
      });
    });

    it('refuses search text that cannot match, without searching', async () => {
      const h = botHarness();
      await h.adapter
        .send(message(ADMIN, 'link user a\u0001b'))
        .assertReply((reply) => assert.match(String(reply.text), /control character \(U\+0001\)/));
    });
  });

  describe('preflight', () => {
    it('runs the preflight of the picked pair and shows the ImmutableId and the checklist', async () => {
      const h = botHarness();
      const body = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      assert.deepEqual(h.preflight.firstCall.args[0], {
        adObjectGuid: APES_OBJECT_GUID,
        cloudUserId: APES_CLOUD_ID,
      });
      const text = textOf(body);
      assert.match(text, /Preflight: ✓ every check passed/);
      assert.match(text, /yYuRNW0Z6kCXeYidebdT8A==/);
      assert.deepEqual(actionTitles(body.value), ['Request approval', 'Check again']);
    });

    it('asks to pick both users when the card data is not two ids', async () => {
      const h = botHarness();
      const body = await click(h, ADMIN, LINK_VERBS.check, { adUser: 'apes', cloudUser: APES_CLOUD_ID });
      assert.equal(body.type, 'application/vnd.microsoft.activity.message');
      assert.match(String(body.value), /Pick both an AD account and a cloud user/);
      assert.equal(h.preflight.callCount, 0);
    });

    it('offers no request on a failed preflight and shows the fix', async () => {
      const h = botHarness({ preflight: async () => apesPreflight({ 'no-privileged-role': 'fail' }) });
      const body = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      assert.match(textOf(body), /blocked: fix the ✗ items first/);
      assert.match(textOf(body), /fix no-privileged-role/);
      assert.deepEqual(actionTitles(body.value), ['Check again']);
    });

    it('says so when the preflight cannot run at all', async () => {
      const h = botHarness({
        preflight: async () => {
          throw new Error('The cloud user 0f6b… no longer exists.');
        },
      });
      const body = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      assert.match(textOf(body), /The preflight could not run/);
      assert.match(textOf(body), /no longer exists/);
    });

    it('answers within the invoke budget and updates the card when a slow preflight finishes', async () => {
      let release: () => void = () => undefined;
      const h = botHarness({
        preflight: () => new Promise((resolve) => (release = () => resolve(apesPreflight()))),
      });
      const started = Date.now();
      const body = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      assert.ok(Date.now() - started < INVOKE_BUDGET_MS + 1000);
      assert.match(textOf(body), /Checking the pair/);
      release();
      await waitFor(() => h.proactive.calls.some((c) => c.kind === 'update'));
      const update = h.proactive.calls.find((c) => c.kind === 'update');
      assert.equal(update?.activityId, `card-of-${ADMIN.aadObjectId}`);
      assert.match(JSON.stringify(update?.card), /Preflight: ✓/);
    }).timeout(10_000);
  });

  describe('request and approval', () => {
    it('files a request with a reason and sends the approval card to the other admin', async () => {
      const h = botHarness();
      await approverInstalls(h);
      const requestId = await fileRequest(h);
      const request = await h.requests.get(requestId);
      assert.equal(request?.state, 'pending');
      assert.equal(request?.requester.aadObjectId, ADMIN.aadObjectId);
      await waitFor(() => h.proactive.calls.some((c) => c.kind === 'send'));
      const sent = h.proactive.calls.find((c) => c.kind === 'send');
      assert.equal(sent?.conversationId, `a:personal-${APPROVER.aadObjectId}`);
      assert.deepEqual(actionTitles(sent?.card), ['Approve', 'Reject']);
      assert.match(JSON.stringify(sent?.card), /INC-1234 new hire/);
      // The card carries only the request id; its refresh gives the requester their own view.
      assert.deepEqual((sent?.card.refresh as { userIds: string[] }).userIds, [`29:${ADMIN.aadObjectId}`]);
      const audit = await h.audit.recent({ requestId });
      assert.deepEqual(
        audit.map((e) => e.action),
        ['link.requested'],
      );
    });

    it('needs a reason and an acknowledgement of every warning', async () => {
      const h = botHarness({ preflight: async () => apesPreflight({ 'no-object-identifier': 'warn' }) });
      const preflight = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      const draftId = /"draftId":"([^"]+)"/.exec(textOf(preflight))?.[1];
      const noReason = await click(h, ADMIN, LINK_VERBS.request, {
        draftId,
        'ack.no-object-identifier': 'true',
      });
      assert.match(textOf(noReason), /the reason is required/);
      const noAck = await click(h, ADMIN, LINK_VERBS.request, {
        draftId,
        reason: 'x',
        'ack.no-object-identifier': 'false',
      });
      assert.match(textOf(noAck), /Acknowledge every warning first: Check no-object-identifier/);
      const ok = await click(h, ADMIN, LINK_VERBS.request, {
        draftId,
        reason: 'x',
        'ack.no-object-identifier': 'true',
      });
      assert.match(textOf(ok), /waiting for approval/);
    });

    it('refuses a reason over 500 characters on the preflight card, whose input stops at 500', async () => {
      const h = botHarness();
      const preflight = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      const input = JSON.stringify(preflight.value).match(/"id":"reason"[^}]*"maxLength":(\d+)/);
      assert.equal(Number(input?.[1]), 500, 'the reason input has maxLength 500');
      const draftId = /"draftId":"([^"]+)"/.exec(textOf(preflight))?.[1];
      const long = await click(h, ADMIN, LINK_VERBS.request, { draftId, reason: 'y'.repeat(501) });
      assert.equal(long.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(textOf(long), /Preflight: .*The reason is 501 characters long; keep it to 500/);
      assert.match(textOf(long), /"title":"Request approval"/, 'the admin can shorten it and try again');
      assert.deepEqual(await h.requests.listOpen(), []);
      const fits = await click(h, ADMIN, LINK_VERBS.request, { draftId, reason: 'y'.repeat(500) });
      assert.match(textOf(fits), /waiting for approval/);
    });

    it('files a replayed request click once', async () => {
      const h = botHarness();
      const preflight = await click(h, ADMIN, LINK_VERBS.check, {
        adUser: APES_OBJECT_GUID,
        cloudUser: APES_CLOUD_ID,
      });
      const draftId = /"draftId":"([^"]+)"/.exec(textOf(preflight))?.[1];
      await click(h, ADMIN, LINK_VERBS.request, { draftId, reason: 'once' });
      const again = await click(h, ADMIN, LINK_VERBS.request, { draftId, reason: 'once' });
      assert.match(String(again.value), /unknown to Anchor|already filed/);
      assert.equal((await h.requests.listOpen()).length, 1);
    });

    it('shows the requester Cancel, never Approve, and refuses their own approval', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      const view = await click(h, ADMIN, LINK_VERBS.view, { requestId });
      assert.deepEqual(actionTitles(view.value), ['Cancel request']);
      const self = await click(h, ADMIN, LINK_VERBS.approve, { requestId });
      assert.match(textOf(self), /You asked for this link, so another admin has to approve or reject it/);
      assert.equal((await h.requests.get(requestId))?.state, 'pending');
      assert.equal(h.runner.run.callCount, 0);
      const audit = await h.audit.recent({ requestId });
      assert.equal(audit[0].action, 'link.refused');
      assert.match(audit[0].detail, /self-approval/);
    });

    it('refuses a click from someone who is not an admin before anything runs', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      const body = await click(h, NON_ADMIN, LINK_VERBS.approve, { requestId });
      assert.equal(body.value, REFUSAL['not-admin']);
      assert.equal((await h.requests.get(requestId))?.state, 'pending');
    });

    it('starts the run once when the other admin approves, and says so to a second click', async () => {
      const h = botHarness();
      await approverInstalls(h);
      const requestId = await fileRequest(h);
      const approved = await click(h, APPROVER, LINK_VERBS.approve, { requestId });
      assert.match(textOf(approved), /approved, starting/);
      assert.deepEqual(actionTitles(approved.value), []);
      assert.equal(h.runner.run.callCount, 1);
      assert.equal(h.runner.run.firstCall.args[0], requestId);
      const again = await click(h, APPROVER, LINK_VERBS.approve, { requestId });
      assert.match(textOf(again), /Already approved by Test user/);
      const rejectLate = await click(h, APPROVER, LINK_VERBS.reject, { requestId });
      assert.match(textOf(rejectLate), /Already approved/);
      assert.equal(h.runner.run.callCount, 1);
      const actions = (await h.audit.recent({ requestId })).map((e) => e.action).reverse();
      assert.deepEqual(actions, ['link.requested', 'link.approved', 'link.refused', 'link.refused']);
    });

    it('rejects without running, and updates the requester card in place', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      const rejected = await click(h, APPROVER, LINK_VERBS.reject, { requestId });
      assert.match(textOf(rejected), /Link request rejected/);
      assert.equal(h.runner.run.callCount, 0);
      await waitFor(() =>
        h.proactive.calls.some((c) => c.kind === 'update' && /rejected/.test(JSON.stringify(c.card))),
      );
      const update = h.proactive.calls.find(
        (c) => c.kind === 'update' && /rejected/.test(JSON.stringify(c.card)),
      );
      assert.equal(update?.activityId, `card-of-${ADMIN.aadObjectId}`);
    });

    it('lets only the requester cancel, by button or command', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      const other = await click(h, APPROVER, LINK_VERBS.cancel, { requestId });
      assert.match(textOf(other), /Only Test user, who asked for this link, can cancel it/);
      await h.adapter
        .send(message(ADMIN, 'cancel'))
        .assertReply((reply) => assert.match(String(reply.text), /Cancelled request [0-9a-f]{8}/));
      assert.equal((await h.requests.get(requestId))?.state, 'cancelled');
      await h.adapter.send(message(ADMIN, 'cancel')).assertReply('You have no pending link request.');
      const approve = await click(h, APPROVER, LINK_VERBS.approve, { requestId });
      assert.match(textOf(approve), /cancelled this request/);
    });

    it('answers a click on an unknown request clearly', async () => {
      const h = botHarness();
      const body = await click(h, APPROVER, LINK_VERBS.approve, {
        requestId: 'b7e0e2a4-0000-4000-8000-000000000000',
      });
      assert.equal(body.value, 'Anchor has no such link request.');
    });

    it('sends approval cards to the registered admin channel instead of personal chats', async () => {
      const h = botHarness();
      await approverInstalls(h);
      const inChannel = teamsActivity(APPROVER, {
        type: 'message',
        text: 'approvals here',
        conversation: {
          id: '19:admins@thread.tacv2;messageid=1700000000000',
          conversationType: 'channel',
          tenantId: DEMO_TENANT.tenantId,
          isGroup: true,
          name: 'Identity admins',
        },
      });
      await h.adapter
        .send(inChannel)
        .assertReply('Approval cards will be posted in Identity admins from now on.');
      await fileRequest(h);
      await waitFor(() => h.proactive.calls.some((c) => c.kind === 'send'));
      const sends = h.proactive.calls.filter((c) => c.kind === 'send');
      assert.deepEqual(
        sends.map((c) => c.conversationId),
        ['19:admins@thread.tacv2'],
      );
    });
  });

  describe('activities delivered twice', () => {
    it('answers a message the channel delivers again only once', async () => {
      const h = botHarness();
      const first = { ...message(ADMIN, 'link user apes'), id: 'activity-1' };
      await h.adapter.send(first).assertReply((reply) => void cardOf(reply));
      await h.adapter.send({ ...first }).assertNoReply('a retry is not answered again', 300);
    });

    it('runs an approval the channel delivers again only once', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      const approve = teamsActivity(APPROVER, {
        id: 'activity-approve',
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: LINK_VERBS.approve, data: { requestId } },
          trigger: 'manual',
        },
      });
      await h.adapter
        .send(approve)
        .assertReply((reply) => assert.match(JSON.stringify(reply.value.body), /approved, starting/));
      await h.adapter
        .send({ ...approve })
        .assertReply((reply) => assert.equal(reply.value.body.value, ALREADY_HANDLED));
      assert.equal(h.runner.run.callCount, 1);
      const actions = (await h.audit.recent({ requestId })).map((e) => e.action);
      assert.deepEqual(actions, ['link.approved', 'link.requested']);
    });
  });

  describe('pending and history', () => {
    it('lists open requests, with a card to act on each', async () => {
      const h = botHarness();
      await h.adapter.send(message(ADMIN, 'pending')).assertReply((reply) => {
        assert.match(JSON.stringify(cardOf(reply)), /No link request is open/);
      });
      const requestId = await fileRequest(h);
      const replies: Partial<Activity>[] = [];
      await h.adapter
        .send(teamsActivity(APPROVER, { type: 'message', text: 'pending' }))
        .assertReply((r) => void replies.push(r))
        .assertReply((r) => void replies.push(r));
      assert.match(JSON.stringify(cardOf(replies[0])), /Aaron Pescasio ↔ apes@contoso.com: pending/);
      assert.deepEqual(actionTitles(cardOf(replies[1])), ['Approve', 'Reject']);
      const request = await h.requests.get(requestId);
      assert.ok(request?.cards.some((c) => c.audience === 'approvers'));
    });

    it('shows finished requests with outcome, requester and approver, filtered by name', async () => {
      const h = botHarness();
      const requestId = await fileRequest(h);
      await click(h, APPROVER, LINK_VERBS.reject, { requestId });
      await h.adapter.send(message(ADMIN, 'history aaron')).assertReply((reply) => {
        const text = JSON.stringify(cardOf(reply));
        assert.match(text, /Aaron Pescasio ↔ apes@contoso.com: rejected/);
        assert.match(text, /rejected by Test user/);
      });
      await h.adapter.send(message(ADMIN, 'history nobody')).assertReply((reply) => {
        assert.match(JSON.stringify(cardOf(reply)), /No finished link request mentions \\"nobody\\"/);
      });
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
