import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { emptyToUndefined, integer, logLevel, stripTrailingSlash } from '../shared/env-schema';
import { isHttpsOrLoopback } from '../shared/secure-url';
import { PROJECT_ROOT } from '../shared/paths';
import type { SettingProblem } from '../shared/setting-problem';
import type { LdapOptions } from '../shared/directory/ldap-options';
import { ldapOptionsFrom, ldapSchema } from '../shared/directory/ldap-settings';
import { privateKeyFrom, publicKeyFrom } from '../shared/relay-protocol/request-signing';
import {
  DEFAULT_BOT_KEY_ID,
  MAX_POLL_WAIT_SECONDS,
  RELAY_ID_PATTERN,
} from '../shared/relay-protocol/messages';

/** Validated settings of one relay process. Keys are parsed objects: their text is never kept. */
export interface RelayConfig {
  relayId: string;
  /** The bot's origin (and optional base path), without a trailing slash. */
  botUrl: string;
  privateKey: KeyObject;
  botPublicKey: KeyObject;
  botKeyId: string;
  pollIntervalMs: number;
  /** How long the bot may hold each poll until a job comes (long polling); 0: poll every interval. */
  longPollSeconds: number;
  pauseLeaseMs: number;
  operationTimeoutMs: number;
  deltaDeadlineMs: number;
  /** Wait between two delta attempts while Entra Connect answers "AAD is busy". */
  busyRetryMs: number;
  /** How often one resume sends Set-ADSyncScheduler -SyncCycleEnabled $true until it reads back enabled. */
  resumeAttempts: number;
  /** Wait between two attempts of one resume. */
  resumeRetryMs: number;
  /** While a resume the relay owes has not taken (lease ran out, or Anchor's resume did not take): retry interval. */
  leaseRetryMs: number;
  /**
   * The PowerShell executable: a name looked up on PATH, or a full path. Windows PowerShell 5.1 on
   * Windows unless RELAY_PWSH says otherwise.
   */
  pwsh: string;
  /** How long `Restart-Service ADSync` may take before its shell is killed. */
  restartTimeoutMs: number;
  /** Reads in a row that must show no sync cycle before the relay reports none runs. */
  idleConfirmReads: number;
  /** Wait between two of those reads. */
  idleConfirmMs: number;
  stateFile: string;
  /** Extra certificate authorities to trust for the bot's TLS certificate (PEM). */
  ca?: Buffer;
  /**
   * The domain controller the relay reads for the bot (LDAP_* settings, as on the bot); undefined
   * when LDAP_URL is not set, and directory jobs then fail saying so. Sync scope and source anchor
   * come with each job from the bot.
   */
  directory?: LdapOptions;
  logLevel: string;
}

/** Thrown when the environment does not describe a runnable relay; names every bad setting. */
export class RelayConfigError extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super(
      'The Anchor relay cannot start:\n' +
        problems.map((p) => `  - ${p.name}: ${p.message}`).join('\n') +
        '\nRun "npm run relay:keygen" to make the key settings.',
    );
    this.name = 'RelayConfigError';
  }
}

const ms = (fallback: number, min: number) => integer(min, Number.MAX_SAFE_INTEGER, fallback);
const required = z.preprocess(emptyToUndefined, z.string({ error: 'is required' }).trim().min(1));

const schema = z.object({
  RELAY_ID: required.pipe(
    z
      .string()
      .regex(
        RELAY_ID_PATTERN,
        'must be 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit',
      ),
  ),
  RELAY_BOT_URL: required,
  RELAY_PRIVATE_KEY: required,
  RELAY_BOT_PUBLIC_KEY: required,
  RELAY_BOT_KEY_ID: z.preprocess(emptyToUndefined, z.string().default(DEFAULT_BOT_KEY_ID)),
  RELAY_POLL_INTERVAL_MS: ms(1000, 100),
  // 25 s: under the idle limits of common proxies and load balancers (60 s and more).
  RELAY_LONG_POLL_SECONDS: integer(0, MAX_POLL_WAIT_SECONDS, 25),
  RELAY_PAUSE_LEASE_MS: ms(900_000, 1000),
  RELAY_OPERATION_TIMEOUT_MS: ms(60_000, 100),
  RELAY_DELTA_DEADLINE_MS: ms(300_000, 0),
  RELAY_BUSY_RETRY_MS: ms(10_000, 10),
  RELAY_RESUME_ATTEMPTS: integer(1, 20, 3),
  RELAY_RESUME_RETRY_MS: ms(5000, 10),
  RELAY_LEASE_RETRY_MS: ms(30_000, 100),
  RELAY_PWSH: z.preprocess(emptyToUndefined, z.string().optional()),
  RELAY_RESTART_TIMEOUT_MS: ms(150_000, 1000),
  RELAY_IDLE_CONFIRM_READS: integer(1, 10, 3),
  RELAY_IDLE_CONFIRM_MS: ms(2000, 0),
  RELAY_STATE_FILE: z.preprocess(
    emptyToUndefined,
    z.string().default(path.join(PROJECT_ROOT, '.data', 'relay-state.json')),
  ),
  LOG_LEVEL: logLevel,
});

/**
 * The PowerShell the relay runs when RELAY_PWSH is not set: Windows PowerShell 5.1, the only one
 * Microsoft documents for the ADSync module (a .NET Framework module that PowerShell 7 loads
 * in-process, unsupported). Off Windows there is no sensible default: undefined.
 */
