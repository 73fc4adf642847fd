import assert from 'node:assert/strict';
import { CardFactory } from 'botbuilder';
import { cardResponse } from '../../../../src/bot/actions/card-action';
import { expandCard } from '../../../../src/bot/cards/card-templates';
import type { CardData, CardName } from '../../../../src/bot/cards/card-templates';
import { CARD_SAMPLES } from '../../../support/card-samples';
import { parserProblems, schemaProblems } from '../../../support/card-validation';
import { largestCards, wide } from '../../../support/largest-cards';

/** Teams refuses a message over 28 KB, the card and the activity around it together. */
const TEAMS_LIMIT_BYTES = 28 * 1024;

/**
 * The card as Teams receives it, whichever way is bigger: in a message activity (a Teams-sized
 * envelope: ids, names and service URL at their usual lengths, the recipient's name at 256), or as
 * the invoke answer that replaces the clicked card.
 */
function bytesAsSent(card: Record<string, unknown>): number {
  const message = {
    type: 'message',
    id: `1:${'x'.repeat(60)}`,
    timestamp: '2026-11-25T10:00:00.000Z',
    serviceUrl: 'https://smba.trafficmanager.net/emea/11111111-2222-4333-8444-555555555555/',
    channelId: 'msteams',
    from: { id: `28:${'0'.repeat(36)}`, name: 'Anchor' },
    recipient: { id: `29:${'x'.repeat(120)}`, name: wide(256), aadObjectId: '0'.repeat(36) },
    conversation: {
      id: `19:${'x'.repeat(64)}@thread.tacv2;messageid=1732528800000`,
      conversationType: 'channel',
      tenantId: '11111111-2222-4333-8444-555555555555',
    },
    replyToId: '1732528800000',
    attachments: [CardFactory.adaptiveCard(card)],
  };
  const invoke = { type: 'invokeResponse', value: { status: 200, body: cardResponse(card) } };
  return Math.max(...[message, invoke].map((a) => Buffer.byteLength(JSON.stringify(a), 'utf8')));
}

describe('every card stays under Teams’ 28 KB with the longest values Anchor can meet', () => {
  const largest = largestCards();

  it('has the largest forms of every card template', async () => {
    assert.deepEqual(Object.keys(await largest).sort(), Object.keys(CARD_SAMPLES).sort());
  });

  for (const name of Object.keys(CARD_SAMPLES) as CardName[]) {
    it(`${name}: each of its largest forms, as sent`, async () => {
      const cases = (await largest)[name] as { label: string; data: CardData[CardName] }[];
      assert.ok(cases.length > 0);
      for (const { label, data } of cases) {
        const card = expandCard(name, data);
        const bytes = bytesAsSent(card);
        if (process.env.CARD_SIZES) console.log(`      ${name} (${label}): ${bytes} bytes`);
        assert.ok(bytes < TEAMS_LIMIT_BYTES, `${label}: ${bytes} bytes as sent (limit ${TEAMS_LIMIT_BYTES})`);
        assert.deepEqual(parserProblems(card), [], label);
        assert.deepEqual(schemaProblems(card), [], label);
      }
    });
  }
});
