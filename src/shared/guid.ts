/** 8-4-4-4-12 hex digits, either case. */
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in its canonical string form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

/** Where a canonical GUID has its dashes; every other place is a hex digit. */
const GUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/** True for the start (at least one character) of a GUID in its canonical form, e.g. the short id `35918bc9`. */
export function isGuidPrefix(value: string): boolean {
  if (value.length === 0 || value.length > GUID_SHAPE.length) return false;
  return [...value].every((c, i) => (GUID_SHAPE[i] === '-' ? c === '-' : /^[0-9a-f]$/i.test(c)));
}
