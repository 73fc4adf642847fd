import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Test-only CA/leaf certificate for 127.0.0.1 (self-signed, CA:TRUE, never used outside tests). */
export const TEST_AUTHORITY_CA = readFileSync(path.join(__dirname, 'tls', 'authority-test.crt'), 'utf8');
const TEST_AUTHORITY_KEY = readFileSync(path.join(__dirname, 'tls', 'authority-test.key'), 'utf8');

/**
 * An https front for a simulator that serves its token endpoint over plain http: @azure/identity
 * and MSAL refuse non-https authorities (see NOTES-identity.md). Everything is forwarded as is;
 * the OpenID configuration is answered here only when the simulator does not serve one.
 */
export class HttpsAuthority {
  private readonly server = https.createServer(
    { key: TEST_AUTHORITY_KEY, cert: TEST_AUTHORITY_CA },
    (req, res) => void this.handle(req, res),
  );
  /** Paths asked, in order, to check what MSAL fetched. */
  readonly seen: string[] = [];

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.seen.push(`${req.method} ${req.url}`);
    const body = await readBody(req);
    const answer = await forward(`${this.upstream}${req.url}`, req, body);
    const openId = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration/.exec(req.url ?? '');
    if (openId && answer.status !== 200) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(openIdConfiguration(this.url, openId[1])));
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }
}

/** The OpenID configuration MSAL needs: issuer on the authority's own origin. */
export function openIdConfiguration(authority: string, tenant: string): Record<string, string> {
  return {
    issuer: `${authority}/${tenant}/v2.0`,
    token_endpoint: `${authority}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/${tenant}/oauth2/v2.0/authorize`,
    jwks_uri: `${authority}/${tenant}/discovery/v2.0/keys`,
  };
}

function forward(
  url: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const { host: _host, ...headers } = req.headers;
    const out = http.request(url, { method: req.method, headers }, (res) => {
      void readBody(res).then((b) =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
      );
    });
    out.on('error', reject);
    out.end(body);
  });
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
