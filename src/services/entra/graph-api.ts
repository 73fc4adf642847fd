import { randomUUID } from 'node:crypto';
import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { graphAnswer } from './graph-answer';
import { GraphCallOption } from './graph-call';
import type { GraphCall } from './graph-call';
import { toDomainError } from './graph-error-mapping';
import type { ErrorContext } from './graph-error-mapping';
import { CloudDirectoryError } from './graph-errors';

/** Graph API versions Anchor uses. */
export type GraphVersion = 'v1.0' | 'beta';

/** One Graph request, relative to the base URL. */
export interface GraphRequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/users?$select=id`; query values already URL-encoded. */
  path: string;
  version?: GraphVersion;
  headers?: Record<string, string>;
  body?: unknown;
  /** Names the object addressed, so errors can say "no such user". */
  errorContext?: ErrorContext;
}

/** Hosts whose nextLinks Anchor follows, re-rooted on the configured base URL. */
const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

/**
 * Sends Graph requests through the SDK client and turns every failure into a typed
 * CloudDirectoryError that keeps what Graph said.
 */
export class GraphApi {
  private readonly origin: string;

  constructor(
    private readonly client: Client,
    readonly baseUrl: string,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** Sends one request within the call's deadline; resolves with the parsed body (undefined for 204). */
  async send<T>(spec: GraphRequestSpec, call: GraphCall): Promise<T> {
    const option = new GraphCallOption(call);
    const request = this.client
      .api(spec.path)
      .version(spec.version ?? 'v1.0')
      .headers({ 'client-request-id': randomUUID(), ...spec.headers })
      .middlewareOptions([option]);
    try {
      switch (spec.method) {
        case 'GET':
          return (await request.get()) as T;
        case 'POST':
          return (await request.post(spec.body)) as T;
        case 'PATCH':
          return (await request.patch(spec.body)) as T;
        case 'DELETE':
          return (await request.delete()) as T;
      }
    } catch (err) {
      throw this.translate(err, option, spec);
    }
  }

  /**
   * A nextLink as a path relative to the base URL. Graph's links name graph.microsoft.com; they
   * are followed on the configured base, and links to any other host are refused.
   */
  relativeLink(link: string): { path: string; version: GraphVersion } {
    const url = new URL(link);
    if (url.origin !== this.origin && !GRAPH_HOSTS.has(url.hostname.toLowerCase())) {
      throw new CloudDirectoryError(
        `Graph returned a next page on another host (${url.origin}); not followed.`,
      );
    }
    const [, version, ...rest] = url.pathname.split('/');
    return { version: version === 'beta' ? 'beta' : 'v1.0', path: `/${rest.join('/')}${url.search}` };
  }

  private translate(err: unknown, option: GraphCallOption, spec: GraphRequestSpec): Error {
    if (option.failure) return option.failure;
    if (err instanceof CloudDirectoryError) return err;
    const graphError = err as GraphError;
    if (typeof graphError?.statusCode === 'number' && graphError.statusCode > 0) {
      const answer = graphAnswer(
        graphError.statusCode,
        envelopeOf(graphError),
        graphError.headers,
        `${spec.method} /${spec.version ?? 'v1.0'}${spec.path.split('?')[0]}`,
      );
      if (!answer.requestId && graphError.requestId) answer.requestId = graphError.requestId;
      return toDomainError(answer, spec.errorContext);
    }
    return err instanceof Error ? err : new CloudDirectoryError(String(err));
  }
}

/** The SDK keeps Graph's inner `error` object as JSON text in `body`; re-wrap it as an envelope. */
function envelopeOf(error: GraphError): unknown {
  if (typeof error.body !== 'string')
    return error.body ?? { error: { code: error.code, message: error.message } };
  try {
    const inner = JSON.parse(error.body) as unknown;
    if (inner && typeof inner === 'object' && 'code' in inner) return { error: inner };
  } catch {
    // Not JSON: Graph (or a proxy in front of it) sent text; keep it as the message.
  }
  return error.body;
}
