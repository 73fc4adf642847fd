/** The Graph API versions the simulator serves. */
export type GraphVersion = 'v1.0' | 'beta';

/** The app a bearer token was issued to; its permissions and roles are looked up by client id. */
export interface AppIdentity {
  clientId: string;
}

/**
 * One request as the routes see it, whether it came over HTTP or out of a `$batch` body, so
 * both go through the same router.
 */
export interface SimRequest {
  method: string;
  /** For Graph routes the path after the version segment (`/users/x`), otherwise the whole path. */
  path: string;
  version: GraphVersion | null;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
  rawBody: string;
  requestId: string;
  /** Set by authorization on Graph routes. */
  app: AppIdentity | null;
  /** True for sub-requests of a `$batch`. */
  inBatch: boolean;
}

/** A response before it is written to the socket or into a `$batch` answer. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON; undefined sends no body. */
  body?: unknown;
}

/** 200 with a JSON body. */
export const ok = (body: unknown): SimResponse => ({ status: 200, body });

/** 204 No Content, as Graph answers PATCH and DELETE. */
export const noContent = (): SimResponse => ({ status: 204 });

/** Whether the request asked for eventual consistency (needed by `$search` and advanced queries). */
export const isEventual = (req: SimRequest): boolean =>
  (req.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
