import { GraphSimError } from '../graph-errors';

/** One `"property:term"` clause of `$search`. */
export interface SearchClause {
  property: string;
  term: string;
}

/** `$search` as OR of AND groups of clauses: `"a:x" AND "b:y" OR "c:z"`. */
export type SearchQuery = SearchClause[][];

/** User properties `$search` accepts (directory objects: tokenized prefix search). */
export const USER_SEARCH_PROPERTIES = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'proxyAddresses',
];

// The messages below are plausible, not confirmed: Graph answers 400 for these cases.
const invalid = (text: string) =>
  new GraphSimError(400, 'Request_UnsupportedQuery', `Invalid $search clause: '${text}'.`);

/** Parses `"property:term" OR "property:term"` (Graph's syntax for directory objects). */
export function parseSearch(text: string, allowed: readonly string[]): SearchQuery {
  const groups: SearchQuery = [[]];
  const re = /\s*(?:"([^"]*)"|(OR|AND)\b)/gy;
  let expectClause = true;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectClause) throw invalid(text);
      const colon = m[1].indexOf(':');
      if (colon < 1) throw invalid(text);
      const name = m[1].slice(0, colon);
      const property = allowed.find((p) => p.toLowerCase() === name.toLowerCase());
      if (!property) {
        throw new GraphSimError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported property '${name}' in $search.`,
        );
      }
      groups[groups.length - 1].push({ property, term: m[1].slice(colon + 1) });
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

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Whether the object matches: every word of the term starts some word of the property value. */
export function matchesSearch(query: SearchQuery, item: Record<string, unknown>): boolean {
  return query.some((group) =>
    group.every(({ property, term }) => {
      const raw = item[property];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
      const valueWords = values.flatMap(words);
      return words(term).every((t) => valueWords.some((w) => w.startsWith(t)));
    }),
  );
}
