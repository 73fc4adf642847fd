import assert from 'node:assert/strict';
import { ALERT_CHANNEL_UNAVAILABLE, AlertsHereCommand } from '../../../../src/bot/commands/alerts-here';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { ADMIN, message, teamsActivity } from '../../../support/activities';
import { botHarness } from '../../../support/bot-harness';

const PHS = {
  title: 'No password hash sync heartbeat from aadc01',
  resolvedTitle: 'Password hash sync heartbeats again on aadc01',
  detail: 'No event 654 since 08:02 UTC.',
  fix: 'Restart ADSync.',
};

/** `text` typed in a thread of the channel `name`, as Teams sends it. */
function inChannel(text: string, name: string, id: string) {
  return teamsActivity(ADMIN, {
    type: 'message',
    text,
    conversation: {
      id: `${id};messageid=1700000000000`,
      conversationType: 'channel',
      tenantId: DEMO_TENANT.tenantId,
      isGroup: true,
      name,
    },
  });
}

describe('alerts here', () => {
  it('in a channel: alert cards go to that channel, and approval cards stay where they were', async () => {
    const h = botHarness();
    await h.adapter
      .send(inChannel('alerts here', 'Sync team', '19:sync@thread.tacv2'))
      .assertReply('Sync health alerts will be posted in Sync team from now on.');

    const registered = await h.alertChannel.get();
    assert.equal(registered?.name, 'Sync team');
    assert.equal(
      (registered?.conversation as { conversation: { id: string } }).conversation.id,
      '19:sync@thread.tacv2',
    );
    assert.equal(await h.channel.get(), undefined, 'the approval channel is not touched');

    await h.alerts.raise('phs-silent', PHS);
    assert.deepEqual(
      h.proactive.calls.filter((c) => c.kind === 'send').map((c) => c.conversationId),
      ['19:sync@thread.tacv2'],
    );
  });

  it('in a personal chat: says where to type it and registers nothing', async () => {
    const h = botHarness();
    await h.adapter
      .send(message(ADMIN, 'alerts here'))
      .assertReply((reply) =>
        assert.match(
          String(reply.text),
          /^Type this in the channel where admins should get sync health alerts/,
        ),
      );
    assert.equal(await h.alertChannel.get(), undefined);
  });

  it('without an alerts channel store: says Anchor cannot keep one', async () => {
    const replies: string[] = [];
    const context = { sendActivity: async (text: string) => void replies.push(text) };
    await new AlertsHereCommand(undefined).run(context as never);
    assert.deepEqual(replies, [ALERT_CHANNEL_UNAVAILABLE]);
  });

  it('is on the help card', async () => {
    const h = botHarness();
    await h.adapter
      .send(message(ADMIN, 'help'))
      .assertReply((reply) => assert.match(JSON.stringify(reply.attachments), /alerts here/));
  });
});
