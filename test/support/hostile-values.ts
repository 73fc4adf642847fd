/** A value a crafted request may carry where Anchor expects an id or a line of text. */
export interface HostileValue {
  name: string;
  value: unknown;
}

/** A GUID followed by a path: passes a careless "starts with a GUID" check. */
const GUID_THEN_PATH = '35918bc9-196d-40ea-9779-889d79b753f0/../../x';

/**
 * Values a crafted card click or relay request carries instead of an id or a line of text: empty,
 * path-like, oversized, Unicode that hides or reorders text, names that mean something to
 * JavaScript objects, and numbers, objects and arrays where strings are expected.
 */
export const HOSTILE_VALUES: readonly HostileValue[] = [
  { name: 'empty', value: '' },
  { name: 'blank', value: '   ' },
  { name: 'a slash', value: '/' },
  { name: 'an empty segment (a//b)', value: 'a//b' },
  { name: 'a path up (../..)', value: '../../etc/passwd' },
  { name: 'a GUID then a path', value: GUID_THEN_PATH },
  { name: '10 kB', value: 'x'.repeat(10 * 1024) },
  { name: 'an RTL override', value: '\u202egpj.exe' },
  { name: 'an RTL mark', value: '\u200f' },
  { name: 'emoji', value: '🔥🧨' },
  { name: 'NUL', value: 'a\u0000b' },
  { name: 'a lone surrogate', value: '\ud800' },
  { name: '__proto__', value: '__proto__' },
  { name: 'constructor', value: 'constructor' },
  { name: 'a number', value: 42 },
  { name: 'true', value: true },
  { name: 'null', value: null },
  { name: 'an object', value: JSON.parse('{"__proto__":{"polluted":true},"toString":"x"}') as unknown },
  { name: 'an array', value: ['35918bc9-196d-40ea-9779-889d79b753f0'] },
];

/** The hostile values that are strings, for places only text can go (paths, chat messages). */
export const HOSTILE_STRINGS: readonly { name: string; value: string }[] = HOSTILE_VALUES.filter(
  (v): v is { name: string; value: string } => typeof v.value === 'string',
);
