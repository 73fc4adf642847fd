import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoControls } from './demo-controls';
import type { DemoDirectory } from './demo-directory';

/** Where and how `npm run demo:ad` reaches the running demo's AD. */
export interface DemoAdControl {
  /** Base URL on 127.0.0.1. */
  url: string;
  /** Bearer token the endpoint asks for: other local users cannot read the 0600 controls file. */
  token: string;
}

/** What a move did, as the endpoint answers it. */
export interface DemoAdMove {
  sAMAccountName: string;
  dn: string;
  inSyncScope: boolean;
}

/**
 * The demo AD's admin endpoint: `POST /ad/move {login, ou}` moves a user of the in-memory demo
 * directory to another OU, so a demo user can play the AD admin's part of a procedure (take the
 * user out of sync scope, bring it back). The directory lives in the demo's process, so another
 * process reaches it here; the demo's AD view file follows through the directory's onChange.
 * Listens on loopback only and asks for a random token.
 */
export async function startDemoAdControl(
  directory: DemoDirectory,
): Promise<DemoAdControl & { stop(): Promise<void> }> {
  const token = randomBytes(24).toString('base64url');
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!authorized(req.headers.authorization, token)) return reply(401, { error: 'Unauthorized.' });
    if (req.method !== 'POST' || req.url !== '/ad/move') return reply(404, { error: 'Not found.' });
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
      if (raw.length > 16_384) req.destroy();
    });
    req.on('end', () => {
      try {
        const { login, ou } = JSON.parse(raw) as { login?: unknown; ou?: unknown };
        if (typeof login !== 'string' || typeof ou !== 'string') {
          return reply(400, { error: 'Expected {"login": "...", "ou": "OU=...,DC=..."}.' });
        }
        const moved = directory.move(login, ou);
        reply(200, { sAMAccountName: moved.sAMAccountName, dn: moved.dn, inSyncScope: moved.inSyncScope });
      } catch (err) {
        reply(400, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Moves a user of the running demo's AD (what `npm run demo:ad -- move` calls).
 * @throws Error with the demo's reason when it refuses, or when the demo has no demo AD to move in.
 */
export async function moveDemoAdUser(controls: DemoControls, login: string, ou: string): Promise<DemoAdMove> {
  if (!controls.adControl) {
    throw new Error('This demo runs against a real domain controller: move the user with your AD tools.');
  }
  const res = await fetch(`${controls.adControl.url}/ad/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${controls.adControl.token}` },
    body: JSON.stringify({ login, ou }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as DemoAdMove | { error: string };
  if ('error' in body) throw new Error(body.error);
  return body;
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
