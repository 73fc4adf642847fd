import { unknownProperty } from '../graph-errors';

/** What `$select` may name for a type, and what comes back without it. */
export interface SelectRules {
  /** OData type name for the error message: 'user'. */
  type: string;
  known: readonly string[];
  defaults: readonly string[];
}

/**
 * Projects an object to the `$select` list (case-insensitive, answered in canonical case) or the
 * type's default properties. An unknown name answers Graph's 400 "Could not find a property".
 */
export function selectProperties(
  item: Record<string, unknown>,
  select: string | null,
  rules: SelectRules,
): Record<string, unknown> {
  return Object.fromEntries(selectedNames(select, rules).map((name) => [name, item[name] ?? null]));
}

/** The canonical property names `$select` asks for (validated), or the defaults. */
export function selectedNames(select: string | null, rules: SelectRules): string[] {
  if (select === null || select.trim() === '') return [...rules.defaults];
  return select.split(',').map((raw) => {
    const name = raw.trim();
    const found = rules.known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!found) throw unknownProperty(name, rules.type);
    return found;
  });
}
