import assert from 'node:assert/strict';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { botHarness } from '../../../support/bot-harness';

const TEXT = {
  title: 'The sync scheduler is paused on aadc01',
  resolvedTitle: 'The sync scheduler runs again on aadc01',
  detail: 'The relay aadc01 has reported SyncCycleEnabled False since 10:00.',
  fix: 'Run Set-ADSyncScheduler -SyncCycleEnabled $true on the Entra Connect server.',
};

describe('alert cards', () => {
  /** The harness with both demo admins' personal chats known. */
  async function harness() {
    const h = botHarness();
    for (const admin of [DEMO_TENANT.requester, DEMO_TENANT.approver]) {
      await h.conversations.save(admin.aadObjectId, {
        conversation: { id: `chat-${admin.aadObjectId}` },
        user: { name: admin.name },
      });
    }
    return h;
  }

  const texts = (card: Record<string, unknown>) => JSON.stringify(card);

  it('tells every admin in their chat, and turns each card to resolved in place', async () => {
    const h = await harness();
    const incident = await h.alerts.raise('scheduler-paused', TEXT);
    assert.ok(incident);
    const sent = h.proactive.calls.filter((c) => c.kind === 'send');
    assert.deepEqual(
      sent.map((c) => c.conversationId).sort(),
      [DEMO_TENANT.requester, DEMO_TENANT.approver].map((a) => `chat-${a.aadObjectId}`).sort(),
    );
    assert.match(texts(sent[0].card), /The sync scheduler is paused on aadc01/);
    assert.match(texts(sent[0].card), /Set-ADSyncScheduler -SyncCycleEnabled \$true/);

    await h.alerts.resolve('scheduler-paused', 'The relay aadc01 reported the scheduler enabled at 10:41.');
    const updated = h.proactive.calls.filter((c) => c.kind === 'update');
    assert.deepEqual(updated.map((c) => c.activityId).sort(), sent.map((c) => c.activityId).sort());
    assert.match(texts(updated[0].card), /The sync scheduler runs again on aadc01/);
    assert.doesNotMatch(texts(updated[0].card), /What to do/);
  });

  it('posts again as a reminder while the incident lasts', async () => {
    const h = await harness();
    await h.alerts.raise('scheduler-paused', TEXT);
    await h.alerts.remindIfDue('scheduler-paused', 0);
    assert.equal(h.proactive.calls.filter((c) => c.kind === 'send').length, 4);
  });

  it('tells the admins named by the admin group too', async () => {
    const lidia = DEMO_TENANT.others[3];
    const h = botHarness({
      cards: { admins: async () => [{ id: DEMO_TENANT.requester.aadObjectId }, { id: lidia.aadObjectId }] },
    });
    for (const admin of [DEMO_TENANT.requester, lidia]) {
      await h.conversations.save(admin.aadObjectId, { conversation: { id: `chat-${admin.aadObjectId}` } });
    }
    await h.alerts.raise('scheduler-paused', TEXT);
    assert.deepEqual(
      h.proactive.calls
        .filter((c) => c.kind === 'send')
        .map((c) => c.conversationId)
        .sort(),
      [DEMO_TENANT.requester, lidia].map((a) => `chat-${a.aadObjectId}`).sort(),
    );
  });
});

describe('alert cards: the one-click fix on every copy', () => {
  it('updates every posted copy in place when the fix changes, with no new post', async () => {
    const h = botHarness();
    for (const admin of [DEMO_TENANT.requester, DEMO_TENANT.approver]) {
      await h.conversations.save(admin.aadObjectId, { conversation: { id: `chat-${admin.aadObjectId}` } });
    }
    const incident = await h.alerts.raise('phs-silent', {
      ...TEXT,
      facts: [{ title: 'Last heartbeat', value: '08:02' }],
    });
    assert.ok(incident);
    const sent = h.proactive.calls.filter((c) => c.kind === 'send');
    assert.match(JSON.stringify(sent[0].card), /"title":"Restart ADSync"/);

    await h.alerts.update('phs-silent', incident.id, (current) => ({
      ...current,
      remedy: {
        state: 'restarting',
        message: 'The relay aadc01 is restarting the ADSync service.',
        restartedBy: { aadObjectId: DEMO_TENANT.requester.aadObjectId, name: 'Adele Vance' },
        restartedAt: '2026-11-25T10:40:00.000Z',
        watchUntil: null,
        fullSync: null,
      },
    }));

    assert.equal(
      h.proactive.calls.filter((c) => c.kind === 'send').length,
      sent.length,
      'nothing new posted',
    );
    const updated = h.proactive.calls.filter((c) => c.kind === 'update');
    assert.deepEqual(updated.map((c) => c.activityId).sort(), sent.map((c) => c.activityId).sort());
    for (const { card } of updated) {
      assert.match(JSON.stringify(card), /Restart ADSync pressed by Adele Vance at 2026-11-25 10:40:00 UTC/);
      assert.doesNotMatch(JSON.stringify(card), /Action\.Execute/);
    }
  });

  it('goes to the alerts channel when one is registered, not to the approvals channel', async () => {
    const h = botHarness();
    const channel = (id: string, name: string) => ({
      conversation: { conversation: { id } },
      name,
      registeredBy: 'Adele Vance',
      registeredAt: '2026-11-25T10:00:00.000Z',
    });
    await h.channel.register(channel('19:approvals@thread.tacv2', 'Identity admins'));
    await h.alerts.raise('scheduler-paused', TEXT);
    await h.alertChannel.register(channel('19:sync@thread.tacv2', 'Sync team'));
    await h.alerts.remindIfDue('scheduler-paused', 0);
    assert.deepEqual(
      h.proactive.calls.filter((c) => c.kind === 'send').map((c) => c.conversationId),
      ['19:approvals@thread.tacv2', '19:sync@thread.tacv2'],
    );
  });
});
