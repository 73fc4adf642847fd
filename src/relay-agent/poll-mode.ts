import type { Logger } from 'pino';

/** Options of {@link PollMode}. */
export interface PollModeOptions {
  /** RELAY_LONG_POLL_SECONDS: how long the bot may hold a poll; 0 turns long polling off. */
  longPollSeconds: number;
  /** Cuts in a row after which the relay falls back to short polls. */
  cutsBeforeFallback?: number;
  /** How long it then polls short before trying long polls again. */
  fallbackMs?: number;
  logger: Logger;
}

/** How the relay polls right now: held by the bot, short by setting, or short after repeated cuts. */
export type PollModeName = 'long' | 'short' | 'short-after-cuts';

/**
 * Whether the next poll asks the bot to hold it. Something between the relay and the bot (a proxy,
 * a firewall, a load balancer) may close a request that stays silent for a while; each such cut is
 * an empty poll, not an error. After `cutsBeforeFallback` cuts in a row the relay polls short (as
 * before long polling) for `fallbackMs`, then tries long polls again: a path that cuts them costs
 * a few wasted polls an hour, never an outage.
 */
export class PollMode {
  private cuts = 0;
  /** The shortest time a poll of the current run of cuts was held before it was cut. */
  private shortestCutMs = Infinity;
  private fallbackUntil = 0;
  private warned = false;

  constructor(private readonly options: PollModeOptions) {}

  /** The mode at `now`. */
  mode(now: number = Date.now()): PollModeName {
    if (this.options.longPollSeconds <= 0) return 'short';
    return now < this.fallbackUntil ? 'short-after-cuts' : 'long';
  }

  /** Seconds to ask the bot to hold the next poll; 0 for a short poll. */
  waitSeconds(now: number = Date.now()): number {
    return this.mode(now) === 'long' ? this.options.longPollSeconds : 0;
  }

  /**
   * The bot answered a long poll held `heldMs`. Only one held past the point where polls were cut
   * shows the path carries them: a job that comes sooner says nothing about the cuts, and jobs
   * every few seconds must not keep a path that cuts every poll from falling back.
   */
  answered(heldMs: number): void {
    if (heldMs < this.shortestCutMs) return;
    this.cuts = 0;
    this.shortestCutMs = Infinity;
  }

  /** A long poll was cut after `heldMs`; after enough cuts in a row, polls go short for a while. */
  cut(heldMs: number, reason: string, now: number = Date.now()): void {
    this.cuts++;
    this.shortestCutMs = Math.min(this.shortestCutMs, heldMs);
    const { logger } = this.options;
    logger.debug({ heldMs, cuts: this.cuts, reason }, 'a held poll was cut; polling again');
    if (this.cuts < (this.options.cutsBeforeFallback ?? 3)) return;
    const fallbackMs = this.options.fallbackMs ?? 10 * 60_000;
    this.fallbackUntil = now + fallbackMs;
    const details = { cuts: this.cuts, heldMs, reason, shortPollMinutes: Math.round(fallbackMs / 60_000) };
    this.cuts = 0;
    this.shortestCutMs = Infinity;
    // Once: a proxy that cuts every held poll would otherwise say the same thing every ten minutes.
    if (this.warned) {
      logger.debug(details, 'held polls are still cut; polling short again for a while');
      return;
    }
    this.warned = true;
    logger.warn(
      details,
      'held polls are cut before the bot answers them (a proxy or firewall closing idle requests?); ' +
        'polling short for a while, then trying long polls again. Set RELAY_LONG_POLL_SECONDS below ' +
        'the idle limit of that proxy, or 0 to always poll short',
    );
  }
}
