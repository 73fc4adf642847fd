import assert from 'node:assert/strict';
import { expandCard } from '../../../../src/bot/cards/card-templates';
import { clip, formatAge, formatTime } from '../../../../src/bot/views/format';
import { cardSampleCases } from '../../../support/card-samples';

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

describe('formatTime (the one way a time is written for admins)', () => {
  it('writes an ISO string, a Date or epoch milliseconds as `YYYY-MM-DD hh:mm:ss UTC`', () => {
    for (const instant of [
      '2026-11-25T10:04:31.959Z',
      '2026-11-25T11:04:31+01:00',
      new Date(Date.UTC(2026, 10, 25, 10, 4, 31)),
    ])
      assert.equal(formatTime(instant), '2026-11-25 10:04:31 UTC');
    assert.equal(formatTime(Date.UTC(2026, 10, 25, 10, 4, 31)), '2026-11-25 10:04:31 UTC');
  });

  it('writes nothing for no time, and text that is not a time as it came', () => {
    assert.equal(formatTime(null), '');
    assert.equal(formatTime(undefined), '');
    assert.equal(formatTime(''), '');
    assert.equal(formatTime('tomorrow morning'), 'tomorrow morning');
  });
});

describe('every card sample', () => {
  it('writes times one way: no ISO 8601 instant in any card', () => {
    for (const { card, label, data } of cardSampleCases()) {
      const text = JSON.stringify(expandCard(card, data));
      assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, `${label} shows an ISO time`);
      assert.doesNotMatch(text, /\w\(s\)/, `${label} writes a plural as "(s)"`);
    }
  });
});

describe('formatAge (how long ago, next to a time)', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  it('reads minutes, hours and minutes, then days', () => {
    assert.equal(formatAge('2026-11-25T09:59:30.000Z', now), 'just now');
    assert.equal(formatAge('2026-11-25T09:48:00.000Z', now), '12 min ago');
    assert.equal(formatAge('2026-11-25T07:50:00.000Z', now), '2 h 10 min ago');
    assert.equal(formatAge('2026-11-25T08:00:00.000Z', now), '2 h ago');
    assert.equal(formatAge('2026-11-24T09:00:00.000Z', now), '25 h ago');
    assert.equal(formatAge('2026-11-22T10:00:00.000Z', now), '3 d ago');
    assert.equal(formatAge('2026-11-22T06:00:00.000Z', now), '3 d 4 h ago');
  });
  it('reads a time ahead of this clock as just now, and text that is no time as nothing', () => {
    assert.equal(formatAge('2026-11-25T10:05:00.000Z', now), 'just now');
    assert.equal(formatAge('soon', now), '');
  });
});
