import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LINK_VERBS } from '../../../../src/bot/verbs';
import type { AdminReachability } from '../../../../src/services/conversations/admin-reach';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import type { TestSender } from '../../../support/activities';
import { ADMIN, message, teamsActivity } from '../../../support/activities';
import { botHarness } from '../../../support/bot-harness';
import type { BotHarnessOptions } from '../../../support/bot-harness';
import { APES_CLOUD_ID, APES_OBJECT_GUID } from '../../../support/link-fixtures';

const APPROVER: TestSender = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};
const APPROVER_CHAT = `a:personal-${DEMO_TENANT.approver.aadObjectId}`;
const NAMES: Record<string, string> = {
  [DEMO_TENANT.requester.aadObjectId]: 'Megan Bowen',
  [DEMO_TENANT.approver.aadObjectId]: 'Adele Vance',
};

type Harness = ReturnType<typeof botHarness>;

function harness(reach: (adminId: string) => Promise<AdminReachability>, installWaitMs = 2_000) {
  const cards: BotHarnessOptions['cards'] = {
    reach: { reach: sinon.spy(reach) },
    nameOf: async (id) => NAMES[id],
    installWaitMs,
  };
  return botHarness({ cards });
}

async function click(h: Harness, sender: TestSender, verb: string, data: Record<string, unknown>) {
  const invoke = teamsActivity(sender, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: `card-of-${sender.aadObjectId}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  let body = '';
  await h.adapter.send(invoke).assertReply((reply) => {
    body = JSON.stringify(reply.value.body);
  });
  return body;
}

/** The requester files a request for apes; returns its id. */
async function fileRequest(h: Harness): Promise<string> {
  const preflight = await click(h, ADMIN, LINK_VERBS.check, {
    adUser: APES_OBJECT_GUID,
    cloudUser: APES_CLOUD_ID,
  });
  const draftId = /"draftId":"([^"]+)"/.exec(preflight)?.[1];
  assert.ok(draftId, preflight);
  const filed = await click(h, ADMIN, LINK_VERBS.request, { draftId, reason: 'INC-1 new hire' });
  const requestId = /"requestId":"([^"]+)"/.exec(filed)?.[1];
  assert.ok(requestId, filed);
  return requestId;
}

/** Teams announces the approver's personal chat (as after an install, or her page opening). */
async function approverChatAnnounced(h: Harness, type: 'installationUpdate' | 'conversationUpdate') {
  const activity =
    type === 'installationUpdate'
      ? teamsActivity(APPROVER, { type, action: 'add', recipient: { id: 'bot', name: 'Anchor' } })
      : teamsActivity(APPROVER, {
          type,
          recipient: { id: 'bot', name: 'Anchor' },
          membersAdded: [{ id: 'bot', name: 'Anchor' }],
        });
  await h.adapter.send(activity).startTest();
}

/** Waits until `check` holds (the cards are published after the invoke was answered). */
async function eventually(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const requesterNotices = (h: Harness) =>
  h.proactive.calls.filter((c) => c.kind === 'update').map((c) => JSON.stringify(c.card));
const approvalCardsTo = (h: Harness, conversationId: string) =>
  h.proactive.calls.filter((c) => c.kind === 'send' && c.conversationId === conversationId);

describe('approval cards reach every other admin', () => {
  it('installs Anchor for an approver without a chat, sends her card once Teams announces it, and tells the requester', async () => {
    const h = harness(async () => ({ kind: 'installing' }));
    await fileRequest(h);
    // Teams announces the chat twice (installationUpdate, then conversationUpdate): one card only.
    await approverChatAnnounced(h, 'installationUpdate');
    await approverChatAnnounced(h, 'conversationUpdate');
    await eventually(
      () => requesterNotices(h).some((n) => /Approval card sent to Adele Vance's chat/.test(n)),
      'the requester is told the card reached Adele',
    );
    assert.equal(approvalCardsTo(h, APPROVER_CHAT).length, 1);
    assert.match(JSON.stringify(approvalCardsTo(h, APPROVER_CHAT)[0].card), /Approve/);
  });

  it('names who was not reached and why, and the request stays in `pending` for every admin', async () => {
    const why =
      "Anchor's Graph app may not install apps for users: grant it TeamsAppInstallation.ReadWriteSelfForUser.All";
    const h = harness(async () => ({ kind: 'unreachable', why }));
    const requestId = await fileRequest(h);
    await eventually(() => requesterNotices(h).some((n) => n.includes('Not reached')), 'the notice');
    const notice = requesterNotices(h).find((n) => n.includes('Not reached')) ?? '';
    assert.match(notice, /Not reached: Adele Vance — Anchor's Graph app may not install apps for users/);
    assert.match(notice, /Every admin sees the request when they type \\"pending\\"/);
    assert.equal(approvalCardsTo(h, APPROVER_CHAT).length, 0);
    // Adele opens Anchor and asks: the request is listed, and its card offers her the decision.
    let list = '';
    let card = '';
    await h.adapter
      .send(message(APPROVER, 'pending'))
      .assertReply((r) => {
        list = JSON.stringify(r);
      })
      .assertReply((r) => {
        card = JSON.stringify(r);
      });
    assert.match(list, /Open link requests/);
    assert.match(list, /Aaron Pescasio/);
    assert.match(card, new RegExp(requestId));
    assert.match(card, /Approve/);
  });

  it('sends the card later, when the approver opens Anchor after the request (the install wait ran out)', async () => {
    const h = harness(async () => ({ kind: 'installing' }), 50);
    await fileRequest(h);
    await eventually(
      () =>
        requesterNotices(h).some((n) => /Teams has not opened their chat yet; their card follows/.test(n)),
      'the requester is told the card follows',
    );
    assert.equal(approvalCardsTo(h, APPROVER_CHAT).length, 0);
    await approverChatAnnounced(h, 'installationUpdate');
    await approverChatAnnounced(h, 'conversationUpdate');
    assert.equal(
      approvalCardsTo(h, APPROVER_CHAT).length,
      1,
      'one card, however often the chat is announced',
    );
    assert.ok(
      requesterNotices(h).some((n) =>
        /Approval card sent to Adele Vance's chat: Teams opened it just now/.test(n),
      ),
    );
  });

  it('sends to the chat Graph names when Anchor was already installed for the approver', async () => {
    const h = harness(async () => ({ kind: 'chat-id', chatId: '19:adele_anchor@unq.gbl.spaces' }));
    await fileRequest(h);
    await eventually(
      () => approvalCardsTo(h, '19:adele_anchor@unq.gbl.spaces').length === 1,
      'the card in that chat',
    );
    await eventually(
      () => requesterNotices(h).some((n) => /Approval card sent to Adele Vance's chat\./.test(n)),
      'the notice',
    );
  });

  it('never asks how to reach the requester', async () => {
    const reach = sinon.spy(async (_adminId: string): Promise<AdminReachability> => ({
      kind: 'unreachable',
      why: 'x',
    }));
    const h = botHarness({ cards: { reach: { reach }, nameOf: async (id) => NAMES[id] } });
    await fileRequest(h);
    await eventually(() => reach.called && requesterNotices(h).length > 0, 'published');
    assert.deepEqual(
      reach.getCalls().map((c) => c.args[0]),
      [DEMO_TENANT.approver.aadObjectId],
    );
  });
});
