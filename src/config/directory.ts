import type { SettingProblem } from '../shared/setting-problem';
import { syncScopeOusFrom } from '../shared/directory/ldap-settings';

/**
 * Where the bot's AD reads run:
 * - `ldap`: the bot reads a domain controller itself over LDAPS or StartTLS (LDAP_*), which needs a
 *   network path from where Anchor runs to the DCs;
 * - `relay`: the relay on the Entra Connect server reads AD next to a DC and answers over its one
 *   outbound connection (issue 19);
 * - `demo`: the demo's in-memory AD.
 */
export type DirectorySource = 'ldap' | 'relay' | 'demo';

/** The directory settings every placement shares. */
export interface DirectorySettings {
  source: DirectorySource;
  /** LDAP_SYNC_OUS: the OUs Entra Connect syncs (empty: the whole base DN), whoever reads AD. */
  syncScopeOus: string[];
}

/** Example values for these settings, printed next to a problem. */
export const DIRECTORY_SOURCE_EXAMPLES: Record<string, string> = {
  DIRECTORY_SOURCE: 'relay (AD read by the relay on the Entra Connect server) or ldap (read directly)',
};

/** What {@link directorySettingsFrom} found. */
export interface DirectorySettingsResult {
  settings: DirectorySettings;
  problems: SettingProblem[];
}

/**
 * Reads DIRECTORY_SOURCE. Production defaults to `relay` when a relay is configured and LDAP_URL is
 * not set (nothing inbound, no VPN), otherwise `ldap`; the demo to its in-memory AD, or `ldap` when
 * LDAP_URL points it at a real DC. With `relay` in production the bot holds no LDAP password.
 */
export function directorySettingsFrom(
  env: Record<string, string | undefined>,
  mode: 'demo' | 'production',
  relayConfigured: boolean,
): DirectorySettingsResult {
  const problems: SettingProblem[] = [];
  const raw = env.DIRECTORY_SOURCE?.trim().toLowerCase() || undefined;
  const ldapUrl = env.LDAP_URL?.trim() || undefined;
  const syncScopeOus = syncScopeOusFrom(env.LDAP_SYNC_OUS);
  if (raw !== undefined && raw !== 'ldap' && raw !== 'relay') {
    problems.push({ name: 'DIRECTORY_SOURCE', message: 'must be ldap or relay' });
    return { settings: { source: ldapUrl ? 'ldap' : 'demo', syncScopeOus }, problems };
  }
  const source: DirectorySource =
    raw ??
    (mode === 'production' ? (relayConfigured && !ldapUrl ? 'relay' : 'ldap') : ldapUrl ? 'ldap' : 'demo');
  if (source === 'relay') problems.push(...relaySourceProblems(env, mode, relayConfigured));
  return { settings: { source, syncScopeOus }, problems };
}

function relaySourceProblems(
  env: Record<string, string | undefined>,
  mode: 'demo' | 'production',
  relayConfigured: boolean,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (mode === 'production' && !relayConfigured) {
    problems.push({
      name: 'DIRECTORY_SOURCE',
      message: 'is relay, but no relay is configured: set RELAY_KEYS and BOT_SIGNING_KEY, or use ldap',
    });
  }
  if (mode === 'production' && env.LDAP_BIND_PASSWORD?.trim()) {
    // An unused Tier-0 read password in the cloud app's settings is a risk with no purpose.
    problems.push({
      name: 'LDAP_BIND_PASSWORD',
      message: 'is not used with DIRECTORY_SOURCE=relay (the relay reads AD with its own account); remove it',
    });
  }
  if (mode === 'demo' && !relayConfigured && !env.LDAP_URL?.trim()) {
    problems.push({
      name: 'DIRECTORY_SOURCE',
      message: 'is relay, which in the demo needs LDAP_URL (a real DC for the demo relay to read)',
    });
  }
  return problems;
}
