import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type restify from 'restify';
import type { AnchorConfig } from '../config/load-config';
import type { Logger } from '../shared/logger';
import type { RelaySettings } from '../config/relay';
import { createAdapter } from '../bot/adapter';
import { CardMessenger } from '../bot/cards/card-messenger';
import type { ProactiveChannel } from '../bot/cards/card-messenger';
import { createBot } from '../bot/create-bot';
import { messagesEndpoint } from '../bot/messages-endpoint';
import { RequestCards } from '../bot/cards/request-cards';
import { AlertCards } from '../bot/cards/alert-cards';
import { AccessPolicy } from '../services/access/access-policy';
import { AdminConversations } from '../services/conversations/admin-conversations';
import { ApprovalChannel } from '../services/conversations/approval-channel';
import { AlertService } from '../services/alerts/alert-service';
import { SchedulerWatch } from '../services/alerts/scheduler-watch';
import { SyncHealthMonitor } from '../services/alerts/sync-health-monitor';
import { AdSyncRemedy } from '../services/alerts/adsync-remedy';
import { AlertChannel } from '../services/conversations/alert-channel';
import { AuditLog } from '../services/audit/audit-log';
import { DeliveryLog } from '../services/conversations/delivery-log';
import { LinkService } from '../services/link/link-service';
import { LinkWorkflow } from '../services/link/run/workflow';
import { runPreflight } from '../services/link/preflight/run-preflight';
import type { CloudDirectory, TwinCleanupDirectory } from '../services/entra/cloud-directory';
import { TwinPlanner } from '../services/link/twin/twin-planner';
import type { GroupDirectory, TeamsApps } from '../services/entra/teams-apps';
import { AdminRoster } from '../services/access/admin-roster';
import { AdminReach } from '../services/conversations/admin-reach';
import type { DirectoryService } from '../shared/directory/ad-directory';
import { HealthMonitor } from '../services/health/health-monitor';
import { PingProbe } from '../services/health/ping-probe';
import { RelayClient } from '../services/relay/relay-client';
import { RelayDirectory } from '../services/relay/relay-directory';
import { DirectoryProbe } from '../services/health/directory-probe';
import { TimedDirectory } from '../services/health/timed-directory';
import { RelayEventLog } from '../services/relay/event-log';
import { RelayGateway } from '../services/relay/gateway';
import { NonceLedger } from '../services/relay/nonce-ledger';
import { RelayJobQueue } from '../services/relay/job-queue';
import { RelayPresence } from '../services/relay/presence';
import type { StateStore } from '../services/state/state-store';
import { PACKAGE_VERSION } from '../shared/paths';
import { createServer, listen } from './server';
import { sweepAlerts, sweepExpiredJobs, sweepRequests, sweepSyncHealth } from './sweepers';
import type { Sweeper } from './sweepers';

/** The services an Anchor instance runs on; demo mode and production supply different ones. */
export interface AppServices {
  /** The on-prem AD, read here; absent when DIRECTORY_SOURCE=relay (the app reads it through the relay). */
  directory?: DirectoryService;
  store: StateStore;
  /** Entra ID over Microsoft Graph (the simulator in demo mode), with the twin fix's reads and delete. */
  cloud: CloudDirectory & TwinCleanupDirectory;
  /** Anchor's Teams app and the admin group through Graph; absent: admins by id, reached by saved chats only. */
  teams?: TeamsApps & GroupDirectory;
  /**
   * The OUs Entra Connect syncs, for a directory that LDAP_SYNC_OUS does not describe (the demo AD);
   * absent: LDAP_SYNC_OUS.
   */
  syncScopeOus?: readonly string[];
}

/** A composed Anchor instance, not yet listening. */
export interface AnchorApp {
  server: restify.Server;
  health: HealthMonitor;
  relay: RelayPresence;
  /** The AD this instance reads (directly or through the relay), timed for health reports. */
  directory: TimedDirectory;
  /** Runs operations on the sync server through the relay; null when no relay is configured. */
  relayClient: RelayClient | null;
  /** The relay job queue and event log; null when no relay is configured. */
  relayJobs: RelayJobQueue | null;
  relayEvents: RelayEventLog | null;
  /** Link requests: filing, decisions and the lists (every change audited and announced). */
  link: LinkService;
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
  const directory = directoryOf(config, services, relayParts?.client ?? null);
  const health = new HealthMonitor({
    mode: config.mode,
    version: PACKAGE_VERSION,
    probes: [
      new DirectoryProbe(directory),
      new PingProbe('graph', services.cloud),
      new PingProbe('storage', services.store),
      relay,
    ],
  });

