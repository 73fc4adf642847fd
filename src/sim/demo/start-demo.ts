import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/create-app';
import type { AnchorConfig } from '../../config/load-config';
import type { Logger } from '../../shared/logger';
import { DEFAULT_BOT_KEY_ID } from '../../shared/relay-protocol/messages';
import type { RelaySettings } from '../../config/relay';
import { DemoDirectory } from './demo-directory';
import type { DirectoryService } from '../../shared/directory/ad-directory';
import { LdapDirectory } from '../../shared/directory/ldap-directory';
import { AD_VIEW_ENV } from '../adsync-host/graph-sync';
import { keepAdViewCurrent } from './ad-view';
import { startDemoAdControl } from './demo-ad-control';
import { createGraphServices } from '../../services/entra/graph-services';
import { createStateStore } from '../../services/state/state-store-factory';
import {
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
} from '../../shared/relay-protocol/request-signing';
import { demoGraphSeed } from './demo-graph-seed';
import { withDemoTeams } from './demo-teams';
import {
  DEMO_PARKING_OU,
  DEMO_SYNC_OUS,
  DEMO_TENANT,
  demoDirectoryUsers,
  demoTeamsUsers,
} from './demo-tenant';
import { adsyncStatePath, ldapEnvOf, startDemoRelay } from './demo-relay';
import { writeDemoControls } from './demo-controls';
import { GraphSimulator } from '../graph/graph-simulator';
import { startPlayground } from './playground';
import type { PlaygroundInstance, PlaygroundUser } from './playground';

/** A running demo: URLs to open, and how to stop it all. */
export interface DemoHandle {
  botUrl: string;
  graphUrl: string;
  /** Where the demo reads AD: in memory, a DC directly, or a DC through its relay. */
  directory: string;
  requesterUrl: string;
  approverUrl: string;
  /** Keys for a demo relay; null when RELAY_KEYS configured the relay (its keys are the admin's). */
  relay: DemoRelayKeys | null;
  stop(): Promise<void>;
}

/**
 * The ephemeral keys demo mode made for its relay: what the relay needs to talk to this bot. The
 * relay's private key is behind a method so logging the handle cannot print it.
 */
export interface DemoRelayKeys {
  relayId: string;
  botKeyId: string;
  /** The bot's public key (base64 SPKI), for RELAY_BOT_PUBLIC_KEY. */
  botPublicKey: string;
  /** The relay's public key (base64 SPKI), as RELAY_KEYS holds it. */
  relayPublicKey: string;
  /** The relay's private key (base64 PKCS#8), for RELAY_PRIVATE_KEY. */
  relayPrivateKey(): string;
}

/** The relay id demo mode gives its relay. */
export const DEMO_RELAY_ID = 'relay-demo';

/** New key pairs for the bot and one demo relay, and the relay settings that trust that relay. */
export function demoRelayKeys(): { settings: RelaySettings; keys: DemoRelayKeys } {
  const bot = generateSigningKeyPair();
  const relay = generateSigningKeyPair();
  const settings: RelaySettings = {
    publicKeys: new Map([[DEMO_RELAY_ID, publicKeyFrom(relay.publicKey)]]),
    primaryRelayId: DEMO_RELAY_ID,
    botSigningKey: privateKeyFrom(bot.privateKey),
    botKeyId: DEFAULT_BOT_KEY_ID,
  };
  const keys: DemoRelayKeys = {
    relayId: DEMO_RELAY_ID,
    botKeyId: DEFAULT_BOT_KEY_ID,
    botPublicKey: bot.publicKey,
    relayPublicKey: relay.publicKey,
    relayPrivateKey: () => relay.privateKey,
  };
  return { settings, keys };
}

/**
 * Runs the whole demo on loopback: the Graph simulator seeded with the demo tenant, the bot
 * with the in-memory demo directory and a relay API that trusts a generated relay key, and two
 * Agents Playground pages, one per admin.
 */
