import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';
import { printOutputOnFailure, startDemo } from '../support/anchor-process';
import type { AnchorProcess } from '../support/anchor-process';
import { Browser, screenshotDir } from '../support/playground-driver';
import type { PlaygroundPage } from '../support/playground-driver';

/**
 * Done-when of issue 16: in the demo, the approver's card arrives although her page opened after
 * the request. Nothing is seeded: Adele never opened Anchor, so Anchor installs itself for her
 * through Graph (the simulator), and her card follows when her Playground announces the chat.
 */
describe('e2e: the approver opens Anchor after the request (demo, Graph simulator, Playground in Chromium)', function () {
  const shots = screenshotDir('approver-joins-late');
  let anchor: AnchorProcess;
  printOutputOnFailure('Anchor', () => anchor);
  let browser: Browser;
  let requester: PlaygroundPage;
  let approverUrl: string;
  let graphUrl: string;

  before(async function () {
    this.timeout(240_000);
    rmSync(shots, { recursive: true, force: true });
    screenshotDir('approver-joins-late');
    const demo = await startDemo({ LINK_VERIFY_INTERVAL_SECONDS: '1', LINK_VERIFY_TIMEOUT_SECONDS: '60' });
    anchor = demo.anchor;
    ({ approver: approverUrl, graph: graphUrl } = demo.urls);
    browser = await Browser.launch();
    // Only the requester's page: Adele has not opened Teams yet.
    requester = await browser.open(demo.urls.requester, 'requester', shots);
    await requester.waitForBotMessage(/I'm Anchor/);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await anchor?.stop();
  });

  it('installs Anchor for Adele, tells Megan her card follows, and Adele finds it when she opens Anchor', async function () {
    this.timeout(180_000);
    await requester.send('link user apes');
    const candidates = await requester.waitForCard('Candidates for: apes');
    await requester.clickCardButton(candidates, 'Check this pair');
    const preflight = await requester.waitForCard(/Preflight:[\s\S]*apes/, 30_000);
    const toggles = preflight.locator('input[type=checkbox]');
    for (let i = 0; i < (await toggles.count()); i++) await toggles.nth(i).check();
    await preflight.locator('textarea').fill('INC-4800 Adele joins late');
    await requester.clickCardButton(preflight, 'Request approval');
    const mine = await requester.waitForCard(/waiting for approval[\s\S]*INC-4800/);
    const requestId = /Request ([0-9a-f-]{36})/.exec(await mine.innerText())?.[1];
    assert.ok(requestId, 'the request card shows its id');

    // Graph (the simulator) was asked to install Anchor's catalog app for Adele, once, and did.
    const notice = await requester.waitForCard(
      /Not reached: Adele Vance — Anchor was installed for them in Teams/,
      40_000,
    );
    const log = (await (await fetch(`${graphUrl}/_sim/requests`)).json()) as {
      value: { method: string; url: string; status: number }[];
    };
    const installs = log.value.filter(
      (r) =>
        r.method === 'POST' &&
        r.url.includes(`/users/${DEMO_TENANT.approver.aadObjectId}/teamwork/installedApps`),
    );
    assert.deepEqual(
      installs.map((r) => r.status),
      [201],
    );
    assert.match(await notice.innerText(), /their card follows as soon as it does/);
    await requester.screenshot('requester-told-card-follows');

    // Adele opens Teams (her Playground) only now: the approval card is there.
    const approver = await browser.open(approverUrl, 'approver', shots);
    const approval = await approver.waitForCard(
      new RegExp(`waiting for approval[\\s\\S]*${requestId}`),
      30_000,
    );
    assert.match(await approval.innerText(), /INC-4800 Adele joins late/);
    await approver.screenshot('approval-card-after-late-open');
    await requester.waitForCard(/Approval card sent to Adele Vance's chat: Teams opened it just now/, 30_000);
    await requester.screenshot('requester-told-card-sent');

    // And it works: Adele approves, both cards end ✓ Linked.
    await approver.clickCardButton(approval, 'Approve');
    await approver.waitForCard(new RegExp(`✓ Linked[\\s\\S]*${requestId}`), 120_000);
    await requester.waitForCard(new RegExp(`✓ Linked[\\s\\S]*${requestId}`), 30_000);
    await approver.screenshot('linked');
  });
});
