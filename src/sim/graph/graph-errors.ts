import { randomUUID } from 'node:crypto';

/** One entry of `error.details`, as Graph lists e.g. the two sides of an ObjectConflict. */
export interface GraphErrorDetail {
  code: string;
  message: string;
  target: string;
}

/** Graph's error envelope: `{ error: { code, message, details?, innerError: { request-id, date } } }`. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    details?: GraphErrorDetail[];
    innerError: { 'request-id': string; 'client-request-id': string; date: string };
  };
}

/** An error the simulator answers with, in Graph's own status, code and message. */
export class GraphSimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: GraphErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'GraphSimError';
  }

  /** The body Graph sends for this error. */
  body(requestId: string, clientRequestId: string = randomUUID()): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details.length > 0 ? { details: this.details } : {}),
        innerError: {
          'request-id': requestId,
          'client-request-id': clientRequestId,
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        },
      },
    };
  }
}

/** 404 for a user, domain or directory object id that does not exist (Graph's wording). */
export function resourceNotFound(id: string): GraphSimError {
  return new GraphSimError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** 400 for a query Graph cannot run on this property (wording from Graph answers quoted in docs issues). */
export function unsupportedFilter(property: string, resource: string): GraphSimError {
  return new GraphSimError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
  );
}

/** 400 for an unknown property in `$select`, `$filter` or `$orderby` (OData layer wording). */
export function unknownProperty(property: string, type: string): GraphSimError {
  return new GraphSimError(
    400,
    'BadRequest',
    `Could not find a property named '${property}' on type 'microsoft.graph.${type}'.`,
  );
}
