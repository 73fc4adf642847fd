/**
 * Graph's `$search` for users, built from what an admin typed. Graph's rules (query-parameters,
 * "Using $search on directory object collections"):
 * - each clause is `"property:text"` in double quotes, in which `"` and `\` are escaped with a
 *   backslash ("No other characters need to be escaped");
 * - only displayName is tokenised (words, case changes, symbols); mail and userPrincipalName match
 *   from the start of the value, like `startswith`;
 * - v1.0 answers 400 for an `&` in a term.
 */

/** Characters that never belong in a search: controls and format characters (bidi, zero-width). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * The `$search` value for `text`, or null when nothing searchable is left. An `&` becomes a word
 * break for displayName (Graph splits words at symbols anyway, so "AT&T" still finds "AT&T"), and
 * the address clauses are left out when the text could not start an address (spaces, `&`).
 */
export function userSearchExpression(text: string): string | null {
  const cleaned = text.replace(UNPRINTABLE, ' ').trim();
  const name = cleaned.replace(/&/g, ' ').replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(name)) return null;
  const clauses = [clause('displayName', name)];
  if (!/[\s&]/.test(cleaned)) clauses.push(clause('mail', cleaned), clause('userPrincipalName', cleaned));
  return clauses.join(' OR ');
}

/** One quoted clause, with `"` and `\` escaped as Graph requires. */
function clause(property: string, value: string): string {
  return `"${property}:${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
