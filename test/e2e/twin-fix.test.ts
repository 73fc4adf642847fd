import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { guidToImmutableId } from '../../src/shared/directory/immutable-id';
import { DEMO_GRAPH_USERS } from '../../src/sim/demo/demo-graph-seed';
import { DEMO_PARKING_OU, DEMO_SYNC_OUS, DEMO_TWIN_GUIDS } from '../../src/sim/demo/demo-tenant';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { printOutputOnFailure, startDemo } from '../support/anchor-process';
import type { AnchorProcess } from '../support/anchor-process';
import { Browser, screenshotDir } from '../support/playground-driver';
import type { PlaygroundPage } from '../support/playground-driver';

const run = promisify(execFile);
const DIEGO_TWIN_UPN = 'diegos4127@contoso.onmicrosoft.com';

/**
 * Done-when of issue 18, as the README walks it: in the demo, Diego Siciliani's AD account was
 * exported before anyone linked it, so Entra Connect made a synced twin beside his cloud-only
 * original. One admin plans the fix from the preflight card and files it, a second approves the
 * permanent deletion, the test plays the AD admin with `npm run demo:ad -- move` (out of scope,
 * then back), and the one card, updated in place, ends ✓ Linked: the twin gone from deleted items,
 * the original synced with Diego's anchor. Miriam's twin holds a licence: her plan is ✗.
 */
