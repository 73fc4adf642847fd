import type { CloudDirectory, TwinCleanupDirectory } from '../../src/services/entra/cloud-directory';
import { createGraphServices } from '../../src/services/entra/graph-services';
import assert from 'node:assert/strict';
import { adViewOf } from '../../src/sim/demo/ad-view';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { DEMO_GRAPH_USERS, demoGraphSeed } from '../../src/sim/demo/demo-graph-seed';
import { demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import type { GraphSimulatorSeed, SimAdUser } from '../../src/sim/graph/graph-simulator';

/** A Graph error envelope as tests read it. */
export interface GraphErrorJson {
  error: {
    code: string;
    message: string;
    details?: { code: string; message: string; target: string }[];
    innerError: Record<string, string>;
  };
}

/** A started simulator with a token and fetch helpers for tests. */
export interface SimHarness {
  sim: GraphSimulator;
  base: string;
  token: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Asks the simulator's token endpoint for an app token. */
export async function fetchToken(
  base: string,
  tenantId: string,
  clientId = 'anchor',
  secret = 's3cret',
): Promise<string> {
  const res = await fetch(`${base}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * The demo AD users of the demo seed's synced twins (Diego's and Miriam's), as a delta exports them.
 * The seed holds their synced users, so a delta whose AD view lacks them takes them as gone from
 * scope and soft-deletes the twins: a test that means only its own users to change puts these in
 * its view too, as the demo AD has them.
 */
export function demoTwinsAdView(): SimAdUser[] {
  const sams = new Set(['diegos', 'miriamg']);
  const records = demoDirectoryUsers().filter((r) => sams.has(r.sAMAccountName));
  return adViewOf(new DemoDirectory(records).all());
}

/** The demo seed's synced twins, in demoTwinsAdView()'s order, as a delta's report names them. */
export function demoTwinsRefreshed(): { sourceAnchor: string; userId: string }[] {
  const twinOf: Record<string, string> = {
    diegos: DEMO_GRAPH_USERS.cleanTwin,
    miriamg: DEMO_GRAPH_USERS.licensedTwin,
  };
  return demoTwinsAdView().map((ad) => ({
    sourceAnchor: ad.sourceAnchor,
    userId: twinOf[ad.sAMAccountName],
  }));
}

/** Starts a simulator (the demo seed unless given one) and gets a token. */
export async function startSim(seed: GraphSimulatorSeed = demoGraphSeed()): Promise<SimHarness> {
  const sim = new GraphSimulator(seed);
  const base = await sim.start();
  const token = await fetchToken(base, seed.tenantId);
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    sim,
    base,
    token,
    send,
    get: (path, headers = {}) => send('GET', path, undefined, headers),
    stop: () => sim.stop(),
  };
}

/** Asserts a Graph error: status, code, optional message, and the request-id echo. */
export async function assertGraphError(
  res: Response,
  status: number,
  code: string,
  message?: string | RegExp,
): Promise<GraphErrorJson> {
  const body = (await res.json()) as GraphErrorJson;
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  if (typeof message === 'string') assert.equal(body.error.message, message);
  else if (message) assert.match(body.error.message, message);
  assert.match(body.error.innerError['request-id'], /^[0-9a-f-]{36}$/);
  assert.equal(body.error.innerError['request-id'], res.headers.get('request-id'));
  assert.match(body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  return body;
}

/**
 * The Graph service as Anchor builds it (real credential, client and retry handler), signed in to
 * `sim` through its HTTPS authority. Starts the simulator and its authority.
 */
export async function cloudOn(
  sim: GraphSimulator,
  tenantId: string,
): Promise<CloudDirectory & TwinCleanupDirectory> {
  await sim.start();
  await sim.startAuthority();
  return createGraphServices({
    baseUrl: sim.baseUrl,
    credential: { kind: 'client-secret', tenantId, clientId: 'anchor', clientSecret: 's' },
    authorityHost: sim.authorityUrl,
    authorityCaPem: sim.authorityCaPem,
    disableInstanceDiscovery: true,
    timeoutMs: 10_000,
    maxRetries: 2,
  }).cloud;
}
