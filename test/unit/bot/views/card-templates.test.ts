import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { expandCard } from '../../../../src/bot/cards/card-templates';
import { preflightCardData } from '../../../../src/bot/views/preflight';
import { requestCardData } from '../../../../src/bot/views/request';
import { requestListData } from '../../../../src/bot/views/request-list';
import { requestSamples } from '../../../support/link-card-fixtures';
import { CARDS_DIR } from '../../../../src/shared/paths';
import { CARD_SAMPLES, cardSampleCases } from '../../../support/card-samples';
import { parserProblems, schemaProblems } from '../../../support/card-validation';

describe('card templates', () => {
  it('has a sample for every template in cards/', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), Object.keys(CARD_SAMPLES).sort());
  });

  for (const { card: name, label, data } of cardSampleCases()) {
    describe(label, () => {
      const card = expandCard(name, data);

      it('expands completely, to an Adaptive Card 1.5', () => {
        assert.equal(card.type, 'AdaptiveCard');
        assert.equal(card.version, '1.5');
        assert.doesNotMatch(JSON.stringify(card), /\$\{/);
        assert.doesNotMatch(JSON.stringify(card), /"\$data"/);
      });

      it('parses with the official adaptivecards parser with no validation events', () => {
        assert.deepEqual(parserProblems(card), []);
      });

      it('validates against the official Adaptive Card 1.5 schema', () => {
        assert.deepEqual(schemaProblems(card), []);
      });
    });
  }

  it('binds data as values: text that looks like a template stays text', () => {
    const card = expandCard('help', {
      commands: [{ usage: '${evil}', description: '"}]},{"type":"Action.OpenUrl' }],
    });
    const texts = JSON.stringify(card);
    assert.match(texts, /"text":"\$\{evil\}"/);
    assert.equal((card.body as unknown[]).length, 4);
  });

  it('never puts directory or chat text where a host reads markdown (TextBlock), only in TextRuns', () => {
    const evil = '[Approve here](https://evil.example) **urgent**';
    const base = requestSamples().pending;
    const request = {
      ...base,
      reason: evil,
      requester: { ...base.requester, name: evil },
      preflight: { ...base.preflight, ad: { ...base.preflight.ad, displayName: evil } },
    };
    const cards = [
      expandCard('link-request', requestCardData(request, 'approvers')),
      expandCard('link-list', requestListData(`Link history: ${evil}`, [request], evil)),
      expandCard('link-preflight', preflightCardData(request.preflight, 'd')),
    ];
    for (const card of cards) {
      const textBlocks: string[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === 'object') {
          const el = node as Record<string, unknown>;
          if (el.type === 'TextBlock') textBlocks.push(String(el.text));
          Object.values(el).forEach(visit);
        }
      };
      visit(card);
      assert.ok(JSON.stringify(card).includes('evil.example'), 'the text is on the card');
      assert.deepEqual(
        textBlocks.filter((t) => t.includes('evil.example')),
        [],
      );
    }
  });
});

describe('card validators', () => {
  it('catch a broken card, so a passing card means something', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlok', text: 'x' }],
      actions: [{}],
    };
    assert.notDeepEqual(parserProblems(broken), []);
    assert.notDeepEqual(schemaProblems(broken), []);
  });
});
