/** `${{NAME}}`, as the Microsoft 365 Agents Toolkit writes placeholders in manifests and parameters. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Thrown when placeholders have no value; lists every missing name at once. */
export class MissingValuesError extends Error {
  constructor(readonly names: string[]) {
    super(`no value for ${names.join(', ')}`);
    this.name = 'MissingValuesError';
  }
}

/** The placeholder names a text uses, each once, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Fills the placeholders in every string of a parsed JSON document. Values go into strings, not
 * into JSON text, so a value with quotes or braces cannot change the document's shape.
 * @throws MissingValuesError when a placeholder has no value (an empty value is a value: the
 *   Agents Toolkit's APP_NAME_SUFFIX is often empty).
 */
export function fillPlaceholders<T>(document: T, values: Readonly<Record<string, string | undefined>>): T {
  const missing = new Set<string>();
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (whole, name: string) => {
        const value = values[name];
        if (value === undefined) missing.add(name);
        return value ?? whole;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  const filled = fill(document) as T;
  if (missing.size > 0) throw new MissingValuesError([...missing]);
  return filled;
}
