import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { AD_VIEW_ENV, GRAPH_URL_ENV, runGraphSync } from '../../../../src/sim/adsync-host/graph-sync';
import type { SimAdView } from '../../../../src/sim/graph/model';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, cloudOnlyUser } from '../../../../src/sim/demo/demo-tenant';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { BUILT_IN_ROLES } from '../../../../src/sim/graph/role-definitions';
import type { SimAdUser, SyncReport } from '../../../../src/sim/graph/graph-simulator';
import { createSelfSignedCertificate } from '../../../../src/sim/self-signed';
import {
  assertGraphError,
  cloudOn,
  demoTwinsAdView,
  demoTwinsRefreshed,
  startSim,
} from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const LROBBINS_ANCHOR = 'cUwvjp0qPkulxn2OnwobLA==';

function ad(sam: string, anchorGuid: string, extra: Partial<SimAdUser> = {}): SimAdUser {
  const [given, surname] = [sam[0].toUpperCase() + sam.slice(1), 'Tester'];
  return {
    sourceAnchor: guidToImmutableId(anchorGuid),
    sAMAccountName: sam,
    userPrincipalName: `${sam}@contoso.com`,
    mail: `${sam}@contoso.com`,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    distinguishedName: `CN=${given} ${surname},OU=Staff,DC=corp,DC=contoso,DC=com`,
    enabled: true,
    inScope: true,
    ...extra,
  };
}

const lrobbins = ad('lrobbins', '8e2f4c71-2a9d-4b3e-a5c6-7d8e9f0a1b2c', {
  displayName: 'Lynne Robbins',
  givenName: 'Lynne',
  surname: 'Robbins',
});
const apes = ad('apes', '35918bc9-196d-40ea-9779-889d79b753f0', { displayName: 'Aaron Pescasio' });

