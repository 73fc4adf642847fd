import type restify from 'restify';
import type { AnchorConfig } from './config';
import type { Logger } from './logger';
import type { RelaySettings } from './relay-config';
import { createAdapter } from './bot/adapter';
import { createBot } from './bot/create-bot';
import { AccessPolicy } from './services/access-policy';
import { AdminConversations } from './services/admin-conversations';
import type { CloudDirectory } from './services/cloud-directory';
import type { DirectoryService } from './services/directory';
import { HealthMonitor } from './services/health';
import { PingProbe } from './services/ping-probe';
import { RelayClient } from './services/relay-client';
import { RelayEventLog } from './services/relay-event-log';
import { RelayGateway } from './services/relay-gateway';
import { RelayJobQueue } from './services/relay-jobs';
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
  /** Runs operations on the sync server through the relay; null when no relay is configured. */
  relayClient: RelayClient | null;
  /** The relay job queue and event log; null when no relay is configured. */
  relayJobs: RelayJobQueue | null;
  relayEvents: RelayEventLog | null;
  /** Listens on the configured host and port; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Wires configuration and services into a bot and its HTTP server. */
export function createApp(config: AnchorConfig, services: AppServices, logger: Logger): AnchorApp {
  const relay = new RelayPresence(RELAY_STALE_AFTER_MS, {
    store: services.store,
    relayIds: config.relay ? [...config.relay.publicKeys.keys()] : [],
  });
  const relayParts = config.relay ? relayServices(config.relay, services.store, relay, logger) : null;
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

  const server = createServer({ adapter, bot, health, logger, relay: relayParts?.gateway ?? null });
  let sweeper: NodeJS.Timeout | undefined;
  return {
    server,
    health,
    relay,
    relayClient: relayParts?.client ?? null,
    relayJobs: relayParts?.queue ?? null,
    relayEvents: relayParts?.events ?? null,
    start: () => {
      if (relayParts) sweeper = sweepExpiredJobs(relayParts.queue, logger);
      return listen(server, config.host, config.port);
    },
    stop: () => {
      clearInterval(sweeper);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A relay that has not polled for this long is offline: jobs fail fast instead of queueing. */
const RELAY_STALE_AFTER_MS = 60_000;
/** How often jobs whose time ran out are expired, in case the instance awaiting them is gone. */
const SWEEP_INTERVAL_MS = 15_000;

function relayServices(settings: RelaySettings, store: StateStore, presence: RelayPresence, logger: Logger) {
  const queue = new RelayJobQueue(store);
  const events = new RelayEventLog(store);
  const gateway = new RelayGateway({ settings, queue, presence, events, logger });
  const client = new RelayClient({ queue, presence, relayId: settings.primaryRelayId });
  return { queue, events, gateway, client };
}

function sweepExpiredJobs(queue: RelayJobQueue, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    queue.expire().then(
      (expired) => expired.forEach((r) => logger.warn({ job: r.job }, 'relay job expired')),
      (err: unknown) => logger.warn({ err }, 'expiring relay jobs failed'),
    );
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return timer;
}
