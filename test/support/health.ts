import assert from 'node:assert/strict';
import type { HealthReport } from '../../src/services/health/health-monitor';

/**
 * The HEALTH_TOKEN test instances run with (AnchorProcess sets it unless a test overrides it), so
 * tests can read the details of /healthz as an operator would.
 */
export const TEST_HEALTH_TOKEN = 'test-health-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** `GET /healthz` of the instance at `baseUrl`, presenting `token` (the test token by default). */
export function fetchHealth(baseUrl: string, token: string | null = TEST_HEALTH_TOKEN): Promise<Response> {
  return fetch(`${baseUrl}/healthz`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

/** The detailed health report of the instance at `baseUrl` (fails the test unless it answers 200). */
export async function healthReport(baseUrl: string): Promise<HealthReport> {
  const res = await fetchHealth(baseUrl);
  assert.equal(res.status, 200, `/healthz answered ${res.status}`);
  const body = (await res.json()) as HealthReport;
  assert.ok(body.dependencies, `/healthz gave no details: ${JSON.stringify(body)}`);
  return body;
}
