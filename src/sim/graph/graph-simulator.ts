import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { GraphSimError } from './graph-errors';
import type { RequestLogEntry } from './routes/admin-routes';
import { registerAdminRoutes } from './routes/admin-routes';
import { runBatch } from './routes/batch';
import { registerDeletedItemsRoutes } from './routes/deleted-items-routes';
import { registerDirectoryRoutes } from './routes/directory-routes';
import { registerAppRoleAssignmentRoutes } from './routes/app-role-assignment-routes';
import { registerMembershipRoutes } from './routes/membership-routes';
import { FaultInjector } from './faults';
import { flatHeaders, readBody, send } from './http-io';
import type { SimAdUser, SimSyncError, SyncReport } from './model';
import { registerRoleRoutes } from './routes/roles-routes';
import { Router } from './routes/router';
import type { GraphVersion, SimRequest, SimResponse } from './sim-request';
import { runSyncCycle } from './sync-engine';
import { TenantState } from './tenant-state';
import type { TenantSeed } from './tenant-state';
import type { ThrottleOptions } from './throttle';
import { Throttle, defaultReadUnits } from './throttle';
import { handleLoginRequest } from './token-endpoint';
import { TokenIssuer } from './token-issuer';
import { createSelfSignedCertificate } from '../self-signed';
import { registerUserRoutes } from './routes/users-routes';
import { registerGroupRoutes } from './routes/group-routes';
import { registerTeamworkRoutes } from './routes/teamwork-routes';

export type { SimAdUser, SimSyncError, SyncReport } from './model';
export type { FaultRule } from './faults';
export type { ThrottleOptions } from './throttle';
export type { RequestLogEntry } from './routes/admin-routes';

/** The tenant the simulator serves, and how strict its quotas are. */
export interface GraphSimulatorSeed extends TenantSeed {
  /** Per-app quotas; defaults are Graph's (3,000 writes / 150 s; RU budget by tenant size). */
  throttle?: ThrottleOptions;
}

/** How the simulator listens. */
export interface GraphSimulatorOptions {
  /** PEM key and certificate: serve HTTPS (MSAL may refuse an http authority). */
  tls?: { key: string; cert: string };
}

const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * A Microsoft Graph stand-in on loopback for demo mode and tests. It answers in Graph's v1.0
 * (and beta) shapes and errors, issues tokens from an Entra-style token endpoint, throttles per
 * app, and simulates Entra Connect sync cycles, so production code talks to it over HTTP
 * unchanged. Test hooks: `state`, `faults`, `throttle`, `runSyncCycle`, `requests`, and the
 * `/_sim` admin API.
 */
export class GraphSimulator {
  /** The tenant's live state (users, recycle bin, roles, domains, sync features). */
  readonly state: TenantState;
  /** Inject 429/5xx answers on routes. */
  readonly faults = new FaultInjector();
  /** Per-app write quota and read budget; `throttle.configure({...})` makes it strict. */
  readonly throttle: Throttle;
  /** Issued tokens; `tokens.expireAll()` tests a client's refresh. */
  readonly tokens: TokenIssuer;
  /** Every Graph request answered (direct and batched), oldest first. */
  readonly requests: RequestLogEntry[] = [];

  private readonly server: http.Server;
  /** The https listener for the sign-in endpoints, once started; see {@link startAuthority}. */
  private authority?: https.Server;
  private authorityCertificate?: string;
  private readonly graph = new Router();
  private readonly admin = new Router();

