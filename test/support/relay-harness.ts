import assert from 'node:assert/strict';
import path from 'node:path';
import { createApp } from '../../src/app/create-app';
import type { AnchorApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../src/sim/demo/demo-defaults';
import type { Logger } from '../../src/shared/logger';
import type { DirectoryService } from '../../src/shared/directory/ad-directory';
import type { CloudDirectory } from '../../src/services/entra/cloud-directory';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { createGraphServices } from '../../src/services/entra/graph-services';
import { MemoryStateStore } from '../../src/services/state/memory-state-store';
import type { RelayClient } from '../../src/services/relay/relay-client';
import type { RelayHealth } from '../../src/services/relay/presence';
import { generateSigningKeyPair } from '../../src/shared/relay-protocol/request-signing';
import { AdSyncSimState, STATE_ENV } from '../../src/sim/adsync-host/state';
import { STAND_IN_PWSH } from '../../src/sim/demo/demo-relay';
import { demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import type { GraphSimulator } from '../../src/sim/graph/graph-simulator';
import { AnchorProcess, freePort } from './anchor-process';
import { TEST_HEALTH_TOKEN, fetchHealth } from './health';

/** The relay id the harness pairs the bot and the relay under. */
export const HARNESS_RELAY_ID = 'aadc01';

/** What the harness runs against. */
export interface RelayHarnessOptions {
  /** A started simulator (with its authority started): the bot's Graph. */
  graph: GraphSimulator;
  /** Holds the relay's lease file and the stand-in's state file. */
  dir: string;
  logger: Logger;
  /** Extra environment for every relay this harness starts. */
  relayEnv?: Record<string, string>;
  /** Extra settings of the bot (e.g. TWIN_POLL_SECONDS). */
  botEnv?: Record<string, string>;
  /** The bot's AD (a Samba DC through LdapDirectory); the demo AD when absent. */
  directory?: DirectoryService;
  /** The OUs Entra Connect syncs, for that directory (LDAP_SYNC_OUS). */
  syncScopeOus?: readonly string[];
}

/**
 * The relay path with nothing faked, for integration tests: a real Anchor app (createApp, over
 * HTTP on loopback, Graph through the simulator) and the real relay as a child process, polling
 * it and driving the stand-in ADSync host through node-powershell.
 */
export class RelayHarness {
  readonly botKeys = generateSigningKeyPair();
  readonly relayKeys = generateSigningKeyPair();
  /** The stand-in ADSync host's state: modes to set, scheduler and history to read. */
  readonly adsync: AdSyncSimState;
  app: AnchorApp | undefined;
  /** The running app's state store (a new one each time the bot starts). */
  store = new MemoryStateStore();
  cloud: CloudDirectory | undefined;
  private relay: AnchorProcess | undefined;
  private readonly peers: AnchorApp[] = [];

  private constructor(
    private readonly options: RelayHarnessOptions,
    /** The bot's port on loopback. */
    readonly port: number,
  ) {
    this.adsync = new AdSyncSimState(path.join(options.dir, 'adsync.json'));
  }

  /** A harness with a free port; nothing started yet. */
  static async create(options: RelayHarnessOptions): Promise<RelayHarness> {
    return new RelayHarness(options, await freePort());
  }

  /** The running bot's relay client (jobs go in here, as the link workflow sends them). */
  get client(): RelayClient {
    const client = this.app?.relayClient;
    assert.ok(client, 'the bot is not running with a relay');
    return client;
  }

  /** What the relay printed so far. */
  get relayLog(): string {
    return this.relay?.text ?? '';
  }

  /** Starts the bot with the relay keys and a fresh memory store. */
  async startBot(): Promise<AnchorApp> {
    this.store = new MemoryStateStore();
    this.app = await this.startInstance(this.port);
    return this.app;
  }

  /**
   * Starts another instance of the bot on the same store (as several App Service instances share
   * one storage account); the relay does not poll it. Stopped with {@link stop}.
   */
  async startPeer(): Promise<AnchorApp> {
    const peer = await this.startInstance(await freePort());
    this.peers.push(peer);
    return peer;
  }

  private async startInstance(port: number): Promise<AnchorApp> {
    const { graph, logger } = this.options;
    const config = loadConfig(
      {
        PORT: String(port),
        RELAY_KEYS: `${HARNESS_RELAY_ID}=${this.relayKeys.publicKey}`,
        BOT_SIGNING_KEY: this.botKeys.privateKey,
        HEALTH_TOKEN: TEST_HEALTH_TOKEN,
        ...this.options.botEnv,
      },
      DEMO_DEFAULTS,
    );
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityUrl,
      authorityCaPem: graph.authorityCaPem,
    });
    this.cloud = cloud;
    const app = createApp(
      config,
      {
        directory: this.options.directory ?? new DemoDirectory(demoDirectoryUsers()),
        store: this.store,
        cloud,
        ...(this.options.syncScopeOus ? { syncScopeOus: this.options.syncScopeOus } : {}),
      },
      logger,
    );
    await app.start();
    return app;
  }

  /** Stops the bot (the relay keeps polling into the void). */
  async stopBot(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.stop();
  }

  /** Starts the relay process; `extra` adds to or overrides its environment. */
  startRelay(extra: Record<string, string> = {}): void {
    const { dir } = this.options;
    this.relay = AnchorProcess.start(
      {
        RELAY_ID: HARNESS_RELAY_ID,
        RELAY_BOT_URL: `http://127.0.0.1:${this.port}`,
        RELAY_PRIVATE_KEY: this.relayKeys.privateKey,
        RELAY_BOT_PUBLIC_KEY: this.botKeys.publicKey,
        RELAY_POLL_INTERVAL_MS: '300',
        RELAY_OPERATION_TIMEOUT_MS: '4000',
        RELAY_BUSY_RETRY_MS: '300',
        RELAY_DELTA_DEADLINE_MS: '15000',
        RELAY_PWSH: STAND_IN_PWSH,
        RELAY_IDLE_CONFIRM_MS: '200',
        RELAY_STATE_FILE: path.join(dir, 'relay-state.json'),
        [STATE_ENV]: this.adsync.path,
        ...this.options.relayEnv,
        ...extra,
      },
      'src/relay-agent/main.ts',
    );
  }

  async stopRelay(): Promise<void> {
    const child = this.relay;
    this.relay = undefined;
    await child?.stop();
  }

  /** Starts the relay and waits until the bot has heard from it. */
  async startRelayAndWait(extra: Record<string, string> = {}): Promise<void> {
    this.startRelay(extra);
    await this.until('the relay polls the bot', async () => (await this.relayHealth()).state === 'ok');
  }

  /** The `relay` entry of the bot's /healthz. */
  async relayHealth(): Promise<RelayHealth> {
    const res = await fetchHealth(`http://127.0.0.1:${this.port}`);
    return ((await res.json()) as { dependencies: { relay: RelayHealth } }).dependencies.relay;
  }

  /** Waits until `check` holds; fails with the relay's log otherwise. */
  async until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what} did not happen within ${timeoutMs} ms. Relay log:\n${this.relayLog.slice(-3000)}`);
  }

  /** Stops the relay, the bot and its peers. */
  async stop(): Promise<void> {
    await this.stopRelay();
    await this.stopBot();
    await Promise.all(this.peers.splice(0).map((peer) => peer.stop()));
  }
}