describe('Graph simulator: Entra Connect sync engine', () => {
  let h: SimHarness;
  beforeEach(async () => {
    h = await startSim();
  });
  afterEach(() => h.stop());
  const user = async (id: string) =>
    (await (
      await h.get(
        `/v1.0/users/${id}?$select=id,userPrincipalName,onPremisesImmutableId,onPremisesSyncEnabled,onPremisesLastSyncDateTime,onPremisesSamAccountName,onPremisesUserPrincipalName,onPremisesDistinguishedName`,
      )
    ).json()) as Record<string, unknown>;

  it('refreshes a synced user, and takes over a cloud-only user linked by ImmutableId (hard match)', async () => {
    assert.equal(lrobbins.sourceAnchor, LROBBINS_ANCHOR);
    assert.equal(
      (await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: apes.sourceAnchor })).status,
      204,
    );
    const now = new Date('2026-12-01T10:00:00Z');
    const report = h.sim.runSyncCycle([lrobbins, apes], now);
    assert.deepEqual(
      report.refreshed.map((r) => r.sourceAnchor),
      [LROBBINS_ANCHOR],
    );
    assert.deepEqual(report.matched, [
      { sourceAnchor: apes.sourceAnchor, userId: APES, userPrincipalName: 'apes@contoso.com' },
    ]);
    assert.deepEqual(report.created, []);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(await user(APES), {
      '@odata.context': `${h.base}/v1.0/$metadata#users/$entity`,
      id: APES,
      userPrincipalName: 'apes@contoso.com',
      onPremisesImmutableId: apes.sourceAnchor,
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: now.toISOString(),
      onPremisesSamAccountName: 'apes',
      onPremisesUserPrincipalName: 'apes@contoso.com',
      onPremisesDistinguishedName: apes.distinguishedName,
    });
    const org = (await (await h.get('/v1.0/organization?$select=onPremisesLastSyncDateTime')).json()) as {
      value: Record<string, unknown>[];
    };
    assert.equal(org.value[0].onPremisesLastSyncDateTime, now.toISOString());
    // Now mastered on-prem: Graph refuses further changes.
    assert.equal((await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: null })).status, 400);
  });

  it('creates a duplicate for an unlinked AD user, renaming a conflicting UPN', async () => {
    const report = h.sim.runSyncCycle([lrobbins, apes]);
    assert.equal(report.matched.length, 0);
    assert.equal(report.created.length, 1);
    const twin = report.created[0];
    assert.notEqual(twin.userId, APES);
    assert.match(twin.userPrincipalName, /^apes\d{4}@contoso\.onmicrosoft\.com$/);
    const body = await user(twin.userId);
    assert.equal(body.onPremisesSyncEnabled, true);
    assert.equal(body.onPremisesImmutableId, apes.sourceAnchor);
    assert.equal((await user(APES)).onPremisesSyncEnabled, null);

    // The duplicate fix: out of scope → soft-deleted; hard-delete; link; back in scope → matched.
    const out = h.sim.runSyncCycle([lrobbins, { ...apes, inScope: false }]);
    assert.deepEqual(out.deleted, [{ sourceAnchor: apes.sourceAnchor, userId: twin.userId }]);
    const deleted = (await (
      await h.get(`/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName`)
    ).json()) as {
      value: { id: string; userPrincipalName: string }[];
    };
    assert.ok(
      deleted.value.some(
        (u) => u.id === twin.userId && u.userPrincipalName.startsWith(twin.userId.replace(/-/g, '')),
      ),
    );
    assert.equal((await h.send('DELETE', `/v1.0/directory/deletedItems/${twin.userId}`)).status, 204);
    assert.equal(
      (await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: apes.sourceAnchor })).status,
      204,
    );
    const back = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(
      back.matched.map((m) => m.userId),
      [APES],
    );
  });

  // The demo seed also holds the synced twins of Diego and Miriam: their AD users stay in these views
  // (demoTwinsAdView) so that Lynne is the one who leaves the scope and comes back.
  it('soft-deletes a synced user whose AD user left the scope, and restores it when it returns', async () => {
    const LYNNE = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
    const out = h.sim.runSyncCycle(demoTwinsAdView());
    assert.deepEqual(out.deleted, [{ sourceAnchor: LROBBINS_ANCHOR, userId: LYNNE }]);
    assert.equal((await h.get('/v1.0/users/lrobbins@contoso.com')).status, 404);
    const back = h.sim.runSyncCycle([lrobbins, ...demoTwinsAdView()]);
    assert.deepEqual(back.refreshed, [
      { sourceAnchor: LROBBINS_ANCHOR, userId: LYNNE },
      ...demoTwinsRefreshed(),
    ]);
    assert.deepEqual(back.deleted, []);
    assert.equal((await h.get('/v1.0/users/lrobbins@contoso.com')).status, 200);
  });

  it('refuses to restore a deleted synced user whose UPN a live user took, over Graph and in a sync cycle', async () => {
    const LYNNE = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
    const NEWCOMER = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1eff';
    // Lynne's AD user leaves the scope (her cloud user is soft-deleted), and her UPN goes to someone new.
    assert.deepEqual(h.sim.runSyncCycle(demoTwinsAdView()).deleted, [
      { sourceAnchor: LROBBINS_ANCHOR, userId: LYNNE },
    ]);
    h.sim.state.addUser(cloudOnlyUser(NEWCOMER, 'lrobbins@contoso.com', 'Lynn Robbins'));
    await assertGraphError(
      await h.send('POST', `/v1.0/directory/deletedItems/${LYNNE}/restore`),
      400,
      'Request_BadRequest',
      /same value for property userPrincipalName/,
    );

    // Back in scope: the export fails, the twin stays deleted, nothing is created in its place.
    const report = h.sim.runSyncCycle([lrobbins, ...demoTwinsAdView()]);
    assert.deepEqual(
      report.errors.map((e) => [e.code, e.cloudUserId, e.sourceAnchor]),
      [['AttributeValueMustBeUnique', LYNNE, LROBBINS_ANCHOR]],
    );
    assert.match(report.errors[0].message, /\[UserPrincipalName lrobbins@contoso\.com;\]/);
    // Only the twins, untouched by Lynne's case, are refreshed.
    assert.deepEqual(
      [report.created, report.matched, report.refreshed, report.deleted],
      [[], [], demoTwinsRefreshed(), []],
    );
    assert.equal((await h.get(`/v1.0/directory/deletedItems/${LYNNE}`)).status, 200);
    assert.equal((await h.get(`/v1.0/users/${LYNNE}`)).status, 404);
    assert.equal((await user('lrobbins@contoso.com')).id, NEWCOMER);

    // Once the UPN is free again, Graph restores her under her own UPN.
    h.sim.state.softDelete(NEWCOMER);
    const restored = await h.send('POST', `/v1.0/directory/deletedItems/${LYNNE}/restore`);
    assert.equal(restored.status, 200);
    assert.equal(
      ((await restored.json()) as { userPrincipalName: string }).userPrincipalName,
      'lrobbins@contoso.com',
    );
  });

  it('blocks hard match onto a privileged (active or eligible) cloud user and records a sync error', async () => {
    for (const id of [DEMO_GRAPH_USERS.privileged, DEMO_GRAPH_USERS.eligible]) {
      h.sim.state.users.get(id)!.onPremisesImmutableId = guidToImmutableId(
        '11111111-2222-4333-8444-' + id.slice(-12),
      );
    }
    const privileged = ad('nestorw', '11111111-2222-4333-8444-' + DEMO_GRAPH_USERS.privileged.slice(-12));
    const eligible = ad('jonis', '11111111-2222-4333-8444-' + DEMO_GRAPH_USERS.eligible.slice(-12));
    const report = h.sim.runSyncCycle([lrobbins, privileged, eligible]);
    assert.deepEqual(report.matched, []);
    assert.deepEqual(report.created, []);
    assert.deepEqual(
      report.errors.map((e) => [e.sourceAnchor, e.code, e.cloudUserId]),
      [
        [privileged.sourceAnchor, 'InvalidHardMatch', DEMO_GRAPH_USERS.privileged],
        [eligible.sourceAnchor, 'InvalidHardMatch', DEMO_GRAPH_USERS.eligible],
      ],
    );
    assert.match(report.errors[0].message, /^Hard match operation blocked due to security hardening\./);
    assert.equal((await user(DEMO_GRAPH_USERS.privileged)).onPremisesSyncEnabled, null);
    const errors = (await (await fetch(`${h.base}/_sim/sync-errors`)).json()) as { value: unknown[] };
    assert.equal(errors.value.length, 2);
  });

  it('blocks a user with onPremisesObjectIdentifier, and every takeover when the tenant flag is on', async () => {
    const leeAnchor = guidToImmutableId('22222222-3333-4444-8555-666666666666');
    h.sim.state.users.get(DEMO_GRAPH_USERS.objectIdentifier)!.onPremisesImmutableId = leeAnchor;
    const lee = { ...ad('leeg', '22222222-3333-4444-8555-666666666666'), sourceAnchor: leeAnchor };
    const blocked = h.sim.runSyncCycle([lrobbins, lee]);
    assert.deepEqual(
      blocked.errors.map((e) => [e.code, e.message]),
      [
        [
          'InvalidHardMatch',
          'Hard match operation blocked due to security hardening. Review OnPremisesObjectIdentifier mapping.',
        ],
      ],
    );

    await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: apes.sourceAnchor });
    h.sim.state.syncFeatures.blockCloudObjectTakeoverThroughHardMatchEnabled = true;
    const flag = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(
      flag.errors.map((e) => [e.code, e.message]),
      [['InvalidHardMatch', 'Another cloud created object with the same source anchor already exists']],
    );
    assert.equal(flag.created.length, 0);
  });

  it('soft matches by SMTP address only when the tenant allows soft match', async () => {
    h.sim.state.syncFeatures.blockSoftMatchEnabled = false;
    const report = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(
      report.matched.map((m) => m.userId),
      [APES],
    );
    assert.equal((await user(APES)).onPremisesImmutableId, apes.sourceAnchor);
  });

  it('soft matches on the primary SMTP address only, never on a secondary smtp: one', async () => {
    h.sim.state.syncFeatures.blockSoftMatchEnabled = false;
    h.sim.state.syncFeatures.softMatchOnUpnEnabled = false;
    const aaron = h.sim.state.users.get(APES)!;
    aaron.proxyAddresses = ['SMTP:aaron.pescasio@contoso.com', 'smtp:apes@contoso.com'];
    const secondary = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(secondary.matched, []);
    assert.equal(secondary.created.length, 1, 'no match: Entra Connect creates a second user');
    assert.equal((await user(APES)).onPremisesSyncEnabled, null);

    const fresh = await startSim();
    try {
      fresh.sim.state.syncFeatures.blockSoftMatchEnabled = false;
      fresh.sim.state.syncFeatures.softMatchOnUpnEnabled = false;
      fresh.sim.state.users.get(APES)!.proxyAddresses = ['SMTP:apes@contoso.com', 'smtp:aaron@contoso.com'];
      // The AD side's primary address counts too, over its mail.
      const primary = fresh.sim.runSyncCycle([
        lrobbins,
        { ...apes, mail: 'other@contoso.com', proxyAddresses: ['SMTP:apes@contoso.com'] },
      ]);
      assert.deepEqual(
        primary.matched.map((m) => m.userId),
        [APES],
      );
    } finally {
      await fresh.stop();
    }
  });

  it('soft matches on the UPN when the tenant allows it', async () => {
    h.sim.state.syncFeatures.blockSoftMatchEnabled = false;
    h.sim.state.users.get(APES)!.proxyAddresses = [];
    const report = h.sim.runSyncCycle([lrobbins, { ...apes, mail: undefined }]);
    assert.deepEqual(
      report.matched.map((m) => m.userId),
      [APES],
    );
  });

  it('refuses hard and soft match onto a cloud user with any admin role, also one held through a group', async () => {
    h.sim.state.syncFeatures.blockSoftMatchEnabled = false;
    // Directory Readers is not a privileged role, and still an admin role for the sync.
    h.sim.state.roleAssignments.push({
      id: 'ra-1',
      principalId: APES,
      roleDefinitionId: BUILT_IN_ROLES.directoryReaders.id,
    });
    const soft = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(soft.matched, []);
    assert.deepEqual(
      soft.errors.map((e) => [e.code, e.cloudUserId]),
      [['ExistingAdminRoleConflict', APES]],
    );
    assert.equal((await user(APES)).onPremisesSyncEnabled, null);

    h.sim.state.roleAssignments.length = 0;
    h.sim.state.groups.push({
      id: 'a0a0a0a0-0000-4000-8000-000000000001',
      displayName: 'Tier 0',
      isAssignableToRole: true,
      members: [APES],
      owners: [],
    });
    h.sim.state.roleAssignments.push({
      id: 'ra-2',
      principalId: 'a0a0a0a0-0000-4000-8000-000000000001',
      roleDefinitionId: BUILT_IN_ROLES.messageCenterReader.id,
    });
    h.sim.state.users.get(APES)!.onPremisesImmutableId = apes.sourceAnchor;
    const hard = h.sim.runSyncCycle([lrobbins, apes]);
    assert.deepEqual(hard.matched, []);
    assert.deepEqual(
      hard.errors.map((e) => [e.code, e.cloudUserId]),
      [['InvalidHardMatch', APES]],
    );
    assert.match(hard.errors[0].message, /holds or is eligible for an administrator role/);
  });

  it('runs a cycle over POST /_sim/sync-cycle and seeds users over POST /_sim/users', async () => {
    const seeded = await fetch(`${h.base}/_sim/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userPrincipalName: 'new.person@contoso.com',
        displayName: 'New Person',
        onPremisesImmutableId: guidToImmutableId('33333333-4444-4555-8666-777777777777'),
      }),
    });
    assert.equal(seeded.status, 201);
    const created = (await seeded.json()) as { id: string };
    const res = await fetch(`${h.base}/_sim/sync-cycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users: [lrobbins, ad('new.person', '33333333-4444-4555-8666-777777777777')] }),
    });
    assert.equal(res.status, 200);
    const report = (await res.json()) as SyncReport;
    assert.deepEqual(
      report.matched.map((m) => m.userId),
      [created.id],
    );
    const all = (await (await fetch(`${h.base}/_sim/users`)).json()) as { value: { id: string }[] };
    assert.ok(all.value.length >= 9);
  });

  it('keeps frozen last sync times: the sync engine moves an unfrozen one only', async () => {
    const sim = new GraphSimulator(demoGraphSeed());
    const cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
    try {
      const send = (method: string, path: string, body: unknown) =>
        fetch(`${sim.baseUrl}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const patch = (body: unknown) => send('PATCH', '/_sim/organization', body);
      const cycle = () => send('POST', '/_sim/sync-cycle', { users: [lrobbins] });
      const frozenAt = '2026-12-01T08:00:00.000Z';
      assert.equal(
        (
          await patch({
            onPremisesLastSyncDateTime: frozenAt,
            onPremisesLastPasswordSyncDateTime: frozenAt,
            freeze: { directorySync: true, passwordSync: true },
          })
        ).status,
        200,
      );
      const heartbeat = await patch({ onPremisesLastPasswordSyncDateTime: '2026-12-04T10:00:00Z' });
      assert.equal(heartbeat.status, 200);
      await cycle();
      assert.equal(
        (await cloud.getOrganizationSync()).onPremisesLastSyncDateTime,
        frozenAt,
        'the cycle kept the frozen time',
      );
      assert.deepEqual(
        await cloud.getLastPasswordSync(),
        { known: true, value: frozenAt },
        'the heartbeat kept the frozen time',
      );

      await patch({ freeze: { directorySync: false, passwordSync: false } });
      await patch({ onPremisesLastPasswordSyncDateTime: '2026-12-04T10:00:00Z' });
      await cycle();
      assert.notEqual((await cloud.getOrganizationSync()).onPremisesLastSyncDateTime, frozenAt);
      assert.deepEqual(await cloud.getLastPasswordSync(), { known: true, value: '2026-12-04T10:00:00.000Z' });
      const bad = await patch({ onPremisesLastSyncDateTime: 'yesterday' });
      assert.equal(bad.status, 400);
    } finally {
      await sim.stop();
    }
  });
});

/** A minimal HTTPS request trusting one CA (global fetch cannot take a CA per call). */
function httpsJson(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * The duplicate fix as the ADSync host runs it: each delta reads the AD view file afresh and
 * decides scope from the DN under the view's sync OUs. The view's `inScope` is left stale on
 * purpose (true throughout): only the DN moves.
 */
describe('Graph simulator: a DN move between deltas (the ADSync host decides scope)', () => {
  const STAFF = 'OU=Staff,DC=corp,DC=contoso,DC=com';
  const inStaff = { ...apes, distinguishedName: `CN=Aaron Pescasio,${STAFF}` };
  const parked = { ...apes, distinguishedName: 'CN=Aaron Pescasio,OU=Unsynced,DC=corp,DC=contoso,DC=com' };
  let h: SimHarness;
  let dir: string;
  let delta: (aaron: SimAdUser) => Promise<SyncReport>;
  let twin: string;

  beforeEach(async () => {
    h = await startSim();
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-dn-move-'));
    const file = path.join(dir, 'ad-view.json');
    delta = async (aaron) => {
      const view: SimAdView = { syncOus: [STAFF], users: [lrobbins, aaron] };
      writeFileSync(file, JSON.stringify(view));
      const result = await runGraphSync({ [GRAPH_URL_ENV]: h.base, [AD_VIEW_ENV]: file });
      assert.ok(result && 'status' in result && result.status === 200, JSON.stringify(result));
      return result.report as SyncReport;
    };
    // Entra Connect exported Aaron before anyone linked him: the synced twin beside the original.
    const created = (await delta(inStaff)).created;
    assert.equal(created.length, 1);
    twin = created[0].userId;
  });
  afterEach(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('soft-deletes the twin when the DN leaves the synced OUs, and leaves the original alone', async () => {
    const out = await delta(parked);
    assert.deepEqual(out.deleted, [{ sourceAnchor: apes.sourceAnchor, userId: twin }]);
    assert.deepEqual([out.created, out.matched, out.errors], [[], [], []]);
    assert.ok(h.sim.state.deletedUsers.has(twin));
    assert.equal(h.sim.state.users.get(APES)?.onPremisesImmutableId, null);
    // Still parked at the next delta: nothing more happens.
    const again = await delta(parked);
    assert.deepEqual([again.deleted, again.created, again.matched], [[], [], []]);
  });

  it('hard-matches the original when the DN comes back, once the twin is gone and the original holds the ImmutableId', async () => {
    await delta(parked);
    assert.equal((await h.send('DELETE', `/v1.0/directory/deletedItems/${twin}`)).status, 204);
    assert.equal(
      (await h.send('PATCH', `/v1.0/users/${APES}`, { onPremisesImmutableId: apes.sourceAnchor })).status,
      204,
    );
    const back = await delta(inStaff);
    assert.deepEqual(back.matched, [
      { sourceAnchor: apes.sourceAnchor, userId: APES, userPrincipalName: 'apes@contoso.com' },
    ]);
    assert.deepEqual([back.created, back.deleted, back.errors], [[], [], []]);
    assert.equal(h.sim.state.users.get(APES)?.onPremisesSyncEnabled, true);
    assert.equal(h.sim.state.users.get(APES)?.onPremisesDistinguishedName, inStaff.distinguishedName);
  });

  it('restores the twin when the DN comes back and the original was not linked', async () => {
    assert.deepEqual((await delta(parked)).deleted, [{ sourceAnchor: apes.sourceAnchor, userId: twin }]);
    const back = await delta(inStaff);
    assert.deepEqual(
      back.refreshed.map((r) => r.userId).sort(),
      [twin, '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03'].sort(),
    );
    assert.deepEqual([back.created, back.matched, back.deleted, back.errors], [[], [], [], []]);
    assert.ok(h.sim.state.users.has(twin));
    assert.equal(h.sim.state.users.get(APES)?.onPremisesImmutableId, null);
  });
});

describe('Graph simulator over HTTPS', () => {
  it('serves the token endpoint and Graph with a self-signed certificate', async () => {
    const tls = await createSelfSignedCertificate();
    const sim = new GraphSimulator(demoGraphSeed(), { tls });
    const base = await sim.start();
    try {
      assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
      const token = await httpsJson(`${base}/${DEMO_TENANT.tenantId}/oauth2/v2.0/token`, tls.cert, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'a',
          client_secret: 'b',
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      });
      assert.equal(token.status, 200);
      const res = await httpsJson(`${base}/v1.0/users/${APES}?$select=id`, tls.cert, {
        headers: { authorization: `Bearer ${String(token.body.access_token)}` },
      });
      assert.deepEqual(res, {
        status: 200,
        body: { '@odata.context': `${base}/v1.0/$metadata#users/$entity`, id: APES },
      });
      const oidc = await httpsJson(`${base}/organizations/v2.0/.well-known/openid-configuration`, tls.cert);
      assert.equal(oidc.body.token_endpoint, `${base}/organizations/oauth2/v2.0/token`);
    } finally {
      await sim.stop();
    }
  });
});
