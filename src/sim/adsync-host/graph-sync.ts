import { readFileSync } from 'node:fs';
import type { SimAdUser, SimAdView } from '../graph/model';
import { scopeAtDelta } from '../graph/sync-engine';
import type { AdSyncHistoryEntry } from './state';

/** Env: base URL of the Graph simulator whose sync engine a delta drives. */
export const GRAPH_URL_ENV = 'ADSYNC_SIM_GRAPH_URL';
/**
 * Env: path of the AD side the sync cycle exports, read afresh at each delta: a SimAdView (users
 * and the OUs the connector syncs, so scope follows each user's DN now) or a bare SimAdUser[].
 */
export const AD_VIEW_ENV = 'ADSYNC_SIM_AD_VIEW';

/**
 * Runs the Graph simulator's sync engine, as a real delta cycle would export to Entra ID: POSTs
 * the AD view to `/_sim/sync-cycle`, each user in or out of scope by its DN at this delta (the
 * OU filter is the sync server's, so it is applied here, not by Entra ID). Returns undefined when
 * the env does not name both.
 * Failures are returned, not thrown: the real cmdlet only starts a cycle and reports success
 * whatever the export later does.
 */
export async function runGraphSync(env: NodeJS.ProcessEnv): Promise<AdSyncHistoryEntry['graphSync']> {
  const base = env[GRAPH_URL_ENV];
  const viewPath = env[AD_VIEW_ENV];
  if (!base || !viewPath) return undefined;
  try {
    const users = scopeAtDelta(JSON.parse(readFileSync(viewPath, 'utf8')) as SimAdView | SimAdUser[]);
    const res = await fetch(`${base.replace(/\/+$/, '')}/_sim/sync-cycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, report: text ? (JSON.parse(text) as unknown) : undefined };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Tells the Graph simulator that PHS wrote a heartbeat, as the real service's ping lands in
 * Entra ID's `onPremisesLastPasswordSyncDateTime`: PATCHes `/_sim/organization`. Undefined when
 * the env names no simulator; a failure is returned (and recorded), never thrown.
 */
export async function reportHeartbeat(
  env: NodeJS.ProcessEnv,
  at: string,
): Promise<AdSyncHistoryEntry['heartbeatReport']> {
  const base = env[GRAPH_URL_ENV];
  if (!base) return undefined;
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}/_sim/organization`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ onPremisesLastPasswordSyncDateTime: at }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return { at, status: res.status };
  } catch (error) {
    return { at, error: (error as Error).message };
  }
}
