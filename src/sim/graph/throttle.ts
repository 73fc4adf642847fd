import { GraphSimError } from './graph-errors';

/** Per-app quotas. Defaults follow Graph's identity and access service limits. */
export interface ThrottleOptions {
  /** Writes per window per app (Graph: 3,000 per 150 s per app per tenant). */
  writeLimit?: number;
  writeWindowMs?: number;
  /**
   * Resource units per window per app (Graph: 3,500 / 5,000 / 8,000 per 10 s for tenants of
   * <50 / 50–500 / >500 users). null turns the read budget off.
   */
  readUnitLimit?: number | null;
  readWindowMs?: number;
}

/** What a request costs: list users 2 RU, other GET 1, PATCH/DELETE 1 RU + 1 write. */
export interface RequestCost {
  units: number;
  writes: number;
}

/** Graph's resource-unit budget for a tenant of this many users. */
export function defaultReadUnits(userCount: number): number {
  if (userCount < 50) return 3500;
  if (userCount <= 500) return 5000;
  return 8000;
}

interface Spend {
  at: number;
  amount: number;
}

/** Sliding-window quotas per app; over quota answers 429 with Retry-After in seconds. */
export class Throttle {
  private options: Required<ThrottleOptions>;
  private readonly writes = new Map<string, Spend[]>();
  private readonly units = new Map<string, Spend[]>();

  constructor(options: ThrottleOptions = {}, defaultUnits = 3500) {
    this.options = {
      writeLimit: 3000,
      writeWindowMs: 150_000,
      readUnitLimit: defaultUnits,
      readWindowMs: 10_000,
      ...options,
    };
  }

  /** Changes the quotas (tests make them strict) and forgets what was spent. */
  configure(options: ThrottleOptions): void {
    this.options = { ...this.options, ...options };
    this.reset();
  }

  /** Forgets what every app spent. */
  reset(): void {
    this.writes.clear();
    this.units.clear();
  }

  /** Charges the request to the app, or throws 429 without charging when a quota is spent. */
  charge(clientId: string, cost: RequestCost, now = Date.now()): void {
    const { writeLimit, writeWindowMs, readUnitLimit, readWindowMs } = this.options;
    const writeWait =
      cost.writes > 0 ? wait(this.writes, clientId, cost.writes, writeLimit, writeWindowMs, now) : 0;
    const unitWait =
      readUnitLimit !== null && cost.units > 0
        ? wait(this.units, clientId, cost.units, readUnitLimit, readWindowMs, now)
        : 0;
    const waitMs = Math.max(writeWait, unitWait);
    if (waitMs > 0) {
      const retryAfter = String(Math.max(1, Math.ceil(waitMs / 1000)));
      // Code as in Graph's throttling guidance; the message text is plausible.
      throw new GraphSimError(
        429,
        'TooManyRequests',
        'Too many requests. Retry after the time in Retry-After.',
        {
          'Retry-After': retryAfter,
        },
      );
    }
    if (cost.writes > 0) push(this.writes, clientId, cost.writes, now);
    if (cost.units > 0) push(this.units, clientId, cost.units, now);
  }
}

/** Milliseconds until `amount` more fits in the window, 0 when it fits now. */
function wait(
  ledger: Map<string, Spend[]>,
  clientId: string,
  amount: number,
  limit: number,
  windowMs: number,
  now: number,
): number {
  const spent = (ledger.get(clientId) ?? []).filter((s) => s.at > now - windowMs);
  ledger.set(clientId, spent);
  let total = spent.reduce((sum, s) => sum + s.amount, 0);
  if (total + amount <= limit) return 0;
  // Walk the oldest spends until enough of them have left the window.
  for (const s of spent) {
    total -= s.amount;
    if (total + amount <= limit) return s.at + windowMs - now;
  }
  return windowMs;
}

function push(ledger: Map<string, Spend[]>, clientId: string, amount: number, now: number): void {
  const list = ledger.get(clientId) ?? [];
  list.push({ at: now, amount });
  ledger.set(clientId, list);
}
