import type { DependencyHealth, HealthProbe } from './health';

/**
 * Reports whether Microsoft Graph answers at all. `$metadata` needs no token, so this checks
 * reachability (DNS, proxy, TLS) without spending the app's request quota or its credentials.
 */
export class GraphProbe implements HealthProbe {
  readonly name = 'graph';

  constructor(private readonly graphBaseUrl: string) {}

  async probe(): Promise<DependencyHealth> {
    const url = `${this.graphBaseUrl}/v1.0/$metadata`;
    const res = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(2500) });
    await res.body?.cancel();
    if (!res.ok) return { state: 'down', detail: `${url} answered HTTP ${res.status}` };
    return { state: 'ok', detail: `reachable at ${this.graphBaseUrl}` };
  }
}
