import type { GraphApi, GraphRequestSpec } from './graph-api';
import type { GraphCall } from './graph-call';

/** One page of a Graph collection. */
export interface GraphPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

/** A whole collection, or as much of it as the cap allowed; never silently cut. */
export interface PagedResult<T> {
  items: T[];
  /** True when Graph had more than `cap` items and the rest were not fetched. */
  truncated: boolean;
  /** Graph's `@odata.count`, when the request asked for it. */
  total?: number;
  /** Pages fetched. */
  pages: number;
}

/**
 * Follows `@odata.nextLink` to the end or until `cap` items are held, all within the call's
 * deadline. Each page keeps the first request's headers (ConsistencyLevel must be on every page).
 */
export async function collectPages<T>(
  api: GraphApi,
  first: GraphRequestSpec,
  call: GraphCall,
  cap: number,
): Promise<PagedResult<T>> {
  const items: T[] = [];
  let spec: GraphRequestSpec | undefined = first;
  let total: number | undefined;
  let pages = 0;
  while (spec) {
    const page: GraphPage<T> = await api.send<GraphPage<T>>(spec, call);
    pages++;
    total ??= page['@odata.count'];
    const room = cap - items.length;
    items.push(...page.value.slice(0, room));
    const next = page['@odata.nextLink'];
    if (page.value.length > room || (items.length >= cap && next)) {
      return { items, truncated: true, total, pages };
    }
    spec = next ? { ...first, ...api.relativeLink(next) } : undefined;
  }
  // Without a nextLink Graph has nothing more to give, unless its own count says otherwise.
  return { items, truncated: total !== undefined && total > items.length, total, pages };
}
