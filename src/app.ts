import type restify from 'restify';
import type { AnchorConfig } from './config';
import type { Logger } from './logger';
import { createAdapter } from './bot/adapter';
import { createBot } from './bot/create-bot';
import { AccessPolicy } from './services/access-policy';
import { AdminConversations } from './services/admin-conversations';
import type { CloudDirectory } from './services/cloud-directory';
import type { DirectoryService } from './services/directory';
import { HealthMonitor } from './services/health';
import { PingProbe } from './services/ping-probe';
import { RelayPresence } from './services/relay-presence';
import type { StateStore } from './services/state-store';
import { PACKAGE_VERSION } from './paths';
import { createServer, listen } from './server';

/** The services an Anchor instance runs on; demo mode and production supply different ones. */
export interface AppServices {
  directory: DirectoryService;
  store: StateStore;
  /** Entra ID over Microsoft Graph (the simulator in demo mode). */
  cloud: CloudDirectory;
}

/** A composed Anchor instance, not yet listening. */
export interface AnchorApp {
  server: restify.Server;
  health: HealthMonitor;
  relay: RelayPresence;
  /** Listens on the configured host and port; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Wires configuration and services into a bot and its HTTP server. */
export function createApp(config: AnchorConfig, services: AppServices, logger: Logger): AnchorApp {
  const relay = new RelayPresence();
  const health = new HealthMonitor({
    mode: config.mode,
    version: PACKAGE_VERSION,
    probes: [
      new PingProbe('directory', services.directory),
      new PingProbe('graph', services.cloud),
      new PingProbe('storage', services.store),
      relay,
    ],
  });

  const { bot, middleware } = createBot({
    logger,
    policy: new AccessPolicy({
      allowedTenantId: config.allowedTenantId,
      adminObjectIds: config.adminObjectIds,
    }),
    conversations: new AdminConversations(services.store),
    health,
  });
  const adapter = createAdapter(config, logger);
  middleware.forEach((m) => adapter.use(m));

  const server = createServer({ adapter, bot, health, logger });
  return {
    server,
    health,
    relay,
    start: () => listen(server, config.host, config.port),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
