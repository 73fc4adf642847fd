import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { STATE_ENV } from '../../src/sim/adsync-host/state';
import type { DemoControls } from '../../src/sim/demo/demo-controls';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';
import { applySyncHealthScenario } from '../../src/sim/demo/sync-health-scenarios';
import { printOutputOnFailure, startDemo } from '../support/anchor-process';
import type { AnchorProcess } from '../support/anchor-process';
import { Browser, screenshotDir } from '../support/playground-driver';
import type { PlaygroundPage } from '../support/playground-driver';

/** The alert while open, and once over, as the sync-health monitor titles it. */
const SILENT = /Password hash sync is silent on \S+/;
const BACK = /Password hash sync is back on \S+/;

/**
 * Done-when of issue 17: in the demo, password hash sync goes silent (`npm run demo:sync-health --
 * phs-silent`), the alert card reaches both admins' chats within one monitor round, one admin
 * presses Restart ADSync, the card says who did in both chats, and it ends green once the stand-in
 * ADSync host's heartbeat comes back after the restart.
 */
describe('e2e: a silent password hash sync is alerted and fixed with Restart ADSync (demo, relay, Playground in Chromium)', function () {
  const shots = screenshotDir('sync-health-alert');
  const work = mkdtempSync(path.join(os.tmpdir(), 'anchor-e2e-sync-health-'));
  let anchor: AnchorProcess;
  printOutputOnFailure('Anchor', () => anchor);
  let browser: Browser;
  let requester: PlaygroundPage;
  let approver: PlaygroundPage;
  /** The running demo's sync server and Graph simulator, as `npm run demo:sync-health` reaches them. */
  let controls: DemoControls;

  /** Every copy of the phs-silent alert card on a page, open or over. */
  const alertCards = (page: PlaygroundPage): Locator =>
    page.cards.filter({ hasText: /Password hash sync is (silent|back) on/ });

  /** A picture of the page with `card` in view. */
  async function shoot(page: PlaygroundPage, card: Locator, label: string): Promise<string> {
    await card.scrollIntoViewIfNeeded();
    return page.screenshot(label);
  }

  before(async function () {
    this.timeout(240_000);
    rmSync(shots, { recursive: true, force: true });
    screenshotDir('sync-health-alert');
    const adsyncStatePath = path.join(work, 'adsync-state.json');
    // The demo's own sync server state file, here so the test can change it as the demo command does.
    const demo = await startDemo({ [STATE_ENV]: adsyncStatePath });
    anchor = demo.anchor;
    controls = { pid: anchor.pid, adsyncStatePath, graphUrl: demo.urls.graph };
    browser = await Browser.launch();
    // Both admins open Anchor, so both have a chat the alert can reach.
    requester = await browser.open(demo.urls.requester, 'requester', shots);
    await requester.waitForBotMessage(/I'm Anchor/);
    approver = await browser.open(demo.urls.approver, 'approver', shots);
    await approver.waitForBotMessage(/I'm Anchor/);
  });

  after(async function () {
    this.timeout(60_000);
    // Healthy again, as the demo command would leave it; the demo is this file's own.
    if (controls && anchor?.alive) await applySyncHealthScenario('healthy', controls).catch(() => undefined);
    await browser?.close();
    await anchor?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('alerts both admins within one monitor round, and Restart ADSync brings the heartbeat back', async function () {
    this.timeout(240_000);
    assert.equal(await alertCards(approver).count(), 0, 'no alert before the scenario');

    // npm run demo:sync-health -- phs-silent
    const silencedAt = Date.now();
    await applySyncHealthScenario('phs-silent', controls);
    const alert = await approver.waitForCard(SILENT, 60_000);
    const alertSeconds = (Date.now() - silencedAt) / 1000;
    console.log(`      phs-silent → alert card in the approver's chat: ${alertSeconds.toFixed(1)} s`);
    const text = await alert.innerText();
    assert.match(text, /Last heartbeat/i, 'the evidence names the last heartbeat');
    assert.match(text, /What to do: Press Restart ADSync/);
    const restart = alert.getByRole('button', { name: 'Restart ADSync' });
    await restart.waitFor();
    await shoot(approver, alert, 'alert-open');
    const requesterAlert = await requester.waitForCard(SILENT, 30_000);
    await shoot(requester, requesterAlert, 'alert-open');

    // Adele presses Restart ADSync: her copy updates in place to say who did.
    const pressedAt = Date.now();
    await restart.click();
    const pressedBy = new RegExp(`Restart ADSync pressed by ${DEMO_TENANT.approver.name}`);
    const pressed = await approver.waitForCard(pressedBy, 30_000);
    await shoot(approver, pressed, 'restart-pressed');
    await shoot(requester, await requester.waitForCard(pressedBy, 30_000), 'restart-pressed');
    assert.equal(
      await pressed.getByRole('button', { name: 'Restart ADSync' }).count(),
      0,
      'no second press while the relay works',
    );

    // The stand-in writes a heartbeat 10 s after the restart; Anchor's watch sees it and the card turns green.
    const recovered = await approver.waitForCard(BACK, 120_000);
    const recoverSeconds = (Date.now() - pressedAt) / 1000;
    console.log(`      Restart ADSync pressed → card recovered: ${recoverSeconds.toFixed(1)} s`);
    const done = await recovered.innerText();
    assert.match(done, /From .+ to /, 'the card says when it started and ended');
    assert.match(done, pressedBy, 'the card still says who pressed');
    assert.equal(await recovered.getByRole('button').count(), 0, 'no buttons once over');
    await shoot(approver, recovered, 'recovered');

    // Megan's copy is the same card, updated too.
    const requesterDone = await requester.waitForCard(BACK, 30_000);
    await shoot(requester, requesterDone, 'recovered');

    // One alert card per chat: updated in place, never posted again.
    for (const page of [approver, requester]) {
      assert.equal(await alertCards(page).count(), 1, 'one alert card in the chat');
      assert.equal(await page.cards.filter({ hasText: SILENT }).count(), 0, 'no open copy left');
    }
    assert.doesNotMatch(anchor.text, /no admin could be alerted|sending an alert card failed/);
  });
});
