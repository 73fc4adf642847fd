import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AccessPolicy } from '../../../../src/services/access/access-policy';
import { AdminRoster } from '../../../../src/services/access/admin-roster';
import { CloudDirectoryError } from '../../../../src/services/entra/graph-errors';
import type { GroupDirectory, GroupMember } from '../../../../src/services/entra/teams-apps';
import { memoryLogger } from '../../../support/memory-logger';

const TENANT = '6b3f3c1e-8d4a-4c55-9a0e-2f1d7c9b8a01';
const LISTED = '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e01';
const MEMBER = '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e02';
const GROUP = 'b0000000-0000-4000-8000-0000000000a1';

function setup(read: () => Promise<GroupMember[]>) {
  let now = 1_000_000;
  const groups: GroupDirectory = { transitiveUsers: sinon.spy(read) };
  const { logger, lines } = memoryLogger();
  const roster = new AdminRoster({
    adminObjectIds: [LISTED],
    groupId: GROUP,
    groups,
    cacheMs: 60_000,
    retryMs: 10_000,
    logger,
    now: () => now,
  });
  const policy = new AccessPolicy({ allowedTenantId: TENANT, adminObjectIds: [LISTED], roster });
  return {
    roster,
    policy,
    lines,
    reads: groups.transitiveUsers as sinon.SinonSpy,
    advance: (ms: number) => (now += ms),
  };
}

describe('AdminRoster: admins by id and by Entra group', () => {
  it('admits the group’s users (any case) after a read, and lists every admin once with their names', async () => {
    const t = setup(async () => [
      { id: MEMBER.toUpperCase(), displayName: 'Adele Vance' },
      { id: LISTED, displayName: 'Megan Bowen' },
    ]);
    assert.equal(t.policy.isAdmin(MEMBER), false, 'not before the group was read');
    await t.policy.ready();
    assert.deepEqual(t.policy.check({ tenantId: TENANT, aadObjectId: MEMBER }), { allowed: true });
    assert.deepEqual(await t.roster.admins(), [
      { id: LISTED, name: 'Megan Bowen' },
      { id: MEMBER, name: 'Adele Vance' },
    ]);
  });

  it('reads the group at most once per cache period, and again after it', async () => {
    const t = setup(async () => [{ id: MEMBER, displayName: null }]);
    await t.policy.ready();
    await Promise.all([t.policy.ready(), t.roster.admins(), t.policy.ready()]);
    assert.equal(t.reads.callCount, 1);
    t.advance(60_001);
    await t.policy.ready();
    assert.equal(t.reads.callCount, 2);
  });

  it('fails closed: an unreadable group admits only the listed ids, logs why, and is asked again later', async () => {
    let fail = false;
    const t = setup(async () => {
      if (fail) throw new CloudDirectoryError("Anchor's identity is not allowed to do this.");
      return [{ id: MEMBER, displayName: 'Adele Vance' }];
    });
    await t.policy.ready();
    assert.equal(t.policy.isAdmin(MEMBER), true);
    fail = true;
    t.advance(60_001);
    await t.policy.ready();
    assert.deepEqual(t.policy.check({ tenantId: TENANT, aadObjectId: MEMBER }), {
      allowed: false,
      reason: 'not-admin',
    });
    assert.equal(t.policy.isAdmin(LISTED), true, 'the listed admins still work');
    assert.ok(
      t.lines().some((l) => /could not be read: only ANCHOR_ADMIN_IDS are admins/.test(JSON.stringify(l))),
    );
    await t.policy.ready();
    assert.equal(t.reads.callCount, 2, 'not asked again on every message');
    fail = false;
    t.advance(10_001);
    await t.policy.ready();
    assert.equal(t.policy.isAdmin(MEMBER), true, 'admitted again once the group reads');
  });

  it('without a group, only the listed ids and no Graph read', async () => {
    const roster = new AdminRoster({ adminObjectIds: [LISTED], logger: memoryLogger().logger });
    assert.deepEqual(await roster.admins(), [{ id: LISTED, name: undefined }]);
    assert.equal(roster.has(MEMBER), false);
  });
});