  constructor(seed: GraphSimulatorSeed, options: GraphSimulatorOptions = {}) {
    this.state = new TenantState(seed);
    this.throttle = new Throttle(seed.throttle, defaultReadUnits(seed.users.length));
    this.tokens = new TokenIssuer(seed.tenantId);
    const ctx = { state: this.state, baseUrl: () => this.baseUrl };
    registerUserRoutes(this.graph, ctx);
    registerDeletedItemsRoutes(this.graph, ctx);
    registerDirectoryRoutes(this.graph, ctx);
    registerRoleRoutes(this.graph, ctx);
    registerGroupRoutes(this.graph, ctx);
    registerTeamworkRoutes(this.graph, ctx);
    registerMembershipRoutes(this.graph, ctx);
    registerAppRoleAssignmentRoutes(this.graph, ctx);
    registerAdminRoutes(this.admin, {
      state: this.state,
      faults: this.faults,
      throttle: this.throttle,
      tokens: this.tokens,
      requests: this.requests,
      runSyncCycle: (users) => this.runSyncCycle(users),
    });
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) =>
      void this.handle(req, res, this.baseUrl);
    this.server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  }

  /** Starts listening on loopback; resolves with the base URL (no trailing slash). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this.baseUrl;
  }

  /** `http(s)://127.0.0.1:<port>`; valid once started. */
  get baseUrl(): string {
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Serves the sign-in endpoints (OpenID configuration and token) over https on a second loopback
   * port, with a throwaway certificate. @azure/identity and MSAL refuse an http authority, while
   * Graph itself stays on http: Node's fetch, which the Graph SDK uses, cannot be told to trust a
   * private CA per request. Resolves with the authority URL to give the credential.
   */
  async startAuthority(port = 0): Promise<string> {
    const { key, cert } = await createSelfSignedCertificate();
    const server = https.createServer(
      { key, cert },
      (req, res) => void this.handle(req, res, this.authorityUrl),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.authority = server;
    this.authorityCertificate = cert;
    return this.authorityUrl;
  }

  /** `https://127.0.0.1:<port>` of the sign-in endpoints; valid once {@link startAuthority} ran. */
  get authorityUrl(): string {
    if (!this.authority) throw new Error('The authority listener is not started; call startAuthority().');
    return `https://127.0.0.1:${(this.authority.address() as AddressInfo).port}`;
  }

  /** The PEM certificate of the authority listener, for the credential to trust. */
  get authorityCaPem(): string {
    if (!this.authorityCertificate) throw new Error('The authority listener is not started.');
    return this.authorityCertificate;
  }

  async stop(): Promise<void> {
    for (const server of [this.server, this.authority]) {
      if (!server?.listening) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Runs one Entra Connect export cycle with this AD view (see sync-engine.ts). */
  runSyncCycle(adUsers: SimAdUser[], now = new Date()): SyncReport {
    return runSyncCycle(this.state, adUsers, now);
  }

  /** The sync errors of the last cycle. */
  get syncErrors(): SimSyncError[] {
    return this.state.syncErrors;
  }

  /** `origin` is the base URL of the listener the request came in on, for discovery documents. */
  private async handle(req: http.IncomingMessage, res: http.ServerResponse, origin: string): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = flatHeaders(req);
    const rawBody = await readBody(req).catch(() => '');
    let body: unknown = rawBody === '' ? undefined : rawBody;
    if (rawBody !== '' && (headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
    }
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      version: null,
      query: url.searchParams,
      headers,
      body,
      rawBody,
      requestId,
      app: null,
      inBatch: false,
    };
    const response = await this.respond(simReq, req.socket.remoteAddress ?? '', origin);
    write(res, response, requestId, headers['client-request-id']);
  }

  private async respond(req: SimRequest, remote: string, origin: string): Promise<SimResponse> {
    if (req.path.startsWith('/_sim/')) {
      // The admin API has no authentication, so it answers loopback callers only.
      if (!/^(127\.|::1$|::ffff:127\.)/.test(remote))
        return errorResponse(req, new GraphSimError(403, 'Forbidden', 'Loopback only.'));
      return this.guard(req, () => this.admin.route(req));
    }
    const login = handleLoginRequest(req, this.state, this.tokens, origin);
    if (login) return login;
    if (req.method === 'GET' && /^\/(v1\.0|beta)\/\$metadata$/.test(req.path)) {
      return { status: 200, headers: { 'content-type': 'application/xml' }, body: METADATA };
    }
    const m = /^\/(v1\.0|beta)(\/.*)?$/.exec(req.path);
    if (!m) {
      const version = req.path.split('/')[1] ?? '';
      return errorResponse(req, new GraphSimError(400, 'BadRequest', `Invalid version: ${version}`));
    }
    const graphReq: SimRequest = { ...req, version: m[1] as GraphVersion, path: m[2] ?? '/' };
    try {
      graphReq.app = this.tokens.verify(req.headers['authorization']);
    } catch (err) {
      return this.log(graphReq, errorResponse(graphReq, err));
    }
    if (graphReq.path === '/$batch' && graphReq.method === 'POST') {
      return this.guard(graphReq, () => runBatch(graphReq, (sub) => this.dispatch(sub)));
    }
    return this.dispatch(graphReq);
  }

  /** One Graph request (direct or batched): faults, throttling, route, error envelope, log. */
  private async dispatch(req: SimRequest): Promise<SimResponse> {
    // The advanced-query index sees what changed up to now (and, after a write, the write).
    this.state.advancedIndex.record();
    const response = await this.guard(req, () => {
      if (req.inBatch && req.path === '/$batch')
        throw new GraphSimError(400, 'BadRequest', 'Nested batch requests are not supported.');
      const fault = this.faults.take(req.method, `/${req.version}${req.path}`, req.inBatch);
      if (fault) throw fault;
      this.throttle.charge(req.app?.clientId ?? '', cost(req));
      return this.graph.route(req);
    });
    if (req.method !== 'GET') this.state.advancedIndex.record();
    return this.log(req, response);
  }

  private async guard(req: SimRequest, run: () => Promise<SimResponse>): Promise<SimResponse> {
    try {
      return await run();
    } catch (err) {
      return errorResponse(req, err);
    }
  }

  private log(req: SimRequest, res: SimResponse): SimResponse {
    const query = req.query.toString();
    this.requests.push({
      method: req.method,
      url: `/${req.version}${req.path}${query ? `?${query}` : ''}`,
      status: res.status,
      clientId: req.app?.clientId ?? null,
      inBatch: req.inBatch,
      at: new Date().toISOString(),
    });
    return res;
  }
}

/** Graph's resource units: list users 2, other GET 1, writes 1 RU + 1 write. */
function cost(req: SimRequest): { units: number; writes: number } {
  if (req.method === 'GET') return { units: /^\/users$/.test(req.path) ? 2 : 1, writes: 0 };
  return { units: 1, writes: 1 };
}

function errorResponse(req: SimRequest, err: unknown): SimResponse {
  const error =
    err instanceof GraphSimError
      ? err
      : new GraphSimError(500, 'generalException', 'An internal error occurred.');
  return {
    status: error.status,
    headers: { 'Content-Type': 'application/json', ...error.headers },
    body: error.body(req.requestId, req.headers['client-request-id']),
  };
}

function write(
  res: http.ServerResponse,
  response: SimResponse,
  requestId: string,
  clientRequestId?: string,
): void {
  const headers: Record<string, string> = {
    'request-id': requestId,
    'client-request-id': clientRequestId ?? requestId,
  };
  let body = '';
  if (response.body !== undefined) {
    body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    headers['content-type'] = typeof response.body === 'string' ? 'text/plain' : JSON_TYPE;
  }
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v;
  if (response.body !== undefined && typeof response.body !== 'string') headers['content-type'] = JSON_TYPE;
  send(res, response.status, body, headers);
}

const METADATA =
  '<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
  '<edmx:DataServices><Schema Namespace="microsoft.graph" xmlns="http://docs.oasis-open.org/odata/ns/edm"/>' +
  '</edmx:DataServices></edmx:Edmx>';
