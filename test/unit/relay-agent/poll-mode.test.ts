import assert from 'node:assert/strict';
import pino from 'pino';
import { PollMode } from '../../../src/relay-agent/poll-mode';

describe('relay poll mode', () => {
  const T0 = Date.parse('2026-12-05T00:00:00Z');
  let warnings: string[];
  const mode = (longPollSeconds = 25) => {
    warnings = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    return new PollMode({ longPollSeconds, cutsBeforeFallback: 3, fallbackMs: 600_000, logger });
  };

  it('polls short when long polling is off', () => {
    const m = mode(0);
    assert.equal(m.mode(T0), 'short');
    assert.equal(m.waitSeconds(T0), 0);
  });

  it('asks for its wait until three cuts in a row, then polls short for the fallback time', () => {
    const m = mode();
    m.cut(5000, 'ECONNRESET', T0);
    m.cut(5000, 'ECONNRESET', T0 + 5000);
    assert.equal(m.waitSeconds(T0 + 10_000), 25);
    m.cut(5000, 'ECONNRESET', T0 + 10_000);
    assert.equal(m.mode(T0 + 10_000), 'short-after-cuts');
    assert.equal(m.waitSeconds(T0 + 10_000 + 599_999), 0);
    assert.equal(m.waitSeconds(T0 + 10_000 + 600_000), 25);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /held polls are cut.*RELAY_LONG_POLL_SECONDS/);
  });

  it('counts cuts again only after a poll held past them, and warns once however often it falls back', () => {
    const m = mode();
    m.cut(5000, 'x', T0);
    m.cut(5000, 'x', T0);
    m.answered(200); // a job came quickly: says nothing about the path
    m.cut(5000, 'x', T0);
    assert.equal(m.mode(T0), 'short-after-cuts');
    const later = T0 + 700_000;
    m.cut(5000, 'x', later);
    m.cut(5000, 'x', later);
    m.answered(25_000); // held its whole wait: the path carries long polls after all
    m.cut(5000, 'x', later);
    m.cut(5000, 'x', later);
    assert.equal(m.mode(later), 'long');
    m.cut(5000, 'x', later);
    assert.equal(m.mode(later), 'short-after-cuts');
    assert.equal(warnings.length, 1);
  });
});