export function defaultPwsh(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
): string | undefined {
  if (platform !== 'win32') return undefined;
  const systemRoot = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? 'C:\\Windows';
  return path.win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

/**
 * Validates the relay's environment.
 * @param platform where the relay runs; RELAY_PWSH defaults to Windows PowerShell only on Windows.
 * @throws RelayConfigError naming every missing or invalid setting (never printing a key).
 */
export function loadRelayConfig(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): RelayConfig {
  const parsed = schema.safeParse(env);
  const problems: SettingProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ name: String(i.path[0] ?? '?'), message: messageOf(i) }));
  const note = (name: string, message: string) => {
    if (!problems.some((p) => p.name === name)) problems.push({ name, message });
  };
  // Checked on the raw values too, so one run lists every problem, not only the schema's.
  const raw = (name: string) => env[name]?.trim() || undefined;
  const botUrl = ifSet(raw('RELAY_BOT_URL'), (v) => checkBotUrl(v, note));
  const privateKey = ifSet(raw('RELAY_PRIVATE_KEY'), (v) =>
    ed25519(() => privateKeyFrom(v), 'RELAY_PRIVATE_KEY', 'private', note),
  );
  const botPublicKey = ifSet(raw('RELAY_BOT_PUBLIC_KEY'), (v) =>
    ed25519(() => publicKeyFrom(v), 'RELAY_BOT_PUBLIC_KEY', 'public', note),
  );
  const ca = ifSet(raw('RELAY_CA_FILE'), (file) => {
    try {
      return readFileSync(file);
    } catch (err) {
      note('RELAY_CA_FILE', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  });
  const directory = directoryOptions(env, note);
  const pwsh = raw('RELAY_PWSH') ?? defaultPwsh(env, platform);
  if (!pwsh) {
    note(
      'RELAY_PWSH',
      'is required off Windows (on the Entra Connect server it defaults to Windows PowerShell 5.1, ' +
        '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe)',
    );
  }
  if (!parsed.success || problems.length > 0 || !botUrl || !privateKey || !botPublicKey || !pwsh) {
    throw new RelayConfigError(problems);
  }
  const e = parsed.data;
  return {
    relayId: e.RELAY_ID,
    botUrl,
    privateKey,
    botPublicKey,
    botKeyId: e.RELAY_BOT_KEY_ID,
    pollIntervalMs: e.RELAY_POLL_INTERVAL_MS,
    longPollSeconds: e.RELAY_LONG_POLL_SECONDS,
    pauseLeaseMs: e.RELAY_PAUSE_LEASE_MS,
    operationTimeoutMs: e.RELAY_OPERATION_TIMEOUT_MS,
    deltaDeadlineMs: e.RELAY_DELTA_DEADLINE_MS,
    busyRetryMs: e.RELAY_BUSY_RETRY_MS,
    resumeAttempts: e.RELAY_RESUME_ATTEMPTS,
    resumeRetryMs: e.RELAY_RESUME_RETRY_MS,
    leaseRetryMs: e.RELAY_LEASE_RETRY_MS,
    pwsh,
    restartTimeoutMs: e.RELAY_RESTART_TIMEOUT_MS,
    idleConfirmReads: e.RELAY_IDLE_CONFIRM_READS,
    idleConfirmMs: e.RELAY_IDLE_CONFIRM_MS,
    stateFile: path.resolve(e.RELAY_STATE_FILE),
    ca,
    directory,
    logLevel: e.LOG_LEVEL,
  };
}

/** The LDAP settings, read with the bot's own rules, when LDAP_URL is set. */
function directoryOptions(
  env: Record<string, string | undefined>,
  note: (name: string, message: string) => void,
): LdapOptions | undefined {
  if (!env.LDAP_URL?.trim()) {
    const stray = ['LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'].find((name) => env[name]?.trim());
    if (stray) note('LDAP_URL', `is required when ${stray} is set (the domain controller the relay reads)`);
    return undefined;
  }
  const parsed = ldapSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) note(String(issue.path[0] ?? '?'), messageOf(issue));
    return undefined;
  }
  return ldapOptionsFrom(parsed.data, 'auto');
}

function ifSet<T>(value: string | undefined, check: (v: string) => T | undefined): T | undefined {
  return value === undefined ? undefined : check(value);
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'is required';
  if (issue.code === 'too_small') return `must be at least ${String(issue.minimum)}`;
  // Zod's own messages for these checks do not echo the input, so they are safe to show.
  return issue.message;
}

/** The bot must be reached over HTTPS; plain HTTP only to a bot on the same machine (tests, demo). */
function checkBotUrl(value: string, note: (name: string, message: string) => void): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    note('RELAY_BOT_URL', 'is not a URL (example: https://anchor.contoso.com)');
    return undefined;
  }
  if (!isHttpsOrLoopback(url)) {
    note('RELAY_BOT_URL', 'must use https (http is allowed only for a bot on loopback)');
    return undefined;
  }
  if (url.search || url.hash || url.username || url.password) {
    note('RELAY_BOT_URL', 'must not carry a query, fragment or credentials');
    return undefined;
  }
  return `${url.origin}${stripTrailingSlash(url.pathname)}`;
}

function ed25519(
  parse: () => KeyObject,
  name: string,
  kind: 'private' | 'public',
  note: (name: string, message: string) => void,
): KeyObject | undefined {
  const form = kind === 'private' ? 'base64 PKCS#8' : 'base64 SPKI';
  try {
    const key = parse();
    if (key.asymmetricKeyType === 'ed25519') return key;
    note(name, `is a ${key.asymmetricKeyType ?? 'non-Ed25519'} key; an Ed25519 ${kind} key is required`);
  } catch {
    note(name, `is not a ${form} Ed25519 ${kind} key`);
  }
  return undefined;
}
