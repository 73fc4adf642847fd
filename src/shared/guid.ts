const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID in its canonical string form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}
