import assert from 'node:assert/strict';
import { clip } from '../../../../src/bot/views/format';

describe('clip (how much of a value a card shows)', () => {
  it('leaves text that fits as it is', () => {
    assert.equal(clip('Aaron Pescasio', 14), 'Aaron Pescasio');
    assert.equal(clip('', 0), '');
  });

  it('cuts to the byte budget with an ellipsis, never inside a character', () => {
    for (const [text, max] of [
      ['x'.repeat(1000), 90],
      ['漢'.repeat(1000), 90],
      ['🔥'.repeat(1000), 91],
      [`a${'é'.repeat(500)}`, 100],
    ] as const) {
      const shown = clip(text, max);
      assert.ok(Buffer.byteLength(shown, 'utf8') <= max, `${Buffer.byteLength(shown)} > ${max}`);
      assert.ok(shown.endsWith('…'));
      assert.ok(text.startsWith(shown.slice(0, -1)), 'a prefix of the text');
      assert.doesNotMatch(shown, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no half of a surrogate pair');
      assert.ok(Buffer.byteLength(shown, 'utf8') > max - 8, 'the budget is used');
    }
  });
});
