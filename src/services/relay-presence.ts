import type { DependencyHealth, HealthProbe } from './health';

/**
 * Remembers when the on-prem relay last polled this instance. The relay never listens on a
 * port, so "last seen" is the only way to know it is alive.
 */
export class RelayPresence implements HealthProbe {
  readonly name = 'relay';
  private lastSeen: Date | null = null;

  constructor(private readonly staleAfterMs = 60_000) {}

  /** Called whenever the relay polls. */
  seen(at: Date = new Date()): void {
    this.lastSeen = at;
  }

  async probe(): Promise<DependencyHealth> {
    if (!this.lastSeen) return { state: 'unknown', detail: 'the relay has not polled yet', lastSeen: null };
    const age = Date.now() - this.lastSeen.getTime();
    const lastSeen = this.lastSeen.toISOString();
    if (age > this.staleAfterMs) {
      return { state: 'down', detail: `no poll for ${Math.round(age / 1000)} s`, lastSeen };
    }
    return { state: 'ok', detail: 'polling', lastSeen };
  }
}
