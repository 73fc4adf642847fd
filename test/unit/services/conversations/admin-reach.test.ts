import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { AdminConversations } from '../../../../src/services/conversations/admin-conversations';
import { AdminReach } from '../../../../src/services/conversations/admin-reach';
import type { InstallOutcome, TeamsApps } from '../../../../src/services/entra/teams-apps';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { memoryLogger } from '../../../support/memory-logger';

const ADMIN = '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e02';
const APP = '7e2a9c41-5b3d-4f6e-8a1c-2d3e4f5a6b7c';
const CONTEXT = { requestId: 'r-1', correlationId: 'c-1', adminName: 'Adele Vance' };

function setup(outcome: InstallOutcome | Error, catalogAppId: string | undefined = APP) {
  const store = new MemoryStateStore();
  const conversations = new AdminConversations(store);
  const audit = new AuditLog(store);
  const install = sinon.spy(async (): Promise<InstallOutcome> => {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  });
  const teams: TeamsApps = { installForUser: install };
  const reach = new AdminReach({ conversations, teams, catalogAppId, audit, logger: memoryLogger().logger });
  return { reach, conversations, audit, install };
}

describe('AdminReach: a way to an admin’s personal chat', () => {
  it('uses the saved chat and installs nothing', async () => {
    const t = setup({ kind: 'installed' });
    await t.conversations.save(ADMIN, { conversation: { id: 'a:1' } });
    assert.deepEqual(await t.reach.reach(ADMIN, CONTEXT), {
      kind: 'chat',
      reference: { conversation: { id: 'a:1' } },
    });
    assert.equal(t.install.called, false);
  });

  it('installs Anchor for the admin with the catalog id, and audits the install', async () => {
    const t = setup({ kind: 'installed' });
    assert.deepEqual(await t.reach.reach(ADMIN, CONTEXT), { kind: 'installing' });
    assert.deepEqual(t.install.firstCall.args.slice(0, 2), [ADMIN, APP]);
    const [entry] = await t.audit.recent({ requestId: 'r-1' });
    assert.equal(entry.action, 'teams.installed');
    assert.match(entry.detail, /Installed Anchor in Teams for Adele Vance/);
  });

  it('says TEAMS_APP_CATALOG_ID is not set instead of installing', async () => {
    const t = setup({ kind: 'installed' }, '');
    const way = await t.reach.reach(ADMIN, CONTEXT);
    assert.equal(way.kind, 'unreachable');
    assert.match(way.kind === 'unreachable' ? way.why : '', /TEAMS_APP_CATALOG_ID is not set/);
    assert.equal(t.install.called, false);
  });

  it('passes on Graph’s refusal, and audits nothing', async () => {
    const t = setup({
      kind: 'refused',
      why: 'Teams would not install Anchor for them (Graph 403 Forbidden: no licence)',
    });
    assert.deepEqual(await t.reach.reach(ADMIN, CONTEXT), {
      kind: 'unreachable',
      why: 'Teams would not install Anchor for them (Graph 403 Forbidden: no licence)',
    });
    assert.deepEqual(await t.audit.recent({ requestId: 'r-1' }), []);
  });

  it('already installed: the chat Graph names, or unreachable when it names none', async () => {
    assert.deepEqual(await setup({ kind: 'already-installed', chatId: '19:x' }).reach.reach(ADMIN, CONTEXT), {
      kind: 'chat-id',
      chatId: '19:x',
    });
    const way = await setup({ kind: 'already-installed' }).reach.reach(ADMIN, CONTEXT);
    assert.equal(way.kind, 'unreachable');
  });

  it('turns an unexpected failure (Graph down) into a reason, never a throw', async () => {
    const way = await setup(new Error('Graph did not answer within 20 s')).reach.reach(ADMIN, CONTEXT);
    assert.deepEqual(way, {
      kind: 'unreachable',
      why: 'Anchor could not be installed for them (Graph did not answer within 20 s)',
    });
  });
});
