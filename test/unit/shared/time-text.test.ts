import assert from 'node:assert/strict';
import { formatSpan, formatTime, formatTimeAgo } from '../../../src/shared/time-text';

describe('time text (one way to write instants and spans for people)', () => {
  it('writes an instant as UTC to the second, and text that is no time as it came', () => {
    assert.equal(formatTime('2026-12-04T09:59:00.123Z'), '2026-12-04 09:59:00 UTC');
    assert.equal(formatTime(null), '');
    assert.equal(formatTime('next Tuesday'), 'next Tuesday');
  });

  it('writes spans in seconds, minutes, hours and minutes, then days and hours', () => {
    assert.equal(formatSpan(45_000), '45 s');
    assert.equal(formatSpan(12 * 60_000 + 59_000), '12 min');
    assert.equal(formatSpan(130 * 60_000), '2 h 10 min');
    assert.equal(formatSpan(120 * 60_000), '2 h');
    assert.equal(formatSpan(47 * 3600_000), '47 h');
    assert.equal(formatSpan(76 * 3600_000), '3 d 4 h');
    assert.equal(formatSpan(-5), '0 s');
  });

  it('writes an instant with its age', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    assert.equal(formatTimeAgo('2026-12-04T09:59:00Z', now), '2026-12-04 09:59:00 UTC (2 h 1 min ago)');
    assert.equal(formatTimeAgo(null, now), '');
  });
});