describe('e2e: a synced twin fixed from the cards (demo AD, relay, Graph simulator, Playground in Chromium)', function () {
  const shots = screenshotDir('twin-fix');
  let anchor: AnchorProcess;
  printOutputOnFailure('Anchor', () => anchor);
  let browser: Browser;
  let requester: PlaygroundPage;
  let approver: PlaygroundPage;
  let graphUrl: string;

  /** The simulator's own API (`/_sim`): read the tenant. */
  async function sim<T>(route: string): Promise<T> {
    const res = await fetch(`${graphUrl}/_sim${route}`);
    const text = await res.text();
    assert.ok(res.ok, `GET /_sim${route}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** `npm run demo:ad -- move <login> <OU>`, as the README has the AD admin type it. */
  async function moveInAd(login: string, ou: string): Promise<void> {
    const { stdout } = await run('npx', ['tsx', 'src/sim/demo/demo-ad-cli.ts', 'move', login, ou], {
      cwd: PROJECT_ROOT,
    });
    assert.match(stdout, new RegExp(`${login} is now `));
  }

  /** link user → Check this pair → the preflight card → Plan the fix → the plan card. */
  async function plan(login: string) {
    await requester.send(`link user ${login}`);
    const candidates = await requester.waitForCard(`Candidates for: ${login}`);
    await requester.clickCardButton(candidates, 'Check this pair');
    const preflight = await requester.waitForCard(new RegExp(`Preflight:[\\s\\S]*${login}`), 30_000);
    assert.match(await preflight.innerText(), /✗\s+No synced twin/);
    await requester.screenshot(`${login}-preflight`);
    await requester.clickCardButton(preflight, 'Plan the fix');
    return requester.waitForCard(new RegExp(`Fix the synced twin of ${login}`), 30_000);
  }

  before(async function () {
    this.timeout(240_000);
    const demo = await startDemo({ LINK_VERIFY_INTERVAL_SECONDS: '1', TWIN_POLL_SECONDS: '1' });
    anchor = demo.anchor;
    graphUrl = demo.urls.graph;
    browser = await Browser.launch();
    approver = await browser.open(demo.urls.approver, 'approver', shots);
    requester = await browser.open(demo.urls.requester, 'requester', shots);
    await requester.waitForBotMessage(/I'm Anchor/);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await anchor?.stop();
  });

  it("refuses a plan whose twin holds a licence the original lacks (Miriam's E3)", async function () {
    this.timeout(120_000);
    const card = await plan('miriamg');
    const text = await card.innerText();
    assert.match(text, /miriamg8315@contoso\.onmicrosoft\.com/);
    assert.match(text, /✗[^\n]*[Ll]icen/);
    assert.doesNotMatch(text, /Request approval/);
    await requester.screenshot('miriamg-plan-blocked');
  });

  it('fixes Diego’s twin end to end: plan → second admin approves → the AD admin moves him out and back → ✓ Linked', async function () {
    this.timeout(300_000);
    const planCard = await plan('diegos');
    const planText = await planCard.innerText();
    assert.match(planText, new RegExp(DIEGO_TWIN_UPN.replace(/\./g, '\\.')));
    assert.match(planText, /permanent deletion/);
    assert.match(planText, new RegExp(DEMO_PARKING_OU.split(',')[0]));
    await requester.screenshot('diegos-plan');

    const toggles = planCard.locator('input[type=checkbox]');
    for (let i = 0; i < (await toggles.count()); i++) await toggles.nth(i).check();
    await planCard.locator('textarea').fill('INC-4801 Diego has two accounts');
    await requester.clickCardButton(planCard, 'Request approval');
    const mine = await requester.waitForCard(/Synced-twin fix: waiting for approval/);
    const requestId = /Request ([0-9a-f-]{36})/.exec(await mine.innerText())?.[1];
    assert.ok(requestId, 'the request card shows its id');
    assert.doesNotMatch(await mine.innerText(), /Approve/);

    const approval = await approver.waitForCard(
      new RegExp(`waiting for approval[\\s\\S]*${requestId}`),
      30_000,
    );
    assert.match(await approval.innerText(), /permanent deletion[\s\S]*diegos4127/);
    await approver.screenshot('diegos-approval');
    await approver.clickCardButton(approval, 'Approve');

    const parkStep = new RegExp(`waiting for you to move diegos to ${DEMO_PARKING_OU}`);
    await approver.waitForCard(parkStep, 60_000);
    await requester.waitForCard(parkStep, 30_000);
    await requester.screenshot('diegos-step1-waiting');
    await moveInAd('diegos', DEMO_PARKING_OU);

    const returnStep = /waiting for you to move diegos back/;
    await requester.waitForCard(returnStep, 120_000);
    await requester.screenshot('diegos-step5-waiting');
    // Steps 2–4 are done: the twin is gone for good and the original carries Diego's anchor.
    const anchorValue = guidToImmutableId(DEMO_TWIN_GUIDS.diegos);
    const deleted = await sim<{ value: { id: string }[] }>('/deleted-users');
    assert.ok(!deleted.value.some((u) => u.id === DEMO_GRAPH_USERS.cleanTwin), 'twin still in deleted items');
    const original = await sim<{ onPremisesImmutableId: string | null }>(
      `/users/${DEMO_GRAPH_USERS.cleanTwinOriginal}`,
    );
    assert.equal(original.onPremisesImmutableId, anchorValue);
    await moveInAd('diegos', DEMO_SYNC_OUS[0]);

    const done = await requester.waitForCard(new RegExp(`Linked[\\s\\S]*${requestId}`), 120_000);
    assert.match(await done.innerText(), /diegos4127/);
    await requester.screenshot('diegos-linked');
    await approver.waitForCard(new RegExp(`Linked[\\s\\S]*${requestId}`), 30_000);
    await approver.screenshot('diegos-linked');
    const synced = await sim<{ onPremisesImmutableId: string; onPremisesSyncEnabled: boolean }>(
      `/users/${DEMO_GRAPH_USERS.cleanTwinOriginal}`,
    );
    assert.equal(synced.onPremisesImmutableId, anchorValue);
    assert.equal(synced.onPremisesSyncEnabled, true);
    const users = await sim<{ value: { id: string }[] }>('/users');
    assert.ok(!users.value.some((u) => u.id === DEMO_GRAPH_USERS.cleanTwin), 'no twin came back');

    await requester.send('history diego');
    const history = await requester.waitForCard(/diegos4127/, 30_000);
    assert.match(await history.innerText(), new RegExp(DEMO_GRAPH_USERS.cleanTwin));
    await requester.screenshot('diegos-history');
  });
});
