import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expandCard } from '../../src/bot/cards/card-templates';
import type { RequestCardData } from '../../src/bot/views/request';
import { cardSampleCases } from '../support/card-samples';
import { CARD_OUTPUT_DIR, CARD_THEMES, CardRenderer, cardActionTitles } from '../support/card-renderer';

/** How wide Teams shows a card in a chat, and how tall a request, alert or status card may be at that width. */
const TEAMS_CARD_WIDTH = 450;
const MAX_REQUEST_CARD_PNG_HEIGHT = 800;
/** The cards held to that height. */
const GLANCE_CARDS: readonly string[] = ['link-request', 'alert', 'status'];

/** The width and height of a PNG, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const header = readFileSync(file).subarray(0, 24);
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

describe('e2e: every card rendered in Chromium with the Teams host config', function () {
  let renderer: CardRenderer;

  before(async function () {
    this.timeout(120_000);
    rmSync(CARD_OUTPUT_DIR, { recursive: true, force: true });
    // Fails the suite with the install command when Chromium is missing (see ensureSystemPackages).
    renderer = await CardRenderer.launch();
  });

  after(async () => {
    await renderer?.close();
  });

  for (const { card: name, label, data } of cardSampleCases()) {
    for (const theme of CARD_THEMES) {
      it(`renders ${label} in the ${theme} theme, every action a button`, async () => {
        const card = expandCard(name, data);
        const png = path.join(CARD_OUTPUT_DIR, `${label}-${theme}.png`);
        const rendered = await renderer.render(card, { png, theme });

        assert.equal(await renderer.card.count(), 1, 'the card rendered no .ac-adaptiveCard element');
        assert.ok(existsSync(rendered.png), `no PNG at ${rendered.png}`);
        assert.ok(rendered.height > 40, `the card is only ${rendered.height}px high`);
        assert.deepEqual(rendered.warnings, []);
        assert.doesNotMatch(await renderer.card.innerText(), /\$\{/);
        const titles = cardActionTitles(card);
        for (const title of titles) {
          const button = renderer.card.getByRole('button', { name: title, exact: true });
          assert.equal(await button.count(), 1, `no button "${title}"`);
          assert.ok(await button.isVisible(), `the button "${title}" is not visible`);
        }
        assert.equal(await renderer.card.getByRole('button').count(), titles.length);
        if (GLANCE_CARDS.includes(name)) {
          // An admin reads the request and its outcome, an alert and its fix, or the status at a
          // glance: no scrolling through the checks or the evidence.
          assert.equal(rendered.width, TEAMS_CARD_WIDTH);
          const { height } = pngSize(rendered.png);
          assert.ok(
            height < MAX_REQUEST_CARD_PNG_HEIGHT,
            `${label}-${theme}.png is ${height} px tall (at most ${MAX_REQUEST_CARD_PNG_HEIGHT - 1})`,
          );
        }
      });
    }
  }

  it('folds the passed checks of a request card behind "Show checks" and shows the flagged ones', async () => {
    const card = expandCard('link-request', requestSampleData('linked'));
    await renderer.render(card, { png: path.join(CARD_OUTPUT_DIR, 'link-request-linked-checks-shown.png') });
    const passed = renderer.card.getByText('Cloud user is cloud-only', { exact: false });
    const flagged = renderer.card.getByText('No onPremisesObjectIdentifier', { exact: false });
    assert.ok(await flagged.isVisible(), 'the warning is folded away');
    assert.equal(await passed.isVisible(), false, 'a passed check shows before "Show checks"');

    await renderer.card.getByRole('button', { name: 'Show checks', exact: true }).click();
    assert.ok(await passed.isVisible(), 'a passed check is still hidden after "Show checks"');
    assert.equal(await renderer.card.getByRole('button', { name: 'Show checks' }).isVisible(), false);
    await renderer.page
      .locator('.teams-chat')
      .screenshot({ path: path.join(CARD_OUTPUT_DIR, 'link-request-linked-checks-shown.png') });

    await renderer.card.getByRole('button', { name: 'Hide checks', exact: true }).click();
    assert.equal(await passed.isVisible(), false, 'a passed check still shows after "Hide checks"');
    assert.ok(await renderer.card.getByRole('button', { name: 'Show checks', exact: true }).isVisible());
  });

  it('reports an element type it does not know as a warning, so a clean card means something', async () => {
    const rendered = await renderer.render(
      {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'Known' },
          { type: 'Anchor.Gauge', value: 3 },
        ],
      },
      { png: path.join(CARD_OUTPUT_DIR, 'invalid-unknown-element.png') },
    );
    assert.equal(rendered.warnings.length, 1);
    assert.match(rendered.warnings[0], /^parse: UnknownElementType: Unknown element type "Anchor\.Gauge"/);
  });

  it('renders Action.Execute, Action.Submit and the inputs Anchor uses, in the dark theme too', async () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Input.Text', id: 'reason', label: 'Reason', placeholder: 'Why link these accounts?' },
        { type: 'Input.Toggle', id: 'notify', title: 'Tell the user', value: 'true' },
        {
          type: 'Input.ChoiceSet',
          id: 'account',
          label: 'AD account',
          value: 'jdoe',
          choices: [
            { title: 'jdoe (CORP\\jdoe)', value: 'jdoe' },
            { title: 'john.doe (CORP\\john.doe)', value: 'john.doe' },
          ],
        },
        {
          type: 'Input.ChoiceSet',
          id: 'when',
          style: 'expanded',
          label: 'When',
          value: 'now',
          choices: [
            { title: 'Now', value: 'now' },
            { title: 'Next sync', value: 'sync' },
          ],
        },
      ],
      actions: [
        { type: 'Action.Execute', title: 'Approve', verb: 'link.approve', style: 'positive' },
        { type: 'Action.Submit', title: 'Reject', style: 'destructive' },
      ],
    };
    for (const theme of CARD_THEMES) {
      const rendered = await renderer.render(card, {
        png: path.join(CARD_OUTPUT_DIR, `inputs-and-actions-${theme}.png`),
        theme,
      });
      assert.deepEqual(rendered.warnings, []);
      const inCard = renderer.card;
      assert.ok(await inCard.getByRole('textbox', { name: 'Reason' }).isVisible());
      assert.ok(await inCard.getByRole('checkbox', { name: 'Tell the user' }).isChecked());
      assert.equal(await inCard.getByRole('combobox', { name: 'AD account' }).inputValue(), 'jdoe');
      assert.ok(await inCard.getByRole('radio', { name: 'Now' }).isChecked());
      assert.ok(await inCard.getByRole('radio', { name: 'Next sync' }).isVisible());
      for (const title of cardActionTitles(card))
        assert.ok(await inCard.getByRole('button', { name: title, exact: true }).isVisible(), title);
    }
  });
});

/** The sample data of one variant of the request card. */
function requestSampleData(variant: string): RequestCardData {
  const found = cardSampleCases().find((c) => c.label === `link-request-${variant}`);
  if (!found) throw new Error(`CARD_SAMPLES['link-request'] has no variant ${variant}`);
  return found.data as RequestCardData;
}