  const roster = new AdminRoster({
    adminObjectIds: config.adminObjectIds,
    groupId: config.adminGroupId,
    groups: services.teams,
    logger,
  });
  const policy = new AccessPolicy({
    allowedTenantId: config.allowedTenantId,
    adminObjectIds: config.adminObjectIds,
    roster,
  });
  const adapter = createAdapter(config.botAuth, logger);
  const link = linkServices(
    config,
    { ...services, directory },
    { adapter, policy, roster, presence: relay, relayClient: relayParts?.client ?? null },
    logger,
  );
  const { bot, middleware } = createBot({
    ...link,
    logger,
    policy,
    health,
    deliveries: new DeliveryLog(services.store),
  });
  middleware.forEach((m) => adapter.use(m));

  const messages = messagesEndpoint({
    adapter,
    bot,
    appId: config.botAuth.MicrosoftAppId,
    logger,
    cards: link.messenger,
  });
  const server = createServer({
    messages,
    health,
    logger,
    relay: relayParts?.gateway ?? null,
    healthToken: config.healthToken,
  });
  let sweepers: Sweeper[] = [];
  return {
    server,
    health,
    relay,
    directory,
    relayClient: relayParts?.client ?? null,
    relayJobs: relayParts?.queue ?? null,
    relayEvents: relayParts?.events ?? null,
    link: link.link,
    start: () => {
      sweepers = [
        sweepRequests({
          ...link,
          intervalMs: Math.min(REQUEST_SWEEP_INTERVAL_MS, config.link.runLeaseMs),
          retentionDays: config.link.auditRetentionDays,
          logger,
        }),
        sweepSyncHealth(link.monitor, config.alerts.intervalMs, logger),
        ...(relayParts
          ? [sweepExpiredJobs(relayParts.queue, logger), sweepAlerts(link.schedulerWatch, logger)]
          : []),
      ];
      return listen(server, config.host, config.port);
    },
    stop: () => {
      sweepers.forEach((s) => s.stop());
      // Held long polls answer now; otherwise closing would wait out each relay's wait.
      relayParts?.gateway.close();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The AD this instance reads, timed for health reports: through the relay when DIRECTORY_SOURCE is
 * relay, otherwise the directory the caller supplied (LDAP, or the demo's).
 */
function directoryOf(
  config: AnchorConfig,
  services: AppServices,
  relayClient: RelayClient | null,
): TimedDirectory {
  if (config.directory.source === 'relay') {
    if (!relayClient)
      throw new Error('DIRECTORY_SOURCE=relay needs a relay (RELAY_KEYS); loadConfig() checks it.');
    const mapping = { syncScopeOus: config.directory.syncScopeOus, sourceAnchor: config.sourceAnchor };
    return new TimedDirectory(new RelayDirectory({ client: relayClient, mapping }), 'relay');
  }
  if (!services.directory)
    throw new Error(`DIRECTORY_SOURCE=${config.directory.source} needs a directory service.`);
  return new TimedDirectory(services.directory, config.directory.source === 'ldap' ? 'ldap' : 'memory');
}

/** A relay that has not polled for this long is offline: jobs fail fast instead of queueing. */
const RELAY_STALE_AFTER_MS = 60_000;

function relayServices(settings: RelaySettings, store: StateStore, presence: RelayPresence, logger: Logger) {
  const queue = new RelayJobQueue(store);
  const events = new RelayEventLog(store);
  // Nonces live in the shared store: a request replayed to another instance is refused there too.
  const nonces = new NonceLedger(store, { logger });
  const gateway = new RelayGateway({ settings, queue, presence, events, logger, nonces });
  const client = new RelayClient({ queue, presence, relayId: settings.primaryRelayId });
  return { queue, events, gateway, client };
}

/** The link flow's services, and the chat pieces that show requests as cards. */
function linkServices(
  config: AnchorConfig,
  services: AppServices & { directory: DirectoryService },
  parts: {
    adapter: ProactiveChannel;
    policy: AccessPolicy;
    roster: AdminRoster;
    presence: RelayPresence;
    relayClient: RelayClient | null;
  },
  logger: Logger,
) {
  const { store, directory, cloud } = services;
  const audit = new AuditLog(store);
  const link = new LinkService({
    store,
    audit,
    isAdmin: (id) => parts.policy.isAdmin(id),
    ttlMs: config.link.requestTtlMs,
    logger,
  });
  const conversations = new AdminConversations(store);
  const channel = new ApprovalChannel(store);
  const messenger = new CardMessenger(parts.adapter, config.botAuth.MicrosoftAppId, logger);
  const cards = new RequestCards({
    messenger,
    conversations,
    channel,
    link,
    adminObjectIds: config.adminObjectIds,
    admins: () => parts.roster.admins(),
    reach: new AdminReach({
      conversations,
      teams: services.teams,
      catalogAppId: config.teamsAppCatalogId,
      audit,
      logger,
    }),
    nameOf: async (id) => (await cloud.getUser(id)).displayName ?? undefined,
    logger,
  });
  const relayPresence = config.relay ? parts.presence : null;
  const preflight = (subjects: { adObjectGuid: string; cloudUserId: string }) =>
    runPreflight(
      subjects,
      { directory, cloud, relay: relayPresence, suffixMap: config.link.upnSuffixMap },
      { deadline: Date.now() + PREFLIGHT_BUDGET_MS },
    );
  const workflow = new LinkWorkflow({
    requests: link.requests,
    audit,
    cloud,
    relay: parts.relayClient,
    recheck: (request) =>
      preflight({ adObjectGuid: request.preflight.ad.objectGuid, cloudUserId: request.preflight.cloud.id }),
    verifyTimeoutMs: config.link.verifyTimeoutMs,
    verifyIntervalMs: config.link.verifyIntervalMs,
    cycleWaitMs: config.link.cycleWaitMs,
    logger,
    onChange: (request) => link.announce('progress', request),
    instanceId: INSTANCE_ID,
    leaseMs: config.link.runLeaseMs,
    twin: {
      cleanup: cloud,
      directory,
      timing: {
        adminWaitMs: config.link.twin.adminWaitMs,
        syncWaitMs: config.link.twin.syncWaitMs,
        pollMs: config.link.twin.pollMs,
      },
    },
  });
  const twinPlanner = new TwinPlanner({
    cloud,
    directory,
    syncScopeOus: services.syncScopeOus ?? config.directory.syncScopeOus,
    ...(config.link.twin.parkingOu ? { parkingOu: config.link.twin.parkingOu } : {}),
  });
  link.onChange((change, request) => {
    if (change !== 'approved') return;
    void workflow
      .run(request.id)
      .catch((err: unknown) => logger.error({ err, requestId: request.id }, 'link run failed'));
  });
  const alerting = alertServices(
    config,
    services,
    { ...parts, audit, link, messenger, conversations, channel },
    logger,
  );
  return {
    link,
    audit,
    conversations,
    channel,
    messenger,
    cards,
    ...alerting,
    candidates: { directory, cloud, suffixMap: config.link.upnSuffixMap },
    preflight,
    workflow,
    twinPlanner,
  };
}

/** Incidents, their cards, the sync-health monitor and the one-click fixes. */
function alertServices(
  config: AnchorConfig,
  services: AppServices,
  parts: {
    roster: AdminRoster;
    presence: RelayPresence;
    relayClient: RelayClient | null;
    audit: AuditLog;
    link: LinkService;
    messenger: CardMessenger;
    conversations: AdminConversations;
    channel: ApprovalChannel;
  },
  logger: Logger,
) {
  const { store, cloud } = services;
  const { audit, link, relayClient: client } = parts;
  const alerts = new AlertService({ store, audit, logger });
  const alertChannel = new AlertChannel(store);
  const alertCards = new AlertCards({
    messenger: parts.messenger,
    conversations: parts.conversations,
    channel: parts.channel,
    alertChannel,
    alerts,
    adminObjectIds: config.adminObjectIds,
    admins: () => parts.roster.admins(),
    logger,
  });
  const schedulerWatch = new SchedulerWatch({
    alerts,
    relay: parts.presence,
    runUnderWay: async () =>
      (await link.listOpen()).some((r) => r.state === 'approved' || r.state === 'running'),
    graceMs: SCHEDULER_PAUSED_GRACE_MS,
  });
  link.onChange((change, request) => (change === 'progress' ? schedulerWatch.runEnded(request) : undefined));
  const monitor = new SyncHealthMonitor({
    alerts,
    store,
    relay: client && {
      relayId: client.relayId,
      syncHealth: () => client.syncHealth(),
      lastHeartbeat: () => client.lastHeartbeat(),
    },
    cloud,
    settings: config.alerts,
    instanceId: INSTANCE_ID,
    logger,
  });
  const remedies = new AdSyncRemedy({
    alerts,
    audit,
    relay: client && {
      restartService: () => client.run('restart-service'),
      fullPasswordSync: () => client.fullPasswordSync(),
      syncHealth: () => client.syncHealth(),
    },
    recheck: () => monitor.check(),
    settings: config.alerts,
    logger,
  });
  return { alerts, alertCards, alertChannel, schedulerWatch, monitor, remedies, syncHealth: monitor };
}

/**
 * How long the relay must report the scheduler paused, with no link run under way, before every
 * admin is alerted: as long as the relay's pause lease (RELAY_PAUSE_LEASE_MS, 15 minutes by
 * default). An admin may pause the scheduler by hand for a short change; a pause that outlasts
 * what Anchor itself would ever hold is one left behind. A run that ends with the scheduler paused
 * alerts at once (SchedulerWatch.runEnded).
 */
const SCHEDULER_PAUSED_GRACE_MS = 15 * 60_000;

/** This process, as the owner of the link runs it executes. */
const INSTANCE_ID = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

/** Preflight reads Graph several times; they share this much time (a run re-checks within it too). */
const PREFLIGHT_BUDGET_MS = 20_000;
/** How often runs left behind are recovered and pending requests past their time expired. */
const REQUEST_SWEEP_INTERVAL_MS = 60_000;
