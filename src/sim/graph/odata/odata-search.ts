import { GraphSimError } from '../graph-errors';

/** One `"property:term"` clause of `$search`. */
export interface SearchClause {
  property: string;
  term: string;
}

/** `$search` as OR of AND groups of clauses: `"a:x" AND "b:y" OR "c:z"`. */
export type SearchQuery = SearchClause[][];

/** How `$search` is read on one request. */
export interface SearchOptions {
  /** v1.0 answers 400 for an `&` in a term (beta does not). */
  refuseAmpersand?: boolean;
}

/** User properties `$search` accepts. */
export const USER_SEARCH_PROPERTIES = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'proxyAddresses',
];

/**
 * Graph: "The tokenized search support works only on the displayName and description fields …
 * fields other than displayName and description default to $filter startswith behavior."
 */
const TOKENIZED = new Set(['displayName', 'description']);

// The messages below are plausible, not confirmed: Graph answers 400 for these cases.
const invalid = (text: string) =>
  new GraphSimError(400, 'Request_UnsupportedQuery', `Invalid $search clause: '${text}'.`);

/**
 * Parses `"property:term" OR "property:term"` (Graph's syntax for directory objects: each clause
 * in double quotes, in which `"` and `\` are escaped with a backslash; AND/OR in upper case outside
 * the quotes). Parentheses are not modelled.
 */
export function parseSearch(
  text: string,
  allowed: readonly string[],
  options: SearchOptions = {},
): SearchQuery {
  const groups: SearchQuery = [[]];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|(OR|AND)\b)/gy;
  let expectClause = true;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectClause) throw invalid(text);
      const clause = m[1].replace(/\\(.)/g, '$1');
      const colon = clause.indexOf(':');
      if (colon < 1 || colon === clause.length - 1) throw invalid(text);
      const name = clause.slice(0, colon);
      const property = allowed.find((p) => p.toLowerCase() === name.toLowerCase());
      if (!property) {
        throw new GraphSimError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported property '${name}' in $search.`,
        );
      }
      const term = clause.slice(colon + 1);
      if (options.refuseAmpersand && term.includes('&')) {
        // PLAUSIBLE text: v1.0 refuses an ampersand in a search term (field reports; beta accepts it).
        throw new GraphSimError(
          400,
          'BadRequest',
          `Syntax error: character '&' is not valid at position ${text.indexOf('&')} in '${text}'.`,
        );
      }
      groups[groups.length - 1].push({ property, term });
      expectClause = false;
    } else {
      if (expectClause) throw invalid(text);
      if (m[2] === 'OR') groups.push([]);
      expectClause = true;
    }
  }
  if (expectClause || text.slice(consumed).trim() !== '') throw invalid(text);
  return groups;
}

type CharClass = 'lower' | 'upper' | 'digit' | 'symbol';

function classOf(ch: string): CharClass {
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{L}/u.test(ch)) return 'lower';
  if (/\p{N}/u.test(ch)) return 'digit';
  return 'symbol';
}

/**
 * Graph's tokens of a displayName (query-parameters, "Using $search on directory object
 * collections"): words split at spaces, where the case changes from lower to upper (`HelloWorld`
 * → hello, world; `HELLOworld` stays one), between letters and numbers, and around symbols, which
 * are tokens themselves; words separated only by symbols also form one token (`hello.world` →
 * hello, ., world, helloworld). Lower-cased: matching ignores case.
 */
export function searchTokens(value: string): string[] {
  const tokens: string[] = [];
  for (const chunk of value.split(/\s+/).filter(Boolean)) {
    const parts: string[] = [];
    let current = '';
    let previous: CharClass | null = null;
    for (const ch of chunk) {
      const cls = classOf(ch);
      const letter = (c: CharClass | null) => c === 'lower' || c === 'upper';
      const boundary =
        previous !== null &&
        (cls === 'symbol' ||
          previous === 'symbol' ||
          (previous === 'lower' && cls === 'upper') ||
          letter(previous) !== letter(cls));
      if (boundary && current) {
        parts.push(current);
        current = '';
      }
      current += ch;
      previous = cls;
    }
    if (current) parts.push(current);
    tokens.push(...parts.map((p) => p.toLowerCase()));
    const words = parts.filter((p) => classOf(p[0]) !== 'symbol');
    if (words.length > 1 && words.length < parts.length) tokens.push(words.join('').toLowerCase());
  }
  return tokens;
}

/** Whether one clause matches: tokens for displayName, `startswith` (ignoring case) for the rest. */
function clauseMatches({ property, term }: SearchClause, item: Record<string, unknown>): boolean {
  const raw = item[property];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  if (!TOKENIZED.has(property)) {
    const prefix = term.toLowerCase();
    return values.some((v) => v.toLowerCase().startsWith(prefix));
  }
  const valueTokens = values.flatMap(searchTokens);
  const termTokens = searchTokens(term);
  return termTokens.length > 0 && termTokens.every((t) => valueTokens.some((w) => w.startsWith(t)));
}

/** Whether the object matches the query (OR of AND groups). */
export function matchesSearch(query: SearchQuery, item: Record<string, unknown>): boolean {
  return query.some((group) => group.every((clause) => clauseMatches(clause, item)));
}
