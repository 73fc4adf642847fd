import { GraphSimError } from '../graph-errors';
import type { GraphVersion, SimRequest, SimResponse } from '../sim-request';

/** A route handler; `match` holds the capture groups of the route's pattern. */
export type RouteHandler = (req: SimRequest, match: RegExpExecArray) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
  versions: readonly GraphVersion[];
}

/** Maps method + path (after the version segment) to handlers. */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers a route; by default for v1.0 and beta alike. */
  add(
    method: string,
    pattern: RegExp,
    handler: RouteHandler,
    versions: readonly GraphVersion[] = ['v1.0', 'beta'],
  ): this {
    this.routes.push({ method, pattern, handler, versions });
    return this;
  }

  /**
   * Runs the matching handler. An unknown path answers Graph's "Resource not found for the
   * segment" 400; a known path with the wrong method answers 405.
   */
  async route(req: SimRequest): Promise<SimResponse> {
    let pathKnown = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(req.path);
      if (!match || !route.versions.includes(req.version ?? 'v1.0')) continue;
      pathKnown = true;
      if (route.method === req.method) return route.handler(req, match);
    }
    if (pathKnown) {
      throw new GraphSimError(
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.',
      );
    }
    const segment = req.path.split('/').filter(Boolean)[0] ?? '';
    throw new GraphSimError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  }
}
