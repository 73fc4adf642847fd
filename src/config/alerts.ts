import { z } from 'zod';
import { integer, optional } from '../shared/env-schema';

/** Example values for the sync-health settings, printed next to a problem. */
export const ALERT_EXAMPLES: Record<string, string> = {
  SYNC_HEALTH_INTERVAL_SECONDS: '300',
  PHS_SILENCE_MINUTES: '120',
  SYNC_SILENCE_MINUTES: '90',
  RELAY_SILENCE_MINUTES: '10',
  ALERT_REMIND_HOURS: '4',
  HEARTBEAT_WATCH_MINUTES: '35',
};

/** How the sync-health monitor reads and when it alerts. */
export interface AlertSettings {
  /** How often one instance reads the sync health. */
  intervalMs: number;
  /** No password hash sync heartbeat for longer than this opens an incident (Connect Health: 120 min). */
  phsSilenceMs: number;
  /** No directory sync for longer than this opens an incident (the scheduler runs every 30 min). */
  syncSilenceMs: number;
  /** No poll from the relay for longer than this opens an incident. */
  relaySilenceMs: number;
  /** An incident still open this long after the admins were last told is reminded. */
  remindMs: number;
  /** How long Anchor watches for the next heartbeat after a restart or a full password sync. */
  heartbeatWatchMs: number;
}

/** The sync-health settings; every one has a default. */
export const alertSchema = z.object({
  // Unset: 300 s in production; the demo reads every 15 s so an alert shows while you watch.
  SYNC_HEALTH_INTERVAL_SECONDS: optional(z.coerce.number().int().min(5).max(3600)),
  PHS_SILENCE_MINUTES: integer(1, 7 * 24 * 60, 120),
  SYNC_SILENCE_MINUTES: integer(1, 7 * 24 * 60, 90),
  RELAY_SILENCE_MINUTES: integer(1, 24 * 60, 10),
  ALERT_REMIND_HOURS: integer(1, 7 * 24, 4),
  // The heartbeat comes every 30 minutes; a restart should bring one within one period.
  HEARTBEAT_WATCH_MINUTES: integer(1, 24 * 60, 35),
});

/** The monitor's interval when SYNC_HEALTH_INTERVAL_SECONDS is unset, by mode. */
export const DEFAULT_INTERVAL_SECONDS = { production: 300, demo: 15 } as const;

/** Converts the validated variables to {@link AlertSettings}. */
export function alertSettingsFrom(
  env: z.infer<typeof alertSchema>,
  mode: keyof typeof DEFAULT_INTERVAL_SECONDS,
): AlertSettings {
  return {
    intervalMs: (env.SYNC_HEALTH_INTERVAL_SECONDS ?? DEFAULT_INTERVAL_SECONDS[mode]) * 1000,
    phsSilenceMs: env.PHS_SILENCE_MINUTES * 60_000,
    syncSilenceMs: env.SYNC_SILENCE_MINUTES * 60_000,
    relaySilenceMs: env.RELAY_SILENCE_MINUTES * 60_000,
    remindMs: env.ALERT_REMIND_HOURS * 3600_000,
    heartbeatWatchMs: env.HEARTBEAT_WATCH_MINUTES * 60_000,
  };
}
