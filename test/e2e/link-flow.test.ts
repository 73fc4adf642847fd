import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINK_VERBS } from '../../src/bot/verbs';
import type { DirectoryUser } from '../../src/shared/directory/ad-directory';
import { LdapDirectory } from '../../src/shared/directory/ldap-directory';
import type { DirectoryHealth } from '../../src/services/health/directory-probe';
import { AD_VIEW_ENV } from '../../src/sim/adsync-host/graph-sync';
import { AdSyncSimState, STATE_ENV } from '../../src/sim/adsync-host/state';
import { adViewOf } from '../../src/sim/demo/ad-view';
import { DEMO_TENANT, cloudOnlyUser } from '../../src/sim/demo/demo-tenant';
import { BUILT_IN_ROLES } from '../../src/sim/graph/role-definitions';
import { printOutputOnFailure, startDemo } from '../support/anchor-process';
import type { AnchorProcess } from '../support/anchor-process';
import { sharedSambaDc } from '../support/fixtures';
import { fetchHealth } from '../support/health';
import { Browser, screenshotDir } from '../support/playground-driver';
import type { PlaygroundPage } from '../support/playground-driver';
import { SYNCED_OU } from '../support/samba-dc';
import type { SambaDc } from '../support/samba-dc';

/** The demo tenant's cloud-only Aaron Pescasio. */
const APES_CLOUD_ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
/** Cloud users this suite adds to the simulator, one per scenario. */
const TARO_CLOUD_ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01';
const ZOE_CLOUD_ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c02';
const CONSUELA_CLOUD_ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c03';
const CONSUELA_HOLDER_ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c04';

