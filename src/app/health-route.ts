import { createHash, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { HealthMonitor, HealthReport } from '../services/health/health-monitor';
import type { Logger } from '../shared/logger';

/** The path of the health endpoint (App Service's health check points here). */
export const HEALTH_PATH = '/healthz';

/** What `/healthz` tells a caller without the health token: the instance answers, nothing more. */
export interface LivenessReport {
  status: 'up';
}

/**
 * `GET /healthz`. Anyone (App Service's health check included) learns only that the instance is
 * up, with 200; no dependency is probed for them, so the endpoint cannot be used to make Anchor
 * hammer the DC or Graph. A caller presenting `Authorization: Bearer <HEALTH_TOKEN>` gets the
 * full report (dependency states, URLs, relay, errors), still with 200 when degraded: App Service
 * treats any 2xx as healthy, and recycling instances does not fix a shared dependency.
 */
export function registerHealthRoute(
  server: restify.Server,
  health: HealthMonitor,
  token: string | undefined,
  logger: Logger,
): void {
  server.get(HEALTH_PATH, async (req: restify.Request, res: restify.Response) => {
    res.header('cache-control', 'no-store');
    const presented = bearerOf(req.headers.authorization);
    if (presented !== undefined && token !== undefined && sameSecret(presented, token)) {
      const report: HealthReport = await health.report();
      res.json(200, report);
      return;
    }
    if (presented !== undefined) {
      // Never the presented value: it may be a real secret sent to the wrong place.
      logger.warn(
        { correlationId: req.getId(), configured: token !== undefined },
        'health details refused: the presented token does not match HEALTH_TOKEN',
      );
    }
    const liveness: LivenessReport = { status: 'up' };
    res.json(200, liveness);
  });
}

function bearerOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** Compares in constant time; hashing first makes the lengths equal without revealing them. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
