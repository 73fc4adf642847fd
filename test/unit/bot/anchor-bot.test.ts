import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { REFUSAL } from '../../../src/bot/middleware/access-middleware';
import { WELCOME } from '../../../src/bot/anchor-bot';
import { HINT } from '../../../src/bot/commands/command-router';
import { DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import { ADMIN, NON_ADMIN, OTHER_TENANT, message, teamsActivity } from '../../support/activities';
import { botHarness } from '../../support/bot-harness';

function setup() {
  return botHarness();
}

function cardOf(activity: Partial<Activity>): Record<string, unknown> {
  const attachment = activity.attachments?.[0];
  assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
  return attachment.content as Record<string, unknown>;
}

describe('AnchorBot', () => {
  it('answers help with the card listing every command', async () => {
    const { adapter } = setup();
    await adapter.send(message(ADMIN, 'help')).assertReply((reply) => {
      const text = JSON.stringify(cardOf(reply));
      assert.match(text, /"text":"help"/);
      assert.match(text, /"text":"status"/);
      assert.doesNotMatch(text, /\$\{/);
    });
  });

  it('understands help with a mention of the bot in front', async () => {
    const { adapter } = setup();
    const activity = message(ADMIN, '<at>Anchor</at> help');
    activity.recipient = { id: 'bot', name: 'Anchor' };
    activity.entities = [
      { type: 'mention', mentioned: { id: 'bot', name: 'Anchor' }, text: '<at>Anchor</at>' },
    ];
    await adapter.send(activity).assertReply((reply) => void cardOf(reply));
  });

  it('answers anything it does not understand with a hint', async () => {
    const { adapter } = setup();
    await adapter.send(message(ADMIN, 'please fix everything')).assertReply(HINT);
    await adapter.send(message(ADMIN, '')).assertReply(HINT);
  });

  it('answers status with a card naming each dependency', async () => {
    const { adapter } = setup();
    await adapter.send(message(ADMIN, 'status')).assertReply((reply) => {
      const text = JSON.stringify(cardOf(reply));
      assert.match(text, /\*\*relay\*\*: unknown/);
      assert.match(text, /has not polled yet/);
    });
  });

  it('refuses a user who is not an admin, politely, and does nothing else', async () => {
    const { adapter, lines } = setup();
    await adapter
      .send(message(NON_ADMIN, 'help'))
      .assertReply(REFUSAL['not-admin'])
      .assertNoReply('nothing more', 300);
    const refused = lines().find((l) => l.msg === 'activity refused');
    assert.equal(refused?.reason, 'not-admin');
    assert.equal(typeof refused?.correlationId, 'string');
  });

  it('refuses a message from another tenant, even from an admin object id', async () => {
    const { adapter } = setup();
    await adapter
      .send(message(OTHER_TENANT, 'help'))
      .assertReply(REFUSAL['wrong-tenant'])
      .assertNoReply('nothing more', 300);
  });

  it('answers a card click from another tenant with a refusal and runs nothing', async () => {
    const { adapter } = setup();
    const invoke = teamsActivity(OTHER_TENANT, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: 'r1' } } },
    });
    await adapter.send(invoke).assertReply((reply) => {
      assert.equal(reply.type, 'invokeResponse');
      assert.equal(reply.value.body.value, REFUSAL['wrong-tenant']);
    });
  });

  it('ignores an install from another tenant and keeps nothing of it', async () => {
    const { adapter, conversations } = setup();
    const install = teamsActivity(OTHER_TENANT, {
      type: 'conversationUpdate',
      recipient: { id: 'bot', name: 'Anchor' },
      membersAdded: [{ id: 'bot', name: 'Anchor' }],
    });
    await adapter.send(install).assertNoReply('nothing more', 300);
    assert.equal(await conversations.get(OTHER_TENANT.aadObjectId as string), undefined);
  });

  it('welcomes an admin who adds the bot and remembers their personal chat', async () => {
    const { adapter, conversations } = setup();
    const install = teamsActivity(ADMIN, {
      type: 'conversationUpdate',
      recipient: { id: 'bot', name: 'Anchor' },
      membersAdded: [{ id: 'bot', name: 'Anchor' }],
    });
    await adapter.send(install).assertReply(WELCOME);
    const saved = (await conversations.get(ADMIN.aadObjectId as string)) as {
      conversation?: { id?: string };
    };
    assert.equal(saved?.conversation?.id, `a:personal-${ADMIN.aadObjectId}`);
  });

  it('logs every activity with a correlation id and never the secrets of the turn', async () => {
    const { adapter, lines } = setup();
    await adapter.send(message(ADMIN, 'help')).assertReply(() => undefined);
    const received = lines().filter((l) => l.msg === 'activity received');
    assert.equal(received.length, 1);
    assert.match(String(received[0].correlationId), /^[0-9a-f-]{36}$/);
    assert.equal(received[0].tenant, DEMO_TENANT.tenantId);
  });
});

describe('AnchorBot card actions', () => {
  it('refreshes the status card in place when Refresh is clicked', async () => {
    const { adapter } = setup();
    const invoke = teamsActivity(ADMIN, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'status.refresh', data: {} }, trigger: 'manual' },
    });
    await adapter.send(invoke).assertReply((reply) => {
      assert.equal(reply.type, 'invokeResponse');
      assert.equal(reply.value.status, 200);
      assert.equal(reply.value.body.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(JSON.stringify(reply.value.body.value), /\*\*relay\*\*: unknown/);
    });
  });

  it('answers an unknown verb with a clear error, not a crash', async () => {
    const { adapter } = setup();
    const invoke = teamsActivity(ADMIN, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'approve.everything', data: {} }, trigger: 'manual' },
    });
    await adapter.send(invoke).assertReply((reply) => {
      assert.equal(reply.value.body.statusCode, 400);
      assert.match(reply.value.body.value.message, /does not know the action "approve.everything"/);
    });
  });
});
