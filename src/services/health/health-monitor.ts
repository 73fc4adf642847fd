/** State of one dependency as seen from this instance. */
export type DependencyState = 'ok' | 'down' | 'unknown';

/** What a probe found out about one dependency. */
export interface DependencyHealth {
  state: DependencyState;
  /** One line a human can act on. */
  detail: string;
  /** When the dependency last showed signs of life (relay polls), if tracked. */
  lastSeen?: string | null;
}

/** Something Anchor depends on that can be asked whether it is alive. */
export interface HealthProbe {
  readonly name: string;
  probe(): Promise<DependencyHealth>;
}

/** The body of `GET /healthz`. */
export interface HealthReport {
  /** `ok` when every dependency is ok; `degraded` when the process is up but something is not. */
  status: 'ok' | 'degraded';
  mode: string;
  version: string;
  uptimeSeconds: number;
  dependencies: Record<string, DependencyHealth>;
}

/** Settings of {@link HealthMonitor}. */
export interface HealthMonitorOptions {
  mode: string;
  version: string;
  probes: HealthProbe[];
  /** A probe that takes longer than this is reported down; keeps /healthz fast. */
  timeoutMs?: number;
}

/** Runs every probe in parallel, each bounded by a timeout, and builds the health report. */
export class HealthMonitor {
  private readonly started = Date.now();

  constructor(private readonly options: HealthMonitorOptions) {}

  /** Asks every dependency once; never throws. */
  async report(): Promise<HealthReport> {
    const timeoutMs = this.options.timeoutMs ?? 3000;
    const results = await Promise.all(this.options.probes.map((p) => runProbe(p, timeoutMs)));
    const dependencies = Object.fromEntries(this.options.probes.map((p, i) => [p.name, results[i]]));
    return {
      status: results.every((r) => r.state === 'ok') ? 'ok' : 'degraded',
      mode: this.options.mode,
      version: this.options.version,
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      dependencies,
    };
  }
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<DependencyHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ state: 'down', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([probe.probe(), timeout]);
  } catch (err) {
    return { state: 'down', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
