import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expandCard } from '../../../src/bot/cards/card-templates';
import type { CardName } from '../../../src/bot/cards/card-templates';
import { CARD_VERBS } from '../../../src/bot/verbs';
import { CARDS_DIR } from '../../../src/shared/paths';
import { botHarness } from '../../support/bot-harness';
import { cardSampleCases } from '../../support/card-samples';

/** The verb of every `Action.Execute` in a card, buttons and refresh alike: `${…}` in a template. */
function verbsIn(card: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(card)) card.forEach((item) => verbsIn(item, found));
  else if (card && typeof card === 'object') {
    const element = card as Record<string, unknown>;
    if (element.type === 'Action.Execute') found.add(String(element.verb));
    Object.values(element).forEach((value) => verbsIn(value, found));
  }
  return found;
}

/** The verbs the samples of each card carry once expanded. */
function sampleVerbs(): Map<CardName, Set<string>> {
  const byCard = new Map<CardName, Set<string>>();
  for (const { card, data } of cardSampleCases()) {
    byCard.set(card, verbsIn(expandCard(card, data), byCard.get(card)));
  }
  return byCard;
}

describe('card verbs', () => {
  const actions = botHarness().bot.cardActions;

  it('the card samples show every action of every template, so the checks below see them all', () => {
    for (const [card, verbs] of sampleVerbs()) {
      const template = JSON.parse(readFileSync(path.join(CARDS_DIR, `${card}.json`), 'utf8')) as unknown;
      assert.equal(
        verbs.size,
        verbsIn(template).size,
        `${card}: the samples show only ${[...verbs].join(', ')}`,
      );
    }
  });

  it('every verb a card carries is handled by exactly one card action of the bot', () => {
    for (const [card, verbs] of sampleVerbs()) {
      for (const verb of verbs) {
        const handlers = actions.filter((a) => a.verb === verb);
        assert.equal(handlers.length, 1, `${card}: "${verb}" has ${handlers.length} actions`);
      }
    }
  });

  it("every card action's verb is in verbs.ts, and every verb there has its action", () => {
    assert.deepEqual(actions.map((a) => a.verb).sort(), [...CARD_VERBS].sort());
  });
});
