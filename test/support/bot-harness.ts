import type { TwinPlanning } from '../../src/services/link/twin/twin-planning';
import { twinPlanSample } from './twin-fixtures';
import { TestAdapter } from 'botbuilder';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import sinon from 'sinon';
import { CardMessenger } from '../../src/bot/cards/card-messenger';
import { createBot } from '../../src/bot/create-bot';
import type { BotServices } from '../../src/bot/create-bot';
import type { PreflightRunner } from '../../src/bot/actions/check-pair';
import { RequestCards } from '../../src/bot/cards/request-cards';
import type { RequestCardsOptions } from '../../src/bot/cards/request-cards';
import { AlertCards } from '../../src/bot/cards/alert-cards';
import { AlertService } from '../../src/services/alerts/alert-service';
import type { RemedyActions } from '../../src/services/alerts/remedy-actions';
import type { SyncHealthReader } from '../../src/services/alerts/sync-health';
import { AccessPolicy } from '../../src/services/access/access-policy';
import { AdminConversations } from '../../src/services/conversations/admin-conversations';
import { AlertChannel } from '../../src/services/conversations/alert-channel';
import { ApprovalChannel } from '../../src/services/conversations/approval-channel';
import { AuditLog } from '../../src/services/audit/audit-log';
import type { CloudDirectory } from '../../src/services/entra/cloud-directory';
import type { CloudUser } from '../../src/services/entra/cloud-user';
import { DeliveryLog } from '../../src/services/conversations/delivery-log';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { HealthMonitor } from '../../src/services/health/health-monitor';
import { LinkService } from '../../src/services/link/link-service';
import { MemoryStateStore } from '../../src/services/state/memory-state-store';
import type { StateStore } from '../../src/services/state/state-store';
import { RelayPresence } from '../../src/services/relay/presence';
import { DEMO_TENANT, demoCloudUsers, demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import { apesPreflight } from './link-fixtures';
import { memoryLogger } from './memory-logger';

/** A card sent or updated outside a turn, as {@link FakeProactiveAdapter} saw it. */
export interface ProactiveCall {
  kind: 'send' | 'update';
  conversationId: string;
  activityId: string;
  card: Record<string, unknown>;
}

/**
 * Stands in for the channel when the bot posts or updates a card outside a turn (TestAdapter
 * cannot continue a conversation): records each call and hands out activity ids.
 */
export class FakeProactiveAdapter {
  readonly calls: ProactiveCall[] = [];
  private next = 1;

  async continueConversationAsync(
    _appId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const conversationId = reference.conversation?.id ?? '';
    const record = (kind: ProactiveCall['kind'], activity: Partial<Activity>, activityId: string) =>
      this.calls.push({
        kind,
        conversationId,
        activityId,
        card: activity.attachments?.[0]?.content as Record<string, unknown>,
      });
    const context = {
      sendActivity: async (activity: Partial<Activity>) => {
        const id = `proactive-${this.next++}`;
        record('send', activity, id);
        return { id };
      },
      updateActivity: async (activity: Partial<Activity>) => {
        record('update', activity, activity.id ?? '');
      },
    } as unknown as TurnContext;
    await logic(context);
  }
}

/** A cloud directory whose search answers from the demo tenant's cloud users; nothing else is used. */
function searchOnlyCloud(users: CloudUser[]): CloudDirectory {
  return {
    searchUsers: async (text: string) => {
      const needle = text.toLowerCase();
      const items = users.filter((u) =>
        [u.displayName, u.userPrincipalName, u.mail].some((v) => v?.toLowerCase().startsWith(needle)),
      );
      return { items, truncated: false, total: items.length, pages: 1 };
    },
    listVerifiedDomains: async () => ['contoso.com', 'contoso.onmicrosoft.com'],
    describe: () => 'fake Graph',
  } as unknown as CloudDirectory;
}

/** Options of {@link botHarness}. */
export interface BotHarnessOptions {
  preflight?: PreflightRunner;
  /** Plans a twin fix; by default the Aaron Pescasio plan of test/support/twin-fixtures.ts. */
  twinPlanner?: TwinPlanning;
  now?: () => Date;
  /** The state store; a fresh memory store by default. */
  store?: StateStore;
  /** How the approval cards find admins (reach, names, the install wait); chats only by default. */
  cards?: Pick<RequestCardsOptions, 'reach' | 'nameOf' | 'installWaitMs' | 'admins'>;
  /** The alert cards' one-click fix; absent by default (the buttons say it is not available). */
  remedies?: RemedyActions;
  /** What `status` shows as sync health; absent by default ("Not checked yet"). */
  syncHealth?: SyncHealthReader;
}

/** The bot as the app composes it, on a TestAdapter, with fakes only at the edges (Graph, the run, the channel). */
export function botHarness(options: BotHarnessOptions = {}) {
  const { logger, lines } = memoryLogger();
  const store = options.store ?? new MemoryStateStore();
  const policy = new AccessPolicy({
    allowedTenantId: DEMO_TENANT.tenantId,
    adminObjectIds: [DEMO_TENANT.requester.aadObjectId, DEMO_TENANT.approver.aadObjectId],
  });
  const conversations = new AdminConversations(store);
  const health = new HealthMonitor({ mode: 'test', version: '0', probes: [new RelayPresence()] });
  const proactive = new FakeProactiveAdapter();
  const messenger = new CardMessenger(proactive, '', logger);
  const audit = new AuditLog(store, options.now);
  const link = new LinkService({
    store,
    audit,
    isAdmin: (id) => policy.isAdmin(id),
    logger,
    now: options.now,
  });
  const requests = link.requests;
  const channel = new ApprovalChannel(store);
  const cards = new RequestCards({
    messenger,
    conversations,
    channel,
    link,
    adminObjectIds: [DEMO_TENANT.requester.aadObjectId, DEMO_TENANT.approver.aadObjectId],
    logger,
    ...options.cards,
  });
  // The run itself is a fake: an approval starts it, as the app wires it.
  const runner = { run: sinon.stub<[string], Promise<unknown>>().resolves(undefined) };
  link.onChange((change, request) => {
    if (change === 'approved') void runner.run(request.id);
  });
  const alerts = new AlertService({ store, audit, logger, now: options.now });
  const alertChannel = new AlertChannel(store);
  const alertCards = new AlertCards({
    messenger,
    conversations,
    channel,
    alertChannel,
    alerts,
    adminObjectIds: [DEMO_TENANT.requester.aadObjectId, DEMO_TENANT.approver.aadObjectId],
    admins: options.cards?.admins,
    logger,
  });
  const preflight = sinon.spy(options.preflight ?? (async () => apesPreflight()));
  const services: BotServices = {
    logger,
    policy,
    conversations,
    health,
    link,
    cards,
    messenger,
    channel,
    candidates: {
      directory: new DemoDirectory(demoDirectoryUsers()),
      cloud: searchOnlyCloud(demoCloudUsers().map((u) => ({ ...u, mail: u.mail ?? null }))),
      suffixMap: new Map(),
    },
    preflight,
    twinPlanner: options.twinPlanner ?? { plan: async () => twinPlanSample() },
    alerts,
    alertCards,
    alertChannel,
    remedies: options.remedies,
    syncHealth: options.syncHealth,
    deliveries: new DeliveryLog(store),
  };
  const { bot, middleware } = createBot(services);
  const adapter = new TestAdapter(async (context) => bot.run(context));
  middleware.forEach((m) => adapter.use(m));
  return {
    services,
    bot,
    adapter,
    store,
    conversations,
    requests,
    audit,
    channel,
    alertChannel,
    proactive,
    runner,
    preflight,
    alerts,
    lines,
  };
}
