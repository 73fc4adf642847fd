import { GraphSimError } from './graph-errors';

/** A failure to answer instead of running the route, for testing a client's retry policy. */
export interface FaultRule {
  /** Only this method (any when absent). */
  method?: string;
  /**
   * The Graph path with its version, without query: a string matches that path and every path
   * below it ('/v1.0/users' matches '/v1.0/users/x'), a RegExp is tested on the path.
   */
  path: string | RegExp;
  status: 429 | 500 | 502 | 503 | 504;
  /** How many consecutive matching requests fail (default 1). */
  count?: number;
  /** Retry-After seconds to send (429 and 503). */
  retryAfterSeconds?: number;
  /**
   * true: only steps inside a `$batch` (Graph meters each step and answers a throttled one 429
   * inside a 200 batch response); false: only direct requests; absent: both.
   */
  inBatch?: boolean;
}

/** Codes per status: Graph's documented error codes where one exists, plausible otherwise. */
const CODES: Record<FaultRule['status'], [string, string]> = {
  429: ['TooManyRequests', 'Too many requests. Retry after the time in Retry-After.'],
  500: ['generalException', 'An internal error occurred.'],
  502: ['BadGateway', 'The server received an invalid response from an upstream server.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Try again later.'],
  504: ['UnknownError', 'The gateway timed out waiting for the service.'],
};

/** Injected failures, consumed first come first served. */
export class FaultInjector {
  private rules: (FaultRule & { remaining: number })[] = [];

  /** Makes the next `count` matching requests fail with `status`. */
  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.rules = [];
  }

  /** Failures still to be served. */
  get pending(): number {
    return this.rules.reduce((sum, r) => sum + r.remaining, 0);
  }

  /** Consumes one matching fault and returns the error to answer with. */
  take(method: string, path: string, inBatch = false): GraphSimError | undefined {
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.inBatch === undefined || r.inBatch === inBatch) &&
        (!r.method || r.method.toUpperCase() === method) &&
        (typeof r.path === 'string' ? path === r.path || path.startsWith(`${r.path}/`) : r.path.test(path)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    const [code, message] = CODES[rule.status];
    const headers: Record<string, string> =
      rule.retryAfterSeconds !== undefined ? { 'Retry-After': String(rule.retryAfterSeconds) } : {};
    return new GraphSimError(rule.status, code, message, headers);
  }
}
