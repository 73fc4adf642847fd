import assert from 'node:assert/strict';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import { createGraphCredential } from '../../../../src/services/entra/graph-credential';
import type { GraphOptions } from '../../../../src/services/entra/graph-options';
import { GraphTokenHandler } from '../../../../src/services/entra/graph-token-handler';

const BASE: GraphOptions = {
  baseUrl: 'https://graph.microsoft.com',
  credential: { kind: 'client-secret', tenantId: 't', clientId: 'c', clientSecret: 's' },
  disableInstanceDiscovery: false,
  timeoutMs: 20_000,
  maxRetries: 4,
};

describe('Graph credential', () => {
  it('picks the @azure/identity class the configuration names', () => {
    assert.ok(createGraphCredential(BASE) instanceof ClientSecretCredential);
    const certificate = createGraphCredential({
      ...BASE,
      credential: { kind: 'client-certificate', tenantId: 't', clientId: 'c', certificatePath: '/x.pem' },
    });
    assert.ok(certificate instanceof ClientCertificateCredential);
    const managed = createGraphCredential({
      ...BASE,
      credential: { kind: 'managed-identity', clientId: 'c' },
    });
    assert.ok(managed instanceof ManagedIdentityCredential);
  });
});

describe('GraphTokenHandler', () => {
  const provider: AuthenticationProvider = { getAccessToken: async () => 'tok' };
  const sent: Context[] = [];
  const end: Middleware = { execute: async (context) => void sent.push(context) };

  async function send(base: string, url: string): Promise<Record<string, string>> {
    const handler = new GraphTokenHandler(provider, base);
    handler.setNext(end);
    const context: Context = { request: url, options: { headers: { Authorization: 'Bearer stale' } } };
    await handler.execute(context);
    return context.options?.headers as Record<string, string>;
  }

  it('attaches the token to the configured Graph origin only', async () => {
    assert.equal(
      (await send('https://graph.microsoft.com', 'https://graph.microsoft.com/v1.0/users')).Authorization,
      'Bearer tok',
    );
    assert.equal(
      (await send('http://127.0.0.1:3979', 'http://127.0.0.1:3979/v1.0/users')).Authorization,
      'Bearer tok',
    );
    assert.equal(
      (await send('https://graph.microsoft.com', 'https://evil.example/v1.0/users')).Authorization,
      undefined,
    );
    assert.equal(
      (await send('http://127.0.0.1:3979', 'http://127.0.0.1:4000/v1.0/users')).Authorization,
      undefined,
    );
  });

  it('refuses a plain-http Graph that is not on loopback', () => {
    assert.throws(() => new GraphTokenHandler(provider, 'http://graph.example.com'), /must use https/);
  });
});
