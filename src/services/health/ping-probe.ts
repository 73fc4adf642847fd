import type { DependencyHealth, HealthProbe } from './health-monitor';

/** A dependency that can be pinged and described: the directory, the state store. */
export interface Pingable {
  ping(): Promise<void>;
  describe(): string;
}

/** Reports a dependency ok when its ping resolves, down with the ping's own message otherwise. */
export class PingProbe implements HealthProbe {
  constructor(
    readonly name: string,
    private readonly target: Pingable,
  ) {}

  async probe(): Promise<DependencyHealth> {
    await this.target.ping();
    return { state: 'ok', detail: this.target.describe() };
  }
}