describe('e2e: the link flow with two admins (Samba AD read through the relay, Graph simulator, Playground in Chromium)', function () {
  const shots = screenshotDir('link-flow');
  const work = mkdtempSync(path.join(os.tmpdir(), 'anchor-e2e-link-'));
  const adViewFile = path.join(work, 'ad-view.json');
  const adSyncState = new AdSyncSimState(path.join(work, 'adsync-state.json'));
  let dc: SambaDc;
  let directory: LdapDirectory;
  let anchor: AnchorProcess;
  printOutputOnFailure('Anchor', () => anchor);
  let browser: Browser;
  let requester: PlaygroundPage;
  let approver: PlaygroundPage;
  let graphUrl: string;
  let botEndpoint: string;
  let requesterUrl: string;

  /** The simulator's own API (`/_sim`): seed and read the tenant. */
  async function sim<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${graphUrl}/_sim${route}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} /_sim${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function adUser(sam: string): Promise<DirectoryUser> {
    const [user] = (await directory.find('sAMAccountName', sam)).users;
    assert.ok(user, `Samba has no ${sam}`);
    return user;
  }

  /** What Entra Connect exports on the next delta: these AD users. */
  async function exportToEntra(...sams: string[]): Promise<void> {
    writeFileSync(adViewFile, JSON.stringify(adViewOf(await Promise.all(sams.map(adUser)))));
  }

  /** The relay as the bot last heard from it (`/healthz`). */
  async function relayHealth(): Promise<{ state: string; syncCycleEnabled?: boolean | null }> {
    const res = await fetchHealth(botEndpoint.replace('/api/messages', ''));
    return ((await res.json()) as { dependencies: { relay: { state: string; syncCycleEnabled?: boolean } } })
      .dependencies.relay;
  }

  /** `/healthz` says AD was read through the demo relay, which read Samba, and how fast. */
  async function readsThroughTheRelay(): Promise<void> {
    const res = await fetchHealth(botEndpoint.replace('/api/messages', ''));
    const { directory } = ((await res.json()) as { dependencies: { directory: DirectoryHealth } })
      .dependencies;
    assert.equal(directory.state, 'ok', directory.detail);
    assert.equal(directory.placement, 'relay');
    assert.match(directory.detail, /^via relay relay-demo · p50 \d+ ms/);
    assert.ok(directory.latency && directory.latency.reads >= 3, JSON.stringify(directory.latency));
  }

  /** Waits until the relay's next poll reports the scheduler enabled. */
  async function schedulerEnabled(): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      const relay = await relayHealth();
      if (relay.syncCycleEnabled === true) return;
      if (Date.now() > until) assert.fail(`the scheduler did not end enabled: ${JSON.stringify(relay)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The request id printed at the bottom of a request card. */
  async function requestIdOn(card: Awaited<ReturnType<PlaygroundPage['waitForCard']>>): Promise<string> {
    const id = /Request ([0-9a-f-]{36})/.exec(await card.innerText())?.[1];
    assert.ok(id, 'the request card shows its id');
    return id;
  }

  /** link user → Check this pair → the preflight card. */
  async function preflight(text: string) {
    await requester.send(`link user ${text}`);
    const candidates = await requester.waitForCard(`Candidates for: ${text}`);
    await requester.clickCardButton(candidates, 'Check this pair');
    // This pair's card, not the one an earlier test left above it.
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return requester.waitForCard(new RegExp(`Preflight:[\\s\\S]*${escaped}`), 30_000);
  }

  /** Acknowledges every warning, gives a reason and requests approval; returns the request id. */
  async function requestApproval(card: Awaited<ReturnType<PlaygroundPage['waitForCard']>>, reason: string) {
    const toggles = card.locator('input[type=checkbox]');
    for (let i = 0; i < (await toggles.count()); i++) await toggles.nth(i).check();
    await card.locator('textarea').fill(reason);
    await requester.clickCardButton(card, 'Request approval');
    const mine = await requester.waitForCard(new RegExp(`waiting for approval[\\s\\S]*${reason}`));
    return { card: mine, requestId: await requestIdOn(mine) };
  }

  before(async function () {
    this.timeout(240_000);
    rmSync(shots, { recursive: true, force: true });
    screenshotDir('link-flow');
    dc = await sharedSambaDc();
    directory = new LdapDirectory(dc.ldapOptions({ syncScopeOus: [SYNCED_OU] }));
    await exportToEntra('apes');
    const demo = await startDemo({
      ...dc.ldapEnv(),
      // AD through the relay (issue 19): the demo's relay reads Samba with these LDAP_* settings;
      // the bot reads no DC itself.
      DIRECTORY_SOURCE: 'relay',
      LINK_VERIFY_INTERVAL_SECONDS: '1',
      LINK_VERIFY_TIMEOUT_SECONDS: '60',
      [AD_VIEW_ENV]: adViewFile,
      [STATE_ENV]: adSyncState.path,
    });
    anchor = demo.anchor;
    ({ requester: requesterUrl, graph: graphUrl, bot: botEndpoint } = demo.urls);
    await anchor.waitFor(/AD: +through the relay, which reads ldaps:\/\/127\.0\.0\.1:636/);
    browser = await Browser.launch();
    // The approver's page opens first: its install is what lets Anchor reach their chat.
    approver = await browser.open(demo.urls.approver, 'approver', shots);
    requester = await browser.open(requesterUrl, 'requester', shots);
    await requester.waitForBotMessage(/I'm Anchor/);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await directory?.close();
    await anchor?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('links apes: A requests, A cannot approve, B approves, both cards reach ✓ and Graph shows the user synced', async () => {
    const card = await preflight('apes');
    const text = await card.innerText();
    const apes = await adUser('apes');
    assert.match(text, new RegExp(apes.sourceAnchor.immutableId.replace(/[+/=]/g, '\\$&')));
    assert.match(text, /✓\s+AD user is enabled and in sync scope/);
    assert.match(text, /✓\s+Sync server is ready/);
    await requester.screenshot('apes-preflight');
    const { card: mine, requestId } = await requestApproval(
      card,
      'INC-4711 Aaron got his cloud account first',
    );
    assert.match(await mine.innerText(), /Cancel request/);
    assert.doesNotMatch(await mine.innerText(), /Approve/);

    // A forges the approval their card does not offer: refused server-side, nothing changes.
    const forged = await postInvoke(botEndpoint, requesterUrl, DEMO_TENANT.requester, LINK_VERBS.approve, {
      requestId,
    });
    assert.match(
      JSON.stringify(forged),
      /You asked for this link, so another admin has to approve or reject it/,
    );

    const approval = await approver.waitForCard(
      new RegExp(`waiting for approval[\\s\\S]*${requestId}`),
      30_000,
    );
    assert.match(await approval.innerText(), /INC-4711 Aaron got his cloud account first/);
    await approver.screenshot('approval-card');
    await approver.clickCardButton(approval, 'Approve');
    const done = await approver.waitForCard(new RegExp(`✓ Linked[\\s\\S]*${requestId}`), 90_000);
    const doneText = await done.innerText();
    for (const step of ['Pause the sync scheduler', 'Set onPremisesImmutableId', 'Run a delta sync cycle']) {
      assert.match(doneText, new RegExp(`✓\\s+${step}`));
    }
    await approver.screenshot('linked');
    await readsThroughTheRelay();
    await requester.waitForCard(new RegExp(`✓ Linked[\\s\\S]*${requestId}`), 30_000);
    await requester.screenshot('linked');

    // Graph: the ImmutableId is base64 of apes's objectGUID as ldapsearch prints it, and the user is synced.
    const objectGuid = /objectGUID:: (\S+)/.exec(dc.ldapsearch('(sAMAccountName=apes)', ['objectGUID']))?.[1];
    const user = await sim<{ onPremisesImmutableId: string; onPremisesSyncEnabled: boolean }>(
      'GET',
      `/users/${APES_CLOUD_ID}`,
    );
    assert.equal(user.onPremisesImmutableId, objectGuid);
    assert.equal(user.onPremisesSyncEnabled, true);
    await schedulerEnabled();
  });

  it('stops at preflight when the cloud user holds a privileged role', async () => {
    await sim(
      'POST',
      '/users',
      cloudOnlyUser(ZOE_CLOUD_ID, 'zoe.angstrom@contoso.com', 'Zoë Ångström-Nuñez'),
    );
    await sim('POST', '/role-assignments', {
      principalId: ZOE_CLOUD_ID,
      roleDefinitionId: BUILT_IN_ROLES.globalAdministrator.id,
    });
    const card = await preflight('zoe.angstrom');
    const text = await card.innerText();
    assert.match(text, /blocked: fix the ✗ items first/);
    assert.match(text, /✗\s+Cloud user holds no admin role[\s\S]*Global Administrator/);
    assert.doesNotMatch(text, /Request approval/);
    await requester.screenshot('blocked-privileged');
  });

  it('stops at preflight when another object already holds the ImmutableId', async () => {
    const consuela = await adUser('cguid');
    await sim(
      'POST',
      '/users',
      cloudOnlyUser(CONSUELA_CLOUD_ID, 'consuela.guidry@contoso.com', 'Consuela Guidry'),
    );
    await sim(
      'POST',
      '/users',
      cloudOnlyUser(CONSUELA_HOLDER_ID, 'cguidry.old@contoso.com', 'Consuela Guidry (old)', {
        onPremisesImmutableId: consuela.sourceAnchor.immutableId,
      }),
    );
    const card = await preflight('consuela.guidry');
    const text = await card.innerText();
    assert.match(text, /✗\s+No other object holds the ImmutableId[\s\S]*cguidry\.old@contoso\.com/);
    assert.doesNotMatch(text, /Request approval/);
    await requester.screenshot('blocked-duplicate');
  });

  it('fails cleanly when the relay fails mid-run: scheduler enabled, cloud user unchanged', async () => {
    await sim('POST', '/users', cloudOnlyUser(TARO_CLOUD_ID, 'tyamada@contoso.com', '山田 太郎'));
    await exportToEntra('apes', 'tyamada');
    adSyncState.set({
      fail: {
        'Start-ADSyncSyncCycle':
          'System.InvalidOperationException: Connector: corp.example.test - stopped-server-down.',
      },
    });
    const card = await preflight('tyamada');
    const { requestId } = await requestApproval(card, 'INC-4712 Taro');
    const approval = await approver.waitForCard(
      new RegExp(`waiting for approval[\\s\\S]*${requestId}`),
      30_000,
    );
    await approver.clickCardButton(approval, 'Approve');
    const failed = await approver.waitForCard(new RegExp(`✗ Link failed[\\s\\S]*${requestId}`), 90_000);
    const text = await failed.innerText();
    assert.match(text, /What failed: .*stopped-server-down/);
    assert.match(text, /What to do: /);
    assert.match(text, /✓\s+Undo: clear onPremisesImmutableId/);
    await approver.screenshot('relay-failed');
    await requester.waitForCard(new RegExp(`✗ Link failed[\\s\\S]*${requestId}`), 30_000);
    await requester.screenshot('relay-failed');
    const user = await sim<{ onPremisesImmutableId: string | null; onPremisesSyncEnabled: boolean | null }>(
      'GET',
      `/users/${TARO_CLOUD_ID}`,
    );
    assert.equal(user.onPremisesImmutableId, null);
    assert.equal(user.onPremisesSyncEnabled, null);
    await schedulerEnabled();
    adSyncState.set({ fail: {} });
  });

  it('lists the outcomes in history', async () => {
    await requester.send('history');
    const card = await requester.waitForCard('Link history');
    const text = await card.innerText();
    assert.match(text, /Aaron Pescasio ↔ apes@contoso.com: linked/);
    assert.match(text, /tyamada@contoso.com: failed/);
    assert.match(text, /approved by Adele Vance/);
    await requester.screenshot('history');
  });
});

/**
 * Posts an Action.Execute invoke to the bot as `who`, exactly as a Teams client would (the
 * demo bot is anonymous), and returns the invoke response body.
 */
async function postInvoke(
  botEndpoint: string,
  playgroundUrl: string,
  who: { id: string; name: string; aadObjectId: string },
  verb: string,
  data: Record<string, unknown>,
): Promise<unknown> {
  const res = await fetch(botEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: `${new URL(playgroundUrl).origin}/_connector`,
      from: { id: who.id, name: who.name, aadObjectId: who.aadObjectId },
      recipient: { id: 'anchor', name: 'Anchor' },
      conversation: {
        id: `personal-${who.id}`,
        conversationType: 'personal',
        tenantId: DEMO_TENANT.tenantId,
      },
      channelData: { tenant: { id: DEMO_TENANT.tenantId } },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  });
  assert.equal(res.status, 200);
  return res.json();
}
