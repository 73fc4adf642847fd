import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { message } from './activities';
import { AnchorProcess, freePort } from './anchor-process';
import { PRODUCTION } from './production-env';

/** Anchor in production mode as a real process, listening on loopback, and its data folder. */
export interface ProductionAnchor {
  anchor: AnchorProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The file store's folder (a temp folder, removed by {@link stop}). */
  dataDir: string;
  /** The LDAP_URL it was given: a loopback port nothing listens on. */
  ldapUrl: string;
  /** Stops the process and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts Anchor in production mode without a domain controller: LDAP_URL points at a closed
 * loopback port. Start-up does not bind LDAP (the directory is only reached by a search or a
 * health probe), so the process listens and serves /api/messages and /healthz; only what needs AD
 * fails. `env` adds to or overrides the placeholder production settings.
 */
export async function startProductionAnchor(env: Record<string, string> = {}): Promise<ProductionAnchor> {
  const [port, closedPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-production-'));
  const ldapUrl = `ldaps://127.0.0.1:${closedPort}`;
  const anchor = AnchorProcess.start({
    ...PRODUCTION,
    LDAP_URL: ldapUrl,
    LDAP_CONNECT_TIMEOUT_MS: '1000',
    STATE_STORE: 'file',
    DATA_DIR: dataDir,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const stop = async () => {
    await anchor.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await anchor.waitFor(/Anchor listening/);
  } catch (err) {
    await stop();
    throw err;
  }
  return { anchor, base: `http://127.0.0.1:${port}`, dataDir, ldapUrl, stop };
}

/**
 * Posts a Teams message ("help") from a tenant admin to `base`'s `/api/messages` the way a caller
 * without Bot Framework's token would: no Authorization header, or the `authorization` given.
 */
export function postWithoutToken(base: string, authorization?: string): Promise<Response> {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({
      ...message(
        { aadObjectId: '22222222-3333-4444-8555-666666666666', tenantId: PRODUCTION.ANCHOR_TENANT_ID },
        'help',
      ),
      serviceUrl: 'http://127.0.0.1:9/',
      recipient: { id: 'bot' },
    }),
  });
}
