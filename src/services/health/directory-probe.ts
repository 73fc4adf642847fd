import type { DependencyHealth, HealthProbe } from './health-monitor';
import type { DirectoryLatency, DirectoryPlacement, TimedDirectory } from './timed-directory';

/** The directory's health: whether it answers, where it is read from, and how fast recent reads were. */
export interface DirectoryHealth extends DependencyHealth {
  placement: DirectoryPlacement;
  /** Null before the first read. */
  latency: DirectoryLatency | null;
}

/** Pings the directory where it is read (through the relay, or directly) and reports its latency. */
export class DirectoryProbe implements HealthProbe {
  readonly name = 'directory';

  constructor(private readonly directory: TimedDirectory) {}

  async probe(): Promise<DirectoryHealth> {
    const { directory } = this;
    let state: DirectoryHealth['state'] = 'ok';
    let detail: string;
    try {
      await directory.ping();
      detail = directory.describe();
    } catch (err) {
      state = 'down';
      detail = err instanceof Error ? err.message : String(err);
    }
    const latency = directory.latency();
    return { state, detail: `${detail}${latencyText(latency)}`, placement: directory.placement, latency };
  }
}

function latencyText(latency: DirectoryLatency | null): string {
  if (!latency) return '';
  return ` · p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms`;
}
