import type { DependencyHealth, HealthProbe } from '../health/health-monitor';
import type { PollRequest } from '../../shared/relay-protocol/messages';
import type { StateStore } from '../state/state-store';

/** A relay's last poll: when, and what it said about itself and the sync server. */
export interface RelayHeartbeat {
  relayId: string;
  at: string;
  /** Null for a bare {@link RelayPresence.seen} (no poll body known). */
  poll: PollRequest | null;
}

/** The `relay` entry of `/healthz`: the dependency state plus what the relay last reported. */
export interface RelayHealth extends DependencyHealth {
  relayId?: string;
  version?: string;
  syncCycleEnabled?: boolean | null;
  staging?: boolean | null;
  cycleInProgress?: boolean | null;
  /** `NextSyncCycleStartTimeInUTC` of Get-ADSyncScheduler, as the relay last reported it. */
  nextSyncCycleStartTimeInUTC?: string | null;
  pauseLeaseExpiresAt?: string | null;
  /**
   * How long the relay asks the bot to hold its polls (long polling); 0 while it polls short, by
   * setting, after repeated cuts on its way to the bot, or as a relay older than long polling.
   */
  pollWaitSeconds?: number;
  /** Where the relay reads AD (its LDAP URL and base DN); null when it has no LDAP settings. */
  directory?: string | null;
  /** Every configured relay, when there is more than one. */
  relays?: Record<string, DependencyHealth>;
}

/** Options of {@link RelayPresence}. */
export interface RelayPresenceOptions {
  /** Shares heartbeats between instances: a relay polls one instance, any may be asked. */
  store?: StateStore;
  /** The configured relays, the first being the one jobs go to; `[]` when no relay is configured. */
  relayIds?: readonly string[];
}

const DEFAULT_RELAY = 'relay';
const PRESENCE_KEY = (relayId: string) => `relay/presence/${relayId}`;

/**
 * Remembers when each on-prem relay last polled and what it said. The relay never listens on a
 * port, so its poll is the only sign that it is alive.
 */
export class RelayPresence implements HealthProbe {
  readonly name = 'relay';
  private readonly local = new Map<string, RelayHeartbeat>();
  /** What this instance last wrote to the store, per relay. */
  private readonly lastStored = new Map<string, RelayHeartbeat>();

  constructor(
    readonly staleAfterMs = 60_000,
    private readonly options: RelayPresenceOptions = {},
  ) {}

  /**
   * Called whenever a relay polls, with what it sent. The shared store is written when what the
   * relay reports changed, or when the stored heartbeat is a quarter of the stale window old:
   * other instances then still see the relay fresh, and a relay polling every second does not
   * cost a storage write every second.
   */
  async record(poll: PollRequest, at: Date = new Date()): Promise<void> {
    const heartbeat: RelayHeartbeat = { relayId: poll.relayId, at: at.toISOString(), poll };
    const stored = this.lastStored.get(poll.relayId);
    this.local.set(poll.relayId, heartbeat);
    const unchanged = stored && JSON.stringify(stored.poll) === JSON.stringify(poll);
    if (unchanged && at.getTime() - Date.parse(stored.at) < this.staleAfterMs / 4) return;
    // Last writer wins: a heartbeat is a fact about "now", not a read-modify-write.
    await this.options.store?.write(PRESENCE_KEY(poll.relayId), heartbeat, '*');
    this.lastStored.set(poll.relayId, heartbeat);
  }

  /** Records a bare sign of life (no poll body), for the only or the primary relay. */
  seen(at: Date = new Date()): void {
    const relayId = this.primary() ?? DEFAULT_RELAY;
    this.local.set(relayId, { relayId, at: at.toISOString(), poll: null });
  }

  /** The last heartbeat of `relayId` seen by any instance, or null if it never polled. */
  async lastHeartbeat(relayId: string = this.primary() ?? DEFAULT_RELAY): Promise<RelayHeartbeat | null> {
    const stored = (await this.options.store?.read<RelayHeartbeat>(PRESENCE_KEY(relayId)))?.value;
    const mine = this.local.get(relayId);
    if (stored && mine) return Date.parse(stored.at) >= Date.parse(mine.at) ? stored : mine;
    return stored ?? mine ?? null;
  }

  /** True when `heartbeat` is recent enough to count the relay as online. */
  isFresh(heartbeat: RelayHeartbeat, now: number = Date.now()): boolean {
    return now - Date.parse(heartbeat.at) <= this.staleAfterMs;
  }

  async probe(): Promise<RelayHealth> {
    if (this.options.relayIds?.length === 0) {
      return { state: 'unknown', detail: 'no relay is configured (RELAY_KEYS is not set)', lastSeen: null };
    }
    const ids = this.options.relayIds ?? [DEFAULT_RELAY];
    const all = await Promise.all(ids.map(async (id) => this.healthOf(await this.lastHeartbeat(id))));
    const main = all[0];
    if (ids.length === 1) return main;
    return { ...main, relays: Object.fromEntries(ids.map((id, i) => [id, all[i]])) };
  }

  private healthOf(heartbeat: RelayHeartbeat | null): RelayHealth {
    if (!heartbeat) return { state: 'unknown', detail: 'the relay has not polled yet', lastSeen: null };
    const age = Date.now() - Date.parse(heartbeat.at);
    const poll = heartbeat.poll;
    const base: RelayHealth = { state: 'ok', detail: 'polling', lastSeen: heartbeat.at };
    if (poll) {
      Object.assign(base, {
        relayId: poll.relayId,
        version: poll.version,
        syncCycleEnabled: poll.scheduler.syncCycleEnabled,
        staging: poll.scheduler.stagingModeEnabled,
        cycleInProgress: poll.scheduler.cycleInProgress,
        nextSyncCycleStartTimeInUTC: poll.scheduler.nextSyncCycleStartTimeInUTC,
        pauseLeaseExpiresAt: poll.scheduler.pauseLeaseExpiresAt,
        pollWaitSeconds: poll.wait ?? 0,
        directory: poll.directory ?? null,
      });
    }
    if (age > this.staleAfterMs) {
      return { ...base, state: 'down', detail: `no poll for ${Math.round(age / 1000)} s` };
    }
    if (poll && !poll.ready) {
      return {
        ...base,
        state: 'down',
        detail: `the relay is not ready: ${poll.problem ?? 'no reason given'}`,
      };
    }
    return base;
  }

  private primary(): string | undefined {
    return this.options.relayIds?.[0];
  }
}
