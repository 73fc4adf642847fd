import { generateSigningKeyPair } from '../shared/relay-protocol/request-signing';
import { DEFAULT_BOT_KEY_ID, RELAY_ID_PATTERN } from '../shared/relay-protocol/messages';

/** Options of {@link keygenText}. */
export interface KeygenOptions {
  relayId: string;
  botKeyId: string;
}

/** Reads `--relay-id X` and `--bot-key-id Y` from the arguments after `keygen`. */
export function keygenOptions(args: string[]): KeygenOptions {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const relayId = value('--relay-id') ?? 'relay-1';
  const botKeyId = value('--bot-key-id') ?? DEFAULT_BOT_KEY_ID;
  for (const [flag, v] of [
    ['--relay-id', relayId],
    ['--bot-key-id', botKeyId],
  ] as const) {
    if (!RELAY_ID_PATTERN.test(v)) {
      throw new Error(
        `${flag} must be 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit`,
      );
    }
  }
  return { relayId, botKeyId };
}

/**
 * Two new Ed25519 key pairs (the relay's and the bot's) and exactly which value goes into which
 * setting. Each private key is printed once, for one side only; the other side gets the public key.
 */
export function keygenText(options: KeygenOptions): string {
  const relay = generateSigningKeyPair();
  const bot = generateSigningKeyPair();
  return [
    'Anchor relay keys: two new Ed25519 key pairs. Nothing secret ever travels between the two sides:',
    "each side keeps its own private key and gets the other side's public key.",
    '',
    '1) On the BOT (App Service configuration, or .env of the bot):',
    '',
    `   RELAY_KEYS=${options.relayId}=${relay.publicKey}`,
    `   BOT_SIGNING_KEY=${bot.privateKey}`,
    `   BOT_KEY_ID=${options.botKeyId}`,
    '',
    '   (RELAY_KEYS takes a comma-separated list: append ",<relay id>=<public key>" for another relay.)',
    '',
    '2) On the RELAY (the service environment on the Entra Connect server; see infra/relay/README.md):',
    '',
    `   RELAY_ID=${options.relayId}`,
    `   RELAY_PRIVATE_KEY=${relay.privateKey}`,
    `   RELAY_BOT_PUBLIC_KEY=${bot.publicKey}`,
    `   RELAY_BOT_KEY_ID=${options.botKeyId}`,
    '',
    'BOT_SIGNING_KEY and RELAY_PRIVATE_KEY are private keys: paste each only where shown, keep them out',
    'of chat, tickets and source control, and clear this terminal afterwards. If the bot already has a',
    'BOT_SIGNING_KEY, keep it and give the relay its public key instead of the new one.',
    '',
  ].join('\n');
}
