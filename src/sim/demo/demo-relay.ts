import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../shared/logger';
import { PROJECT_ROOT } from '../../shared/paths';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../adsync-host/graph-sync';
import { STATE_ENV } from '../adsync-host/state';
import type { DemoRelayKeys } from './start-demo';

/** The stand-in `pwsh` that plays the Entra Connect server's ADSync module. */
export const STAND_IN_PWSH = path.join(PROJECT_ROOT, 'src', 'sim', 'adsync-host', 'bin', 'pwsh');

/** The stand-in ADSync host's state file: ADSYNC_SIM_STATE, or one in the relay's work folder. */
export function adsyncStatePath(workDir: string): string {
  return process.env[STATE_ENV] || path.join(workDir, 'adsync-state.json');
}

/** Where the demo relay runs and whom it talks to. */
export interface DemoRelayOptions {
  botUrl: string;
  keys: DemoRelayKeys;
  /** Holds the relay's lease file, the stand-in's scheduler state and the relay's log. */
  workDir: string;
  logger: Logger;
  /** Makes a delta sync run the Graph simulator's sync engine over this AD view. */
  sync?: { graphUrl: string; adViewFile: string };
  /** More settings of the relay: the LDAP_* of the DC it reads for the bot (DIRECTORY_SOURCE=relay). */
  env?: Record<string, string>;
}

/** The LDAP_* settings in `env`, for a demo relay that reads the same DC the demo was pointed at. */
export function ldapEnvOf(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('LDAP_') && !!entry[1],
    ),
  );
}

/**
 * Starts the real relay (`src/relay-agent/main.ts`) as a child process, polling the demo bot and
 * driving the stand-in ADSync host, exactly as it would run on an Entra Connect server. Returns a
 * function that stops it.
 */
export function startDemoRelay(options: DemoRelayOptions): () => Promise<void> {
  mkdirSync(options.workDir, { recursive: true });
  const logFile = path.join(options.workDir, 'relay.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'relay-agent', 'main.ts')],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RELAY_ID: options.keys.relayId,
        RELAY_BOT_URL: options.botUrl,
        RELAY_PRIVATE_KEY: options.keys.relayPrivateKey(),
        RELAY_BOT_PUBLIC_KEY: options.keys.botPublicKey,
        RELAY_BOT_KEY_ID: options.keys.botKeyId,
        RELAY_PWSH: STAND_IN_PWSH,
        // A short idle confirmation keeps the demo quick (the default, 2 s, suits a real server).
        RELAY_IDLE_CONFIRM_MS: '500',
        RELAY_STATE_FILE: path.join(options.workDir, 'relay-state.json'),
        // A state path of the caller's lets tests and demo users inject faults into the sync server.
        [STATE_ENV]: adsyncStatePath(options.workDir),
        ...(options.sync
          ? { [GRAPH_URL_ENV]: options.sync.graphUrl, [AD_VIEW_ENV]: options.sync.adViewFile }
          : {}),
        ...options.env,
      },
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code) => {
    process.removeListener('exit', killOnExit);
    if (code) options.logger.warn({ code, logFile }, 'demo relay exited');
  });
  options.logger.info({ relayId: options.keys.relayId, logFile }, 'demo relay started');
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
