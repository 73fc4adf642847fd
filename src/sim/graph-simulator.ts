import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCloudUser, SimOrganization } from './demo-tenant';
import { GraphSimError } from './graph-errors';

/** The tenant the simulator serves. */
export interface GraphSimulatorSeed {
  tenantId: string;
  organization: SimOrganization;
  users: SimCloudUser[];
}

type Handler = (req: http.IncomingMessage, url: URL, match: RegExpMatchArray) => Promise<unknown> | unknown;

const TOKEN_LIFETIME_S = 3599;

/**
 * A Microsoft Graph stand-in on loopback for demo mode and tests. It answers in Graph's v1.0
 * shapes and errors, and issues tokens from an Entra-style token endpoint, so production code
 * talks to it over HTTP unchanged.
 */
export class GraphSimulator {
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly tokens = new Set<string>();
  private readonly routes: [string, RegExp, Handler][] = [
    ['POST', /^\/([^/]+)\/oauth2\/v2\.0\/token$/, (req) => this.issueToken(req)],
    ['GET', /^\/v1\.0\/\$metadata$/, () => METADATA],
    ['GET', /^\/v1\.0\/organization$/, () => ({ value: [this.seed.organization] })],
    ['GET', /^\/v1\.0\/users$/, (req, url) => this.listUsers(req, url)],
    ['GET', /^\/v1\.0\/users\/([^/]+)$/, (_req, url, m) => this.getUser(url, decodeURIComponent(m[1]))],
  ];

  constructor(private readonly seed: GraphSimulatorSeed) {}

  /** Starts listening on loopback; resolves with the base URL (no trailing slash). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('request-id', requestId);
    try {
      const route = this.routes.find(
        ([method, pattern]) => method === req.method && pattern.test(url.pathname),
      );
      if (!route)
        throw new GraphSimError(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
      const [, pattern, handler] = route;
      if (!url.pathname.includes('/oauth2/') && !url.pathname.endsWith('/$metadata')) this.authorize(req);
      const body = await handler(req, url, url.pathname.match(pattern) as RegExpMatchArray);
      if (typeof body === 'string') send(res, 200, body, { 'content-type': 'application/xml' });
      else send(res, 200, JSON.stringify(body), { 'content-type': 'application/json' });
    } catch (err) {
      const error =
        err instanceof GraphSimError
          ? err
          : new GraphSimError(500, 'generalException', 'An internal error occurred.');
      const body = JSON.stringify(error.body(requestId, header(req, 'client-request-id')));
      send(res, error.status, body, { 'content-type': 'application/json', ...error.headers });
    }
  }

  private authorize(req: http.IncomingMessage): void {
    const auth = header(req, 'authorization');
    if (!auth) {
      throw new GraphSimError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    }
    const token = auth.replace(/^Bearer\s+/i, '');
    if (!this.tokens.has(token)) {
      throw new GraphSimError(
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience.',
      );
    }
  }

  private async issueToken(req: http.IncomingMessage): Promise<unknown> {
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'client_credentials' || !form.get('client_id')) {
      throw new GraphSimError(
        400,
        'invalid_request',
        "AADSTS900144: The request body must contain 'client_id'.",
      );
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.add(token);
    return {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_S,
      ext_expires_in: TOKEN_LIFETIME_S,
      access_token: token,
    };
  }

  private listUsers(req: http.IncomingMessage, url: URL): unknown {
    const search = url.searchParams.get('$search');
    let users = this.seed.users;
    if (search !== null) {
      if (header(req, 'consistencylevel')?.toLowerCase() !== 'eventual') {
        throw new GraphSimError(
          400,
          'Request_UnsupportedQuery',
          "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        );
      }
      users = users.filter((u) => matchesSearch(u, search));
    }
    const top = Number(url.searchParams.get('$top') ?? 100);
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
      value: users.slice(0, top).map((u) => select(u, url)),
    };
  }

  private getUser(url: URL, idOrUpn: string): unknown {
    const user = this.seed.users.find(
      (u) => u.id === idOrUpn || u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase(),
    );
    if (!user) {
      throw new GraphSimError(
        404,
        'Request_ResourceNotFound',
        `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return select(user, url);
  }
}

/** The default property set Graph v1.0 returns for users when `$select` is absent. */
const DEFAULT_USER_PROPERTIES = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'jobTitle',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
];

function select(user: SimCloudUser, url: URL): Record<string, unknown> {
  const requested = url.searchParams.get('$select');
  const fields = requested ? requested.split(',').map((s) => s.trim()) : DEFAULT_USER_PROPERTIES;
  const source = user as unknown as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, source[f] ?? null]));
}

/** `"displayName:ap" OR "mail:ap"`: Graph's tokenized prefix search, per property. */
function matchesSearch(user: SimCloudUser, search: string): boolean {
  const clauses = [...search.matchAll(/"([^":]+):([^"]*)"/g)];
  return clauses.some(([, property, term]) => {
    const value = (user as unknown as Record<string, unknown>)[property];
    if (typeof value !== 'string') return false;
    const needle = term.toLowerCase();
    return value
      .toLowerCase()
      .split(/[\s@._-]+/)
      .concat(value.toLowerCase())
      .some((word) => word.startsWith(needle));
  });
}

/**
 * Writes a whole response. No chaining on writeHead: restify, loaded in the same process in
 * demo mode, patches http.ServerResponse globally and its writeHead does not return `this`.
 */
function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const METADATA =
  '<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
  '<edmx:DataServices><Schema Namespace="microsoft.graph" xmlns="http://docs.oasis-open.org/odata/ns/edm"/>' +
  '</edmx:DataServices></edmx:Edmx>';
