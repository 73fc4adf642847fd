import path from 'node:path';
import { generateSigningKeyPair } from '../../src/shared/relay-protocol/request-signing';
import { STATE_ENV } from '../../src/sim/adsync-host/state';
import { STAND_IN_PWSH } from '../../src/sim/demo/demo-relay';
import { AnchorProcess } from './anchor-process';

/** The relay id the bot-instance tests pair their bots and relay under. */
export const TEST_RELAY_ID = 'aadc01';

/** Key pairs for a bot and its relay, and the bot's settings that trust that relay. */
export function relayPairing() {
  const bot = generateSigningKeyPair();
  const relay = generateSigningKeyPair();
  return {
    bot,
    relay,
    /** What a bot process needs in its environment to trust the relay and sign jobs. */
    botEnv: { RELAY_KEYS: `${TEST_RELAY_ID}=${relay.publicKey}`, BOT_SIGNING_KEY: bot.privateKey },
  };
}

/**
 * Starts the real relay (`src/relay-agent/main.ts`) polling `botUrl` and driving the stand-in ADSync host,
 * its files in `dir` (the stand-in's state in `adsyncStatePath`).
 */
export function startRelayProcess(
  botUrl: string,
  pairing: ReturnType<typeof relayPairing>,
  dir: string,
  adsyncStatePath: string,
  extraEnv: Record<string, string> = {},
): AnchorProcess {
  return AnchorProcess.start(
    {
      RELAY_ID: TEST_RELAY_ID,
      RELAY_BOT_URL: botUrl,
      RELAY_PRIVATE_KEY: pairing.relay.privateKey,
      RELAY_BOT_PUBLIC_KEY: pairing.bot.publicKey,
      RELAY_POLL_INTERVAL_MS: '300',
      RELAY_PWSH: STAND_IN_PWSH,
      RELAY_IDLE_CONFIRM_MS: '200',
      RELAY_STATE_FILE: path.join(dir, 'relay-state.json'),
      [STATE_ENV]: adsyncStatePath,
      ...extraEnv,
    },
    'src/relay-agent/main.ts',
  );
}
