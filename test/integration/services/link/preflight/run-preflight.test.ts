import assert from 'node:assert/strict';
import type { CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import { DemoDirectory } from '../../../../../src/sim/demo/demo-directory';
import type { DemoDirectoryRecord } from '../../../../../src/sim/demo/demo-directory';
import { guidToImmutableId } from '../../../../../src/shared/directory/immutable-id';
import { GraphPermissionError } from '../../../../../src/services/entra/graph-errors';
import { runPreflight } from '../../../../../src/services/link/preflight/run-preflight';
import type { PreflightServices } from '../../../../../src/services/link/preflight/run-preflight';
import type {
  PreflightCheck,
  PreflightCheckId,
  PreflightReport,
} from '../../../../../src/services/link/preflight/report';
import { PREFLIGHT_CHECK_IDS } from '../../../../../src/services/link/preflight/report';
import { RelayPresence } from '../../../../../src/services/relay/presence';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../../src/sim/graph/graph-simulator';
import { BUILT_IN_ROLES } from '../../../../../src/sim/graph/role-definitions';
import { fetchToken, cloudOn } from '../../../../support/graph-sim';
import { pollRequest, schedulerState } from '../../../../support/relay-messages';

const APES = {
  guid: '35918bc9-196d-40ea-9779-889d79b753f0',
  cloudId: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01',
};
const APETERS = {
  guid: 'd749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a',
  cloudId: '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e02',
};

/** An enabled, in-scope AD user in the synced OU, as the demo directory holds them. */
function adRecord(sam: string, displayName: string, upn: string, objectGuid: string): DemoDirectoryRecord {
  const [givenName, surname] = displayName.split(' ');
  return {
    dn: `CN=${displayName},OU=Staff,DC=corp,DC=contoso,DC=com`,
    sAMAccountName: sam,
    userPrincipalName: upn,
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    primarySmtp: upn,
    displayName,
    givenName,
    surname,
    enabled: true,
    objectGuid,
    inSyncScope: true,
  };
}

/**
 * The AD counterparts of the simulator's one-check cloud users, so each pair is plausibly the same
 * person and fails nothing but the check it was seeded for. John Doe's demo AD account is
 * disabled, so the converted cloud John Doe gets an enabled counterpart of his own.
 */
const COUNTERPARTS = {
  privileged: adRecord(
    'nestorw',
    'Nestor Wilke',
    'nestorw@contoso.com',
    'a1a1a1a1-0000-4000-8000-000000000004',
  ),
  eligible: adRecord('jonis', 'Joni Sherman', 'jonis@contoso.com', 'a1a1a1a1-0000-4000-8000-000000000005'),
  federated: adRecord(
    'gradya',
    'Grady Archie',
    'gradya@fabrikam.com',
    'a1a1a1a1-0000-4000-8000-000000000006',
  ),
  objectIdentifier: adRecord('leeg', 'Lee Gu', 'leeg@contoso.com', 'a1a1a1a1-0000-4000-8000-000000000007'),
  converted: adRecord('john.doe', 'John Doe', 'jdoe@contoso.com', 'a1a1a1a1-0000-4000-8000-000000000008'),
};

/** Preflight against the Graph simulator over HTTP, with the production Graph service. */
describe('preflight against the Graph simulator (HTTP)', () => {
  let sim: GraphSimulator;
  let cloud: CloudDirectory;
  let services: PreflightServices;

  /** Calls the simulator's admin API. */
  async function admin(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${sim.baseUrl}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} /_sim${path}: ${res.status} ${await res.clone().text()}`);
    return res;
  }

  async function preflight(adObjectGuid: string, cloudUserId: string): Promise<PreflightReport> {
    return runPreflight({ adObjectGuid, cloudUserId }, services, { deadline: Date.now() + 20_000 });
  }

  /** The checks that did not pass, by id. */
  function notPassed(report: PreflightReport): Partial<Record<PreflightCheckId, string>> {
    return Object.fromEntries(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]));
  }

  function check(report: PreflightReport, id: PreflightCheckId): PreflightCheck {
    return report.checks.find((c) => c.id === id)!;
  }

  before(async () => {
    sim = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
    // Reading the sync features takes a delegated permission; here the app may, so the check can pass.
    await admin('PATCH', '/sync-features', { readableByApps: true });
  });

  beforeEach(async () => {
    const relay = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await relay.record(pollRequest('aadc01'));
    services = {
      directory: new DemoDirectory([...demoDirectoryUsers(), ...Object.values(COUNTERPARTS)]),
      cloud,
      relay,
      suffixMap: new Map(),
    };
  });

  after(async () => {
    await sim?.stop();
  });

  it('passes every check for Aaron Pescasio (AD apes ↔ cloud apes@contoso.com)', async () => {
    const report = await preflight(APES.guid, APES.cloudId);
    assert.deepEqual(
      report.checks.map((c) => c.id),
      [...PREFLIGHT_CHECK_IDS],
    );
    assert.deepEqual(notPassed(report), {});
    assert.equal(report.verdict, 'pass');
    assert.equal(report.immutableId, guidToImmutableId(APES.guid));
    assert.equal(report.cloud.userPrincipalName, 'apes@contoso.com');
  });

  const seeded: [keyof typeof COUNTERPARTS, PreflightCheckId, RegExp][] = [
    ['privileged', 'no-privileged-role', /Global Administrator \(active\)/],
    ['eligible', 'no-privileged-role', /Privileged Role Administrator \(eligible\)/],
    ['federated', 'domain-managed', /federated domain fabrikam\.com/],
    ['objectIdentifier', 'no-object-identifier', /7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/],
    ['converted', 'cloud-only', /converted to cloud-only — onPremisesSyncEnabled false/],
  ];
  for (const [user, failing, detail] of seeded) {
    it(`fails only ${failing} for the ${user} user`, async () => {
      const report = await preflight(COUNTERPARTS[user].objectGuid, DEMO_GRAPH_USERS[user]);
      assert.deepEqual(notPassed(report), { [failing]: 'fail' });
      assert.match(check(report, failing).detail, detail);
      assert.equal(report.verdict, 'fail');
    });
  }

  it('fails anchor-unique for Anna Peters, whose value the recycle-bin twin holds, and her scope', async () => {
    const report = await preflight(APETERS.guid, APETERS.cloudId);
    // Halfway through the documented fix: moved out of scope so the delta deleted her twin.
    assert.deepEqual(notPassed(report), { 'anchor-unique': 'fail', 'ad-user-ready': 'fail' });
    assert.match(check(report, 'ad-user-ready').detail, /outside the OUs Entra Connect syncs/);
    const unique = check(report, 'anchor-unique');
    assert.match(unique.detail, new RegExp(DEMO_GRAPH_USERS.recycledTwin));
    assert.match(unique.detail, /deleted \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);
    assert.match(unique.fix ?? '', /Deleted users \(deletedItems\)/);
  });

  it('fails tenant-hard-match-block while the takeover block is on, and warns while it is unreadable', async () => {
    try {
      await admin('PATCH', '/sync-features', { blockCloudObjectTakeoverThroughHardMatchEnabled: true });
      const blocked = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(blocked), { 'tenant-hard-match-block': 'fail' });
      assert.match(check(blocked, 'tenant-hard-match-block').detail, /InvalidHardMatch/);

      await admin('PATCH', '/sync-features', { readableByApps: false });
      const unknown = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(unknown), { 'tenant-hard-match-block': 'warn' });
      assert.match(check(unknown, 'tenant-hard-match-block').detail, /only a signed-in Global Administrator/);
    } finally {
      await admin('PATCH', '/sync-features', {
        blockCloudObjectTakeoverThroughHardMatchEnabled: false,
        readableByApps: true,
      });
    }
  });

  it('blocks the role and domain checks, naming the missing permission, when Anchor may not read them', async () => {
    try {
      await admin('PATCH', '/apps/anchor', { permissions: ['User.ReadWrite.All'] });
      const report = await preflight(APES.guid, APES.cloudId);
      // Without OnPremDirectorySynchronization.Read.All the takeover-block flag is unreadable too (a warning).
      assert.deepEqual(notPassed(report), {
        'domain-managed': 'fail',
        'no-privileged-role': 'fail',
        'tenant-hard-match-block': 'warn',
      });
      assert.equal(report.verdict, 'fail');
      assert.match(check(report, 'no-privileged-role').detail, /^could not check: .*403/);
      assert.match(
        check(report, 'no-privileged-role').detail,
        /may not read directory role assignments: grant it the RoleManagement\.Read\.Directory application permission/,
      );
      assert.match(
        check(report, 'domain-managed').detail,
        /may not read domains: grant it the Domain\.Read\.All/,
      );
      assert.match(check(report, 'no-privileged-role').fix ?? '', /RoleManagement\.Read\.Directory/);
      assert.match(check(report, 'domain-managed').fix ?? '', /Domain\.Read\.All/);

      await admin('PATCH', '/apps/anchor', {
        permissions: [
          'User.ReadWrite.All',
          'Domain.Read.All',
          'RoleManagement.Read.Directory',
          'OnPremDirectorySynchronization.Read.All',
        ],
      });
      assert.deepEqual(notPassed(await preflight(APES.guid, APES.cloudId)), {});
    } finally {
      await admin('PATCH', '/apps/anchor', { permissions: null });
    }
  });

  it('reads the takeover-block flag with OnPremDirectorySynchronization.Read.All, and warns, naming it, without', async () => {
    const granted = ['User.Read.All', 'Domain.Read.All', 'RoleManagement.Read.Directory'];
    try {
      await admin('PATCH', '/sync-features', { blockCloudObjectTakeoverThroughHardMatchEnabled: true });
      await admin('PATCH', '/apps/anchor', { permissions: granted });
      const without = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(without), { 'tenant-hard-match-block': 'warn' });
      assert.match(
        check(without, 'tenant-hard-match-block').fix ?? '',
        /OnPremDirectorySynchronization\.Read\.All/,
      );

      await admin('PATCH', '/apps/anchor', {
        permissions: [...granted, 'OnPremDirectorySynchronization.Read.All'],
      });
      const read = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(read), { 'tenant-hard-match-block': 'fail' });
      assert.match(
        check(read, 'tenant-hard-match-block').detail,
        /blockCloudObjectTakeoverThroughHardMatchEnabled is on/,
      );
    } finally {
      await admin('PATCH', '/sync-features', { blockCloudObjectTakeoverThroughHardMatchEnabled: false });
      await admin('PATCH', '/apps/anchor', { permissions: null });
    }
  });

  it('refuses to judge the pair, naming User.Read.All, when Anchor may not read users', async () => {
    try {
      // User.ReadUpdate.All is the least privileged permission to write users, not to read them.
      await admin('PATCH', '/apps/anchor', {
        permissions: ['User.ReadUpdate.All', 'Domain.Read.All', 'RoleManagement.Read.Directory'],
      });
      await assert.rejects(preflight(APES.guid, APES.cloudId), (err: unknown) => {
        assert.ok(err instanceof GraphPermissionError, String(err));
        assert.match(err.message, /may not read users: grant it the User\.Read\.All application permission/);
        return true;
      });
    } finally {
      await admin('PATCH', '/apps/anchor', { permissions: null });
    }
  });

  it('fails sync-server while the relay reports a staging server', async () => {
    const relay = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await relay.record(pollRequest('aadc01', { scheduler: schedulerState({ stagingModeEnabled: true }) }));
    services.relay = relay;
    const report = await preflight(APES.guid, APES.cloudId);
    assert.deepEqual(notPassed(report), { 'sync-server': 'fail' });
    assert.match(check(report, 'sync-server').detail, /staging mode/);
  });

  it('fails no-synced-twin with the documented fix, and passes again once the twin is hard-deleted', async () => {
    const anchor = guidToImmutableId(APES.guid);
    const twin = (await (
      await admin('POST', '/users', {
        userPrincipalName: 'apes1@contoso.onmicrosoft.com',
        displayName: 'Aaron Pescasio',
        onPremisesImmutableId: anchor,
        onPremisesSyncEnabled: true,
        onPremisesSamAccountName: 'apes',
        onPremisesLastSyncDateTime: new Date().toISOString(),
      })
    ).json()) as { id: string };

    const withTwin = await preflight(APES.guid, APES.cloudId);
    assert.deepEqual(notPassed(withTwin), { 'no-synced-twin': 'fail' });
    const twinCheck = check(withTwin, 'no-synced-twin');
    assert.match(twinCheck.detail, /apes1@contoso\.onmicrosoft\.com/);
    assert.match(
      twinCheck.fix ?? '',
      /out of sync scope.*delta sync.*soft-deleted.*hard-delete.*deletedItems.*set the ImmutableId on the original cloud user.*back into scope.*delta sync/,
    );

    // The documented fix, as far as Graph goes: the sync soft-deletes the twin…
    await admin('DELETE', `/users/${twin.id}`);
    const inRecycleBin = await preflight(APES.guid, APES.cloudId);
    assert.deepEqual(notPassed(inRecycleBin), { 'anchor-unique': 'fail' });

    // …and the admin hard-deletes it from deletedItems.
    const token = await fetchToken(sim.baseUrl, DEMO_TENANT.tenantId);
    const hardDelete = await fetch(`${sim.baseUrl}/v1.0/directory/deletedItems/${twin.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(hardDelete.status, 204);
    assert.equal((await preflight(APES.guid, APES.cloudId)).verdict, 'pass');
  });

  describe('Graph as Anchor meets it', () => {
    const TIER0 = 'a0a0a0a0-0000-4000-8000-0000000000a1';
    const token = () => fetchToken(sim.baseUrl, DEMO_TENANT.tenantId);
    async function patchUser(id: string, body: unknown): Promise<void> {
      const res = await fetch(`${sim.baseUrl}/v1.0/users/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 204, await res.text());
    }
    afterEach(async () => {
      sim.state.groups.length = 0;
      sim.faults.clear();
      await admin('PATCH', '/settings', { entraIdP2: true, advancedQueryLagMs: 0 });
      await admin('PATCH', '/apps/anchor', { permissions: null });
    });

    it('keeps the active roles and says there is no PIM when the tenant has no Entra ID P2', async () => {
      await admin('PATCH', '/settings', { entraIdP2: false });
      const privileged = await preflight(COUNTERPARTS.privileged.objectGuid, DEMO_GRAPH_USERS.privileged);
      assert.deepEqual(notPassed(privileged), { 'no-privileged-role': 'fail' });
      assert.match(check(privileged, 'no-privileged-role').detail, /^holds Global Administrator \(active\)$/);

      const plain = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(plain), {});
      assert.match(check(plain, 'no-privileged-role').detail, /no Entra ID P2, so no PIM/);
    });

    it('still blocks on any other failure to read the eligible roles', async () => {
      sim.faults.inject({ path: '/v1.0/roleManagement/directory/roleEligibilitySchedules', status: 500 });
      const report = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(report), { 'no-privileged-role': 'fail' });
      assert.match(check(report, 'no-privileged-role').detail, /^could not check: .*500/);
    });

    it('blocks a member or an owner of a role-assignable group, whose roles the role check cannot see', async () => {
      await admin('POST', '/groups', {
        id: TIER0,
        displayName: 'Tier 0 admins',
        isAssignableToRole: true,
        members: [APES.cloudId],
      });
      // The group holds Global Administrator: the user's own role assignments do not show it.
      await admin('POST', '/role-assignments', {
        principalId: TIER0,
        roleDefinitionId: BUILT_IN_ROLES.globalAdministrator.id,
      });
      const member = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(member), { 'no-role-group': 'fail' });
      assert.match(
        check(member, 'no-role-group').detail,
        /^member of role-assignable Tier 0 admins \(a0a0a0a0/,
      );
      assert.match(
        check(member, 'no-role-group').fix ?? '',
        /Privileged Authentication Administrator or Global Administrator/,
      );

      sim.state.groups[0].members = [];
      sim.state.groups[0].owners = [APES.cloudId];
      const owner = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(owner), { 'no-role-group': 'fail' });
      assert.match(check(owner, 'no-role-group').detail, /^owner of role-assignable Tier 0 admins/);

      sim.state.groups[0].isAssignableToRole = false;
      assert.deepEqual(notPassed(await preflight(APES.guid, APES.cloudId)), {});
    });

    it('blocks, naming GroupMember.Read.All, when Graph shows the groups without their properties or not at all', async () => {
      await admin('POST', '/groups', {
        id: TIER0,
        displayName: 'Tier 0',
        isAssignableToRole: true,
        members: [APES.cloudId],
      });
      await admin('PATCH', '/apps/anchor', {
        permissions: [
          'User.Read.All',
          'Domain.Read.All',
          'RoleManagement.Read.Directory',
          'OnPremDirectorySynchronization.Read.All',
        ],
      });
      const limited = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(limited), { 'no-role-group': 'fail' });
      assert.match(check(limited, 'no-role-group').detail, /without the groups' properties/);
      assert.match(check(limited, 'no-role-group').fix ?? '', /GroupMember\.Read\.All/);

      await admin('PATCH', '/apps/anchor', { permissions: null });
      sim.faults.inject({ path: `/v1.0/users/${APES.cloudId}/transitiveMemberOf`, status: 500 });
      const unreadable = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(unreadable), { 'no-role-group': 'fail' });
      assert.match(check(unreadable, 'no-role-group').detail, /^could not check: .*500/);
    });

    it('does not count a value just cleared on another user while the advanced-query index still lists it', async () => {
      await admin('PATCH', '/settings', { advancedQueryLagMs: 1500 });
      const anchor = guidToImmutableId(APES.guid);
      // A stale copy of Aaron's value on Anna, which the index has seen…
      await patchUser(APETERS.cloudId, { onPremisesImmutableId: anchor });
      await new Promise((r) => setTimeout(r, 1700));
      const held = await preflight(APES.guid, APES.cloudId);
      assert.deepEqual(notPassed(held), { 'anchor-unique': 'fail' });
      assert.match(check(held, 'anchor-unique').detail, /apeters@contoso\.com/);

      // …is cleared by an admin, who clicks "Check again" at once: the index still lists Anna.
      await patchUser(APETERS.cloudId, { onPremisesImmutableId: null });
      const listed = await fetch(
        `${sim.baseUrl}/v1.0/users?$filter=${encodeURIComponent(`onPremisesImmutableId eq '${anchor}'`)}&$count=true&$select=id`,
        { headers: { authorization: `Bearer ${await token()}`, ConsistencyLevel: 'eventual' } },
      );
      assert.deepEqual(
        ((await listed.json()) as { value: { id: string }[] }).value.map((u) => u.id),
        [APETERS.cloudId],
      );
      assert.deepEqual(notPassed(await preflight(APES.guid, APES.cloudId)), {});
    });

    it('does not count a recycle-bin holder just hard-deleted while the index still lists it', async () => {
      await admin('PATCH', '/settings', { advancedQueryLagMs: 1500 });
      const twin = sim.state.deletedUsers.get(DEMO_GRAPH_USERS.recycledTwin)!;
      try {
        assert.deepEqual(notPassed(await preflight(APETERS.guid, APETERS.cloudId)), {
          'anchor-unique': 'fail',
          'ad-user-ready': 'fail',
        });
        const res = await fetch(`${sim.baseUrl}/v1.0/directory/deletedItems/${twin.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${await token()}` },
        });
        assert.equal(res.status, 204);
        assert.deepEqual(notPassed(await preflight(APETERS.guid, APETERS.cloudId)), {
          'ad-user-ready': 'fail',
        });
      } finally {
        if (!sim.state.deletedUsers.has(twin.id)) sim.state.addDeletedUser(twin);
      }
    });
  });
});
