import { Client, HTTPMessageHandler, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import type { GraphOptions } from './graph-options';
import { GraphRetryHandler } from './graph-retry-handler';
import { GraphTokenHandler } from './graph-token-handler';

/** Graph's application permissions are granted to this scope, whatever host serves Graph. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * A Graph SDK client: retries and deadline first (so token acquisition is bounded too), then the
 * token from the credential, the SDK's telemetry header and its fetch-based HTTP handler.
 */
export function createGraphClient(
  options: Pick<GraphOptions, 'baseUrl' | 'maxRetries' | 'timeoutMs'>,
  credential: TokenCredential,
): Client {
  const retry = new GraphRetryHandler({
    maxRetries: options.maxRetries,
    baseDelayMs: 500,
    defaultTimeoutMs: options.timeoutMs,
  });
  const provider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  const token = new GraphTokenHandler(provider, options.baseUrl);
  const telemetry = new TelemetryHandler();
  const http = new HTTPMessageHandler();
  retry.setNext(token);
  token.setNext(telemetry);
  telemetry.setNext(http);
  return Client.initWithMiddleware({
    middleware: retry,
    baseUrl: `${options.baseUrl}/`,
    defaultVersion: 'v1.0',
  });
}
