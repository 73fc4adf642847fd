import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import { GraphAuthenticationError } from './graph-errors';
import { isHttpsOrLoopback } from '../../shared/secure-url';
import { requestUrl } from './graph-retry-handler';

/**
 * Puts the bearer token on requests to the configured Graph origin, and only there. It replaces
 * the SDK's AuthenticationHandler, which sends tokens only to https URLs of Microsoft's Graph
 * hosts (or `customHosts`): the simulator on plain http loopback would get none. The token comes
 * from the same TokenCredentialAuthenticationProvider either way.
 */
export class GraphTokenHandler implements Middleware {
  private next?: Middleware;
  private readonly origin: string;

  constructor(
    private readonly provider: AuthenticationProvider,
    graphBaseUrl: string,
  ) {
    const url = new URL(graphBaseUrl);
    if (!isHttpsOrLoopback(url)) {
      throw new Error(`Graph base URL ${url.origin} must use https (plain http only on loopback).`);
    }
    this.origin = url.origin;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const headers = headersOf(context);
    delete headers.Authorization;
    delete headers.authorization;
    if (new URL(requestUrl(context)).origin === this.origin) {
      headers.Authorization = `Bearer ${await this.token()}`;
    }
    await (this.next as Middleware).execute(context);
  }

  /** The retry handler, one step up, records the failure on the call. */
  private async token(): Promise<string> {
    try {
      return await this.provider.getAccessToken();
    } catch (err) {
      throw new GraphAuthenticationError(describe(err), { cause: err });
    }
  }
}

/** The request's headers as a plain record the SDK sends (GraphRequest always builds one). */
function headersOf(context: Context): Record<string, string> {
  context.options = context.options ?? {};
  const current = context.options.headers;
  if (current instanceof Headers) {
    const copy: Record<string, string> = {};
    current.forEach((value, name) => (copy[name] = value));
    context.options.headers = copy;
  } else if (Array.isArray(current)) context.options.headers = Object.fromEntries(current);
  else context.options.headers = { ...(current ?? {}) };
  return context.options.headers as Record<string, string>;
}

/** The first line of an identity error: it carries the AADSTS code, never the secret. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 400);
}
