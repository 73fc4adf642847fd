import assert from 'node:assert/strict';
import { adminTargets, alertTargets } from '../../../../src/bot/cards/admin-targets';
import { AdminConversations } from '../../../../src/services/conversations/admin-conversations';
import { AlertChannel } from '../../../../src/services/conversations/alert-channel';
import { ApprovalChannel } from '../../../../src/services/conversations/approval-channel';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';

const ADMINS = ['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002'];

/** An audience with both admins' chats known, and neither channel registered. */
async function audience() {
  const store = new MemoryStateStore();
  const conversations = new AdminConversations(store);
  for (const id of ADMINS)
    await conversations.save(id, {
      conversation: { id: `chat-${id}` },
      user: { name: `Admin ${id.slice(-1)}` },
    });
  const channel = new ApprovalChannel(store);
  const alertChannel = new AlertChannel(store);
  return { conversations, channel, alertChannel, adminObjectIds: ADMINS };
}

const registered = (name: string) => ({
  conversation: { conversation: { id: `19:${name}@thread.tacv2` } },
  name,
  registeredBy: 'Adele Vance',
  registeredAt: '2026-11-25T10:00:00.000Z',
});

describe('where alert cards go', () => {
  it("every admin's chat when no channel is registered", async () => {
    assert.deepEqual(
      (await alertTargets(await audience())).map((t) => t.name),
      ["Admin 1's chat", "Admin 2's chat"],
    );
  });

  it('the approvals channel when only that one is registered (as before alerts had their own)', async () => {
    const a = await audience();
    await a.channel.register(registered('Identity admins'));
    assert.deepEqual(
      (await alertTargets(a)).map((t) => t.name),
      ['the admin channel Identity admins'],
    );
  });

  it('the alerts channel first, when both are registered; approval cards still go to theirs', async () => {
    const a = await audience();
    await a.channel.register(registered('Identity admins'));
    await a.alertChannel.register(registered('Sync team'));
    assert.deepEqual(
      (await alertTargets(a)).map((t) => t.name),
      ['the alerts channel Sync team'],
    );
    assert.deepEqual(
      (await adminTargets(a)).map((t) => t.name),
      ['the admin channel Identity admins'],
    );
  });

  it('the alerts channel over the chats, and the chats when Anchor keeps no alerts channel', async () => {
    const a = await audience();
    await a.alertChannel.register(registered('Sync team'));
    assert.deepEqual(
      (await alertTargets(a)).map((t) => t.name),
      ['the alerts channel Sync team'],
    );
    const { alertChannel: _none, ...without } = a;
    assert.deepEqual(
      (await alertTargets(without)).map((t) => t.name),
      ["Admin 1's chat", "Admin 2's chat"],
    );
  });
});
