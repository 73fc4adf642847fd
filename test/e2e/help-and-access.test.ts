import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REFUSAL } from '../../src/bot/middleware/access-middleware';
import { DEMO_TENANT, demoTeamsUsers } from '../../src/sim/demo/demo-tenant';
import { startPlayground } from '../../src/sim/demo/playground';
import type { PlaygroundInstance } from '../../src/sim/demo/playground';
import { freePort, printOutputOnFailure, startDemo } from '../support/anchor-process';
import type { AnchorProcess } from '../support/anchor-process';
import { sleep } from '../../src/shared/sleep';
import { Browser, screenshotDir } from '../support/playground-driver';

const OTHER_TENANT_ID = '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4';

describe('e2e: help and access in the Agents Playground (Chromium)', function () {
  const shots = screenshotDir('help-and-access');
  let anchor: AnchorProcess;
  printOutputOnFailure('Anchor', () => anchor);
  let browser: Browser;
  let requesterUrl: string;
  let approverUrl: string;
  let botEndpoint: string;
  const extraPlaygrounds: PlaygroundInstance[] = [];
  const extraDirs: string[] = [];

  before(async function () {
    this.timeout(180_000);
    rmSync(shots, { recursive: true, force: true });
    screenshotDir('help-and-access');
    // `npm start` with nothing configured: demo mode, two Playgrounds, URLs printed.
    const demo = await startDemo({}, 120_000);
    anchor = demo.anchor;
    ({ requester: requesterUrl, approver: approverUrl, bot: botEndpoint } = demo.urls);
    browser = await Browser.launch();
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    for (const p of extraPlaygrounds) await p.stop();
    for (const dir of extraDirs) rmSync(dir, { recursive: true, force: true });
    await anchor?.stop();
  });

  /** A third Playground, signed in as someone Anchor must refuse. */
  async function playgroundAs(name: string, user: (typeof DEMO_TENANT.others)[number], tenantId: string) {
    const workDir = path.join(os.tmpdir(), `anchor-e2e-${name}-${process.pid}`);
    extraDirs.push(workDir);
    const instance = await startPlayground({
      port: await freePort(),
      botEndpoint,
      tenantId,
      currentUser: user,
      otherUsers: demoTeamsUsers().filter((u) => u.id !== user.id),
      workDir,
    });
    extraPlaygrounds.push(instance);
    return browser.open(instance.url, name, shots);
  }

  it('answers help with the help card for the requesting admin', async () => {
    const page = await browser.open(requesterUrl, 'requester', shots);
    await page.waitForBotMessage(/I'm Anchor/);
    await page.send('help');
    const card = await page.waitForCard('Commands');
    const text = await card.innerText();
    assert.match(text, /help\s+Show this list of commands/);
    assert.match(text, /status\s+Show whether Anchor can reach/);
    await page.screenshot('help-card');
  });

  it('answers the approving admin in the second Playground too', async () => {
    const page = await browser.open(approverUrl, 'approver', shots);
    await page.send('help');
    await page.waitForCard('Commands');
    await page.screenshot('help-card');
  });

  it('shows status and refreshes the card in place when Refresh is clicked', async () => {
    const page = await browser.open(requesterUrl, 'requester-status', shots);
    await page.send('status');
    const card = await page.waitForCard('Anchor status');
    const before = await card.innerText();
    assert.match(before, /directory: ok/);
    assert.match(before, /graph: ok/);
    assert.match(before, /relay: ok/); // the demo relay, a real process polling the bot
    const checkedAt = before.match(/Checked at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)/)?.[1];
    assert.ok(checkedAt, before);
    // Times are shown to the second: a refresh in the same second would look unchanged.
    await sleep(1100);
    await page.clickCardButton(card, 'Refresh');
    // Updated in place: the same card now shows a later check, and no second status card appeared.
    await card.filter({ hasNotText: checkedAt as string }).waitFor({ timeout: 20_000 });
    assert.match(await card.innerText(), /Checked at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.match(await card.innerText(), /Sync scheduler: enabled/);
    assert.equal(await page.cards.filter({ hasText: 'Anchor status' }).count(), 1);
    await page.screenshot('status-refreshed');
  });

  it('answers an unknown command with a hint, not silence', async () => {
    const page = await browser.open(requesterUrl, 'requester-hint', shots);
    await page.send('make me a sandwich');
    await page.waitForBotMessage("I didn't understand that");
    await page.screenshot('hint');
  });

  it('refuses a user of the tenant who is not an admin', async () => {
    const page = await playgroundAs('non-admin', DEMO_TENANT.others[0], DEMO_TENANT.tenantId);
    await page.send('help');
    await page.waitForBotMessage(REFUSAL['not-admin'].slice(0, 40));
    await page.screenshot('refused');
    assert.equal(await page.cards.filter({ hasText: 'Commands' }).count(), 0);
  });

  it('refuses a user of another tenant and takes no action', async () => {
    const page = await playgroundAs('other-tenant', DEMO_TENANT.others[1], OTHER_TENANT_ID);
    await page.send('status');
    await page.waitForBotMessage(REFUSAL['wrong-tenant']);
    await page.screenshot('refused');
    assert.equal(await page.cards.count(), 0);
    assert.match(anchor.text, /"reason":"wrong-tenant"/);
  });

  it('saved a screenshot of every step', () => {
    const files = existsSync(shots) ? readdirSync(shots).filter((f) => f.endsWith('.png')) : [];
    assert.ok(files.length >= 8, `only ${files.length} screenshots in ${shots}`);
  });
});