export async function startDemo(config: AnchorConfig, logger: Logger): Promise<DemoHandle> {
  const stops: (() => Promise<void>)[] = [];
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-demo-'));
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => logger.warn({ err }, 'demo stop failed'));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const graph = new GraphSimulator(withDemoTeams(demoGraphSeed(DEMO_TENANT.tenantId)));
    const graphUrl = await graph.start(config.demo.graphSimulatorPort);
    stops.push(() => graph.stop());
    const { cloud, teams } = createGraphServices(config.graph, {
      baseUrl: graphUrl,
      authorityHost: await graph.startAuthority(),
      authorityCaPem: graph.authorityCaPem,
    });

    // Without RELAY_KEYS, the demo trusts one relay whose keys are made here and live as long as the process.
    const generated = config.relay ? null : demoRelayKeys();
    const { directory, adViewFile, stopWatching } = demoDirectory(config, workDir, logger);
    stops.push(async () => stopWatching());
    // Memory unless DATA_DIR or STATE_STORE asks for more (see storageSettingsFrom()).
    const store = createStateStore(config.storage);
    logger.info({ storage: store.describe() }, 'demo state store');
    const app = createApp(
      {
        ...config,
        relay: config.relay ?? generated?.settings,
        link: demoTwinParking(config, directory instanceof DemoDirectory),
      },
      {
        ...(directory ? { directory } : {}),
        store,
        cloud,
        teams,
        ...(directory instanceof DemoDirectory && directory.syncOus
          ? { syncScopeOus: directory.syncOus }
          : {}),
      },
      logger,
    );
    const port = await app.start();
    stops.push(() => app.stop());
    const botUrl = `http://127.0.0.1:${port}`;
    if (generated) {
      const relayDir = path.join(workDir, 'relay');
      stops.push(
        startDemoRelay({
          botUrl,
          keys: generated.keys,
          workDir: relayDir,
          logger,
          sync: adViewFile ? { graphUrl, adViewFile } : undefined,
          // With DIRECTORY_SOURCE=relay the relay reads the DC LDAP_URL names, as on a sync server.
          ...(config.directory.source === 'relay' ? { env: ldapEnvOf(process.env) } : {}),
        }),
      );
      // `npm run demo:ad -- move` plays the AD admin: it reaches the in-memory directory here.
      const adControl = directory instanceof DemoDirectory ? await startDemoAdControl(directory) : undefined;
      if (adControl) stops.push(() => adControl.stop());
      // `npm run demo:sync-health` and `demo:ad` find the sync server, Graph and AD through this file.
      const removeControls = writeDemoControls({
        pid: process.pid,
        adsyncStatePath: adsyncStatePath(relayDir),
        graphUrl,
        adControl: adControl && { url: adControl.url, token: adControl.token },
      });
      stops.push(async () => removeControls());
    }

    const playground = async (
      user: PlaygroundUser,
      pgPort: number,
      portSetting: string,
    ): Promise<PlaygroundInstance> => {
      const instance = await startPlayground({
        port: pgPort,
        portSetting,
        botEndpoint: `${botUrl}/api/messages`,
        tenantId: DEMO_TENANT.tenantId,
        currentUser: user,
        otherUsers: demoTeamsUsers().filter((u) => u.id !== user.id),
        workDir: path.join(workDir, user.id),
      });
      stops.push(() => instance.stop());
      return instance;
    };
    // Both settle before a failure stops the demo, so neither Playground is left starting.
    const [requester, approver] = await allOrFirstError([
      playground(DEMO_TENANT.requester, config.demo.requesterPlaygroundPort, 'PLAYGROUND_REQUESTER_PORT'),
      playground(DEMO_TENANT.approver, config.demo.approverPlaygroundPort, 'PLAYGROUND_APPROVER_PORT'),
    ]);
    return {
      botUrl,
      graphUrl,
      directory: demoDirectoryText(config),
      requesterUrl: requester.url,
      approverUrl: approver.url,
      relay: generated?.keys ?? null,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits for every promise; then resolves with all values, or rejects with the first failure. */
async function allOrFirstError<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * The demo's AD: the in-memory demo directory, or a real domain controller when LDAP_URL is set
 * (tests run the demo against Samba). The stand-in ADSync host exports an AD view to the Graph
 * simulator on each delta: written here from the demo directory, and again at each change of it (a
 * user moved to another OU), so every delta exports the directory as it is; or taken from
 * ADSYNC_SIM_AD_VIEW with a real DC, whose users the demo cannot enumerate.
 */
function demoDirectory(
  config: AnchorConfig,
  workDir: string,
  logger: Logger,
): { directory: DirectoryService | undefined; adViewFile: string | undefined; stopWatching: () => void } {
  if (config.ldap) {
    const adViewFile = process.env[AD_VIEW_ENV] || undefined;
    if (!adViewFile)
      logger.warn(
        `demo against ${config.ldap.url}: no ${AD_VIEW_ENV}, so a delta sync changes nothing in Graph`,
      );
    // Through the relay, the bot reads no DC itself: the relay does (startDemoRelay gets LDAP_*).
    const directory = config.directory.source === 'relay' ? undefined : new LdapDirectory(config.ldap);
    return { directory, adViewFile, stopWatching: () => {} };
  }
  const directory = new DemoDirectory(demoDirectoryUsers(), config.sourceAnchor, DEMO_SYNC_OUS);
  const adViewFile = path.join(workDir, 'ad-view.json');
  mkdirSync(workDir, { recursive: true });
  const stopWatching = keepAdViewCurrent(directory, adViewFile, () =>
    logger.info({ adViewFile }, 'demo AD changed: the next delta exports it'),
  );
  return { directory, adViewFile, stopWatching };
}

/**
 * The demo AD's parking OU for the synced-twin fix: `OU=Unsynced`, where an admin of that
 * directory keeps what Entra Connect must not see. Left to TWIN_PARKING_OU, or to Anchor's own
 * choice, when the demo reads another directory (Samba in the e2e tests).
 */
function demoTwinParking(config: AnchorConfig, demoAd: boolean): AnchorConfig['link'] {
  if (!demoAd || config.link.twin.parkingOu) return config.link;
  return { ...config.link, twin: { ...config.link.twin, parkingOu: DEMO_PARKING_OU } };
}

/** The banner's line about AD: where the demo reads it (DIRECTORY_SOURCE, LDAP_URL). */
function demoDirectoryText(config: AnchorConfig): string {
  const url = config.ldap?.url;
  if (config.directory.source === 'relay')
    return `through the relay, which reads ${url ?? 'its own LDAP_URL'}`;
  if (url) return `${url}, read directly (DIRECTORY_SOURCE=relay reads it through the relay)`;
  return 'the demo tenant, in memory (set LDAP_URL for a real domain controller)';
}
