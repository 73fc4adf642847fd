import { GraphSimError } from '../graph-errors';
import type { FilterRules } from './filter-rules';
import { compileFilter } from './filter-rules';
import { evaluateFilter } from './odata-filter';
import { matchesSearch, parseSearch } from './odata-search';
import type { SelectRules } from './odata-select';
import { selectProperties } from './odata-select';
import type { PageCursor } from './paging';
import { compareCursors, decodeSkipToken, encodeSkipToken, pageSize } from './paging';
import type { SimRequest } from '../sim-request';
import { isEventual } from '../sim-request';

/** How a collection answers the OData query options. */
export interface CollectionSpec {
  filter: FilterRules;
  select: SelectRules;
  /** Properties `$search` accepts; empty: `$search` unsupported. */
  searchable: readonly string[];
  /** Properties `$orderby` accepts without advanced query. */
  orderable: readonly string[];
  /** `@odata.context` of the answer. */
  context: string;
  /** Absolute URL of the collection, for `@odata.nextLink`. */
  selfUrl: string;
}

/**
 * Whether the request is an advanced query: `ConsistencyLevel: eventual` with `$count=true` or
 * `$search`. Those are answered from an index that may lag behind recent changes.
 */
export function isAdvancedQuery(req: SimRequest): boolean {
  const count = (req.query.get('$count') ?? '').toLowerCase() === 'true';
  return isEventual(req) && (count || req.query.has('$search'));
}

/**
 * Answers a collection GET with Graph's query options: `$filter`, `$search` (needs
 * ConsistencyLevel: eventual), `$count` (ditto), `$orderby`, `$select`, `$top` and
 * `@odata.nextLink` paging with an opaque `$skiptoken`.
 */
export function queryCollection(
  req: SimRequest,
  items: Iterable<Record<string, unknown> & { id: string }>,
  spec: CollectionSpec,
): Record<string, unknown> {
  const q = req.query;
  const eventual = isEventual(req);
  const search = q.get('$search');
  const count = (q.get('$count') ?? '').toLowerCase() === 'true';
  if (search !== null && !eventual) {
    throw new GraphSimError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  if (count && !eventual) {
    // Graph refuses $count on directory objects without the header; the text is plausible.
    throw new GraphSimError(400, 'Request_BadRequest', '$count is not currently supported.');
  }
  const advanced = eventual && (count || search !== null);
  const top = pageSize(q.get('$top'));

  let list = [...items];
  const filter = q.get('$filter');
  if (filter !== null) {
    const tree = compileFilter(filter, spec.filter, advanced);
    list = list.filter((i) => evaluateFilter(tree, i));
  }
  if (search !== null) {
    if (spec.searchable.length === 0) {
      throw new GraphSimError(400, 'Request_UnsupportedQuery', 'Search is not supported on this resource.');
    }
    const parsed = parseSearch(search.trim().replace(/^'|'$/g, ''), spec.searchable, {
      refuseAmpersand: req.version === 'v1.0',
    });
    list = list.filter((i) => matchesSearch(parsed, i));
  }

  const orderProperty = orderBy(q.get('$orderby'), spec, advanced);
  const keyOf = (i: Record<string, unknown> & { id: string }): PageCursor => ({
    key: orderProperty.name ? String(i[orderProperty.name] ?? '').toLowerCase() : '',
    id: i.id,
  });
  list.sort((a, b) => compareCursors(keyOf(a), keyOf(b)) * (orderProperty.desc ? -1 : 1));
  const total = list.length;

  const token = q.get('$skiptoken');
  if (token !== null) {
    const after = decodeSkipToken(token);
    list = list.filter((i) => compareCursors(keyOf(i), after) * (orderProperty.desc ? -1 : 1) > 0);
  }
  const page = list.slice(0, top);
  const body: Record<string, unknown> = { '@odata.context': spec.context };
  if (count) body['@odata.count'] = total;
  if (list.length > top) {
    const next = new URLSearchParams(q);
    next.set('$skiptoken', encodeSkipToken(keyOf(page[page.length - 1])));
    // Graph keeps `$` literal in its nextLinks; URLSearchParams would write %24.
    const query = [...next].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    body['@odata.nextLink'] = `${spec.selfUrl}?${query}`;
  }
  body.value = page.map((i) => selectProperties(i, q.get('$select'), spec.select));
  return body;
}

function orderBy(
  raw: string | null,
  spec: CollectionSpec,
  advanced: boolean,
): { name: string | null; desc: boolean } {
  if (raw === null) return { name: null, desc: false };
  const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
  const name = m
    ? spec.filter.knownProperties.find((k) => k.toLowerCase() === m[1].toLowerCase())
    : undefined;
  if (!m || !name || (!advanced && !spec.orderable.includes(name))) {
    // Graph's answer when sorting is not available for the query (text plausible).
    throw new GraphSimError(400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
  }
  return { name, desc: (m[2] ?? '').toLowerCase() === 'desc' };
}
