import type { KeyObject } from 'node:crypto';
import { DEFAULT_BOT_KEY_ID, RELAY_ID_PATTERN } from '../shared/relay-protocol/messages';
import { privateKeyFrom, publicKeyFrom } from '../shared/relay-protocol/request-signing';
import type { SettingProblem } from '../shared/setting-problem';

/** Example values for the relay settings, printed next to a problem. */
export const RELAY_EXAMPLES: Record<string, string> = {
  RELAY_KEYS:
    'aadc01=<base64 SPKI public key of the relay> (several: comma-separated, first one gets the jobs)',
  BOT_SIGNING_KEY: '<base64 PKCS#8 Ed25519 private key of the bot>',
  BOT_KEY_ID: DEFAULT_BOT_KEY_ID,
};

/**
 * How the bot talks to its on-prem relays. Keys are held as KeyObjects, which serialize to `{}`,
 * so logging a configuration can never print the bot's private key.
 */
export interface RelaySettings {
  /** Public key of each relay by relay id, in the order RELAY_KEYS lists them. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** The relay that jobs go to: the first one in RELAY_KEYS. */
  primaryRelayId: string;
  /** The bot's Ed25519 private key: it signs every job. */
  botSigningKey: KeyObject;
  botKeyId: string;
}

/** What {@link relaySettingsFrom} found: settings (undefined when no relay is configured) or problems. */
export interface RelaySettingsResult {
  settings?: RelaySettings;
  problems: SettingProblem[];
}

/**
 * Reads RELAY_KEYS, BOT_SIGNING_KEY and BOT_KEY_ID. The relay is optional: without RELAY_KEYS
 * there is none (the relay API answers 503). With RELAY_KEYS, BOT_SIGNING_KEY is required.
 */
export function relaySettingsFrom(raw: Record<string, string | undefined>): RelaySettingsResult {
  const relayKeys = raw.RELAY_KEYS?.trim();
  const signingKey = raw.BOT_SIGNING_KEY?.trim();
  const botKeyId = raw.BOT_KEY_ID?.trim() || DEFAULT_BOT_KEY_ID;
  const problems: SettingProblem[] = [];
  if (!relayKeys) {
    if (signingKey) problems.push({ name: 'RELAY_KEYS', message: 'is required when BOT_SIGNING_KEY is set' });
    return { problems };
  }
  const publicKeys = parseRelayKeys(relayKeys, problems);
  const botSigningKey = parseSigningKey(signingKey, problems);
  if (!RELAY_ID_PATTERN.test(botKeyId)) {
    problems.push({ name: 'BOT_KEY_ID', message: 'must be letters, digits, ".", "_" or "-" (at most 64)' });
  }
  if (problems.length > 0 || !botSigningKey || publicKeys.size === 0) return { problems };
  const primaryRelayId = [...publicKeys.keys()][0];
  return { settings: { publicKeys, primaryRelayId, botSigningKey, botKeyId }, problems };
}

function parseRelayKeys(text: string, problems: SettingProblem[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const relayId = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!RELAY_ID_PATTERN.test(relayId)) {
      problems.push({ name: 'RELAY_KEYS', message: 'each entry must be relayId=<base64 SPKI public key>' });
      continue;
    }
    if (keys.has(relayId)) {
      problems.push({ name: 'RELAY_KEYS', message: `relay "${relayId}" is listed twice` });
      continue;
    }
    const key = ed25519(() => publicKeyFrom(entry.slice(eq + 1)));
    if (!key) {
      problems.push({ name: 'RELAY_KEYS', message: `the key of "${relayId}" is not an Ed25519 SPKI key` });
      continue;
    }
    keys.set(relayId, key);
  }
  if (keys.size === 0 && problems.length === 0) {
    problems.push({ name: 'RELAY_KEYS', message: 'lists no relay' });
  }
  return keys;
}

function parseSigningKey(text: string | undefined, problems: SettingProblem[]): KeyObject | undefined {
  if (!text) {
    problems.push({ name: 'BOT_SIGNING_KEY', message: 'is required when RELAY_KEYS is set' });
    return undefined;
  }
  const key = ed25519(() => privateKeyFrom(text));
  if (!key) problems.push({ name: 'BOT_SIGNING_KEY', message: 'is not an Ed25519 PKCS#8 private key' });
  return key;
}

/** The key `parse` returns when it is an Ed25519 key; undefined when it throws or is another type. */
function ed25519(parse: () => KeyObject): KeyObject | undefined {
  try {
    const key = parse();
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}
