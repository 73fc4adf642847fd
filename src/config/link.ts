import { z } from 'zod';
import { emptyToUndefined, integer, optional } from '../shared/env-schema';

/** Example values for the link settings, printed next to a problem. */
export const LINK_EXAMPLES: Record<string, string> = {
  LINK_REQUEST_TTL_HOURS: '24',
  LINK_VERIFY_TIMEOUT_SECONDS: '900',
  LINK_VERIFY_INTERVAL_SECONDS: '10',
  LINK_RUN_LEASE_SECONDS: '60',
  LINK_CYCLE_WAIT_SECONDS: '300',
  AUDIT_RETENTION_DAYS: '365',
  UPN_SUFFIX_MAP: 'corp.local=contoso.com,ad.fabrikam.com=fabrikam.com',
  TWIN_PARKING_OU: 'OU=Anchor parking,DC=corp,DC=contoso,DC=com',
  TWIN_ADMIN_WAIT_MINUTES: '120',
  TWIN_SYNC_WAIT_MINUTES: '30',
  TWIN_POLL_SECONDS: '30',
};

/** How link requests wait and how a run checks its result. */
export interface LinkSettings {
  /** A pending request not decided within this time expires. */
  requestTtlMs: number;
  /** How long a run waits for Entra Connect to take the cloud user over after the delta cycle. */
  verifyTimeoutMs: number;
  /** How often Graph is asked whether the user is synced yet. */
  verifyIntervalMs: number;
  /** How long a run waits after the pause for a sync cycle that was already running to end. */
  cycleWaitMs: number;
  /** How long a running link stays owned by its instance without renewal before another takes over. */
  runLeaseMs: number;
  /** Audit entries older than this many days are dropped, a whole day at a time. */
  auditRetentionDays: number;
  /** UPN_SUFFIX_MAP: AD UPN suffix → cloud domain, lower-case, for pair matching. */
  upnSuffixMap: ReadonlyMap<string, string>;
  /** The synced-twin fix (issue 18). */
  twin: TwinFixSettings;
}

/** How a synced-twin fix parks the AD user and how long its steps wait. */
export interface TwinFixSettings {
  /** TWIN_PARKING_OU: where step 1 asks the admin to move the AD user; unset, Anchor picks an OU outside LDAP_SYNC_OUS. */
  parkingOu?: string;
  /** Steps 1 and 5: how long Anchor waits for the admin to move the AD user. */
  adminWaitMs: number;
  /** Steps 2 and 6: how long Anchor waits for a delta cycle and Graph to show its result. */
  syncWaitMs: number;
  /** Between two looks while a step waits. */
  pollMs: number;
}

/** A DNS name: dot-separated labels of letters, digits and inner hyphens. */
const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * `corp.local=contoso.com,…` as a map. Each entry must be `suffix=domain` with two DNS names, and a
 * suffix may appear once: an ambiguous map would match people across the wrong domains.
 */
export const upnSuffixMap = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      const map = new Map<string, string>();
      const entries = (text ?? '').split(',').map((e) => e.trim());
      entries.forEach((raw, i) => {
        if (!raw) return; // unset, or a stray comma
        const [suffix, domain, extra] = raw
          .toLowerCase()
          .split('=')
          .map((p) => p.trim().replace(/^@/, ''));
        const entry = `entry ${i + 1} of ${entries.length}`;
        if (extra !== undefined || !suffix || !domain || !DNS_NAME.test(suffix) || !DNS_NAME.test(domain)) {
          ctx.addIssue({
            code: 'custom',
            message: `${entry} is not "AD UPN suffix=cloud domain" (two DNS names)`,
          });
        } else if (map.has(suffix)) {
          ctx.addIssue({ code: 'custom', message: `${entry} maps an AD suffix that an earlier entry maps` });
        } else map.set(suffix, domain);
      });
      return map;
    }),
);

/** The link settings; every one has a default. */
export const linkSchema = z.object({
  LINK_REQUEST_TTL_HOURS: integer(1, 24 * 14, 24),
  // A delta cycle on a large directory takes minutes; the export to Entra ID a little longer.
  LINK_VERIFY_TIMEOUT_SECONDS: integer(10, 3 * 3600, 900),
  LINK_VERIFY_INTERVAL_SECONDS: integer(1, 300, 10),
  LINK_RUN_LEASE_SECONDS: integer(3, 600, 60),
  // Must stay well below the relay's pause lease (RELAY_PAUSE_LEASE_MS, 15 minutes by default).
  LINK_CYCLE_WAIT_SECONDS: integer(10, 3 * 3600, 600),
  AUDIT_RETENTION_DAYS: integer(1, 3650, 365),
  UPN_SUFFIX_MAP: upnSuffixMap,
  // A DN; checked against LDAP_SYNC_OUS when a fix is planned (inside the scope, the plan is ✗).
  TWIN_PARKING_OU: z.preprocess(
    emptyToUndefined,
    z.string().trim().regex(/^OU=/i, 'an OU DN, e.g. OU=Anchor parking,DC=corp,DC=contoso,DC=com').optional(),
  ),
  // The admin moves the AD user by hand, maybe after a change window: two hours by default.
  TWIN_ADMIN_WAIT_MINUTES: integer(1, 7 * 24 * 60, 120),
  TWIN_SYNC_WAIT_MINUTES: integer(1, 24 * 60, 30),
  // Unset: 30 s in production; the demo looks every 2 s so a move shows while you watch.
  TWIN_POLL_SECONDS: optional(z.coerce.number().int().min(1).max(600)),
});

/** How often a twin fix looks when TWIN_POLL_SECONDS is unset, by mode. */
export const DEFAULT_TWIN_POLL_SECONDS = { production: 30, demo: 2 } as const;

/** Converts the validated variables to {@link LinkSettings}. */
export function linkSettingsFrom(
  env: z.infer<typeof linkSchema>,
  mode: keyof typeof DEFAULT_TWIN_POLL_SECONDS = 'production',
): LinkSettings {
  return {
    requestTtlMs: env.LINK_REQUEST_TTL_HOURS * 3600_000,
    verifyTimeoutMs: env.LINK_VERIFY_TIMEOUT_SECONDS * 1000,
    verifyIntervalMs: env.LINK_VERIFY_INTERVAL_SECONDS * 1000,
    cycleWaitMs: env.LINK_CYCLE_WAIT_SECONDS * 1000,
    runLeaseMs: env.LINK_RUN_LEASE_SECONDS * 1000,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    upnSuffixMap: env.UPN_SUFFIX_MAP,
    twin: {
      ...(env.TWIN_PARKING_OU ? { parkingOu: env.TWIN_PARKING_OU } : {}),
      adminWaitMs: env.TWIN_ADMIN_WAIT_MINUTES * 60_000,
      syncWaitMs: env.TWIN_SYNC_WAIT_MINUTES * 60_000,
      pollMs: (env.TWIN_POLL_SECONDS ?? DEFAULT_TWIN_POLL_SECONDS[mode]) * 1000,
    },
  };
}
