import type { Middleware } from 'botbuilder';
import type { Logger } from '../shared/logger';
import type { AlertService } from '../services/alerts/alert-service';
import type { RemedyActions } from '../services/alerts/remedy-actions';
import type { SyncHealthReader } from '../services/alerts/sync-health';
import type { AlertCards } from './cards/alert-cards';
import type { AccessPolicy } from '../services/access/access-policy';
import type { AdminConversations } from '../services/conversations/admin-conversations';
import type { AlertChannel } from '../services/conversations/alert-channel';
import type { ApprovalChannel } from '../services/conversations/approval-channel';
import type { HealthMonitor } from '../services/health/health-monitor';
import type { DeliveryLog } from '../services/conversations/delivery-log';
import type { CandidateServices } from '../services/link/candidates';
import { AccessMiddleware } from './middleware/access-middleware';
import { CancelRequestAction } from './actions/cancel-request';
import { CheckPairAction } from './actions/check-pair';
import type { PreflightRunner } from './actions/check-pair';
import { DecideRequestAction } from './actions/decide-request';
import { DecideFullSyncAction, RequestFullSyncAction } from './actions/full-password-sync';
import { RestartAdsyncAction } from './actions/restart-adsync';
import { RefreshStatusAction } from './actions/refresh-status';
import { RequestLinkAction } from './actions/request-link';
import { PlanTwinFixAction } from './actions/plan-twin-fix';
import { ViewRequestAction } from './actions/view-request';
import { AnchorBot } from './anchor-bot';
import { CommandRouter } from './commands/command-router';
import { AlertsHereCommand } from './commands/alerts-here';
import { ApprovalsHereCommand } from './commands/approvals-here';
import { CancelCommand } from './commands/cancel';
import { HelpCommand } from './commands/help';
import { HistoryCommand } from './commands/history';
import { LinkUserCommand } from './commands/link-user';
import { PendingCommand } from './commands/pending';
import { StatusCommand } from './commands/status';
import { CorrelationMiddleware } from './middleware/correlation-middleware';
import { DedupeMiddleware } from './middleware/dedupe-middleware';
import type { LinkChatServices } from './link-services';

/** The services the chat layer talks to. */
export interface BotServices extends LinkChatServices {
  logger: Logger;
  policy: AccessPolicy;
  conversations: AdminConversations;
  health: HealthMonitor;
  /** Recognises activities the channel delivers twice. */
  deliveries: DeliveryLog;
  /** Where `link user` looks for candidates. */
  candidates: CandidateServices;
  /** Runs the preflight of the pair an admin picked. */
  preflight: PreflightRunner;
  /** The admin channel approval cards go to, once one is registered. */
  channel: ApprovalChannel;
  /** Incidents every admin is told about until they are over. */
  alerts: AlertService;
  /** Their cards. */
  alertCards: AlertCards;
  /**
   * The channel registered with `alerts here` (give the same one to {@link AlertCards}); absent,
   * the command says Anchor cannot keep one.
   */
  alertChannel?: AlertChannel;
  /** The one-click fix of an alert (Restart ADSync, full password sync); absent, its buttons say it is not available. */
  remedies?: RemedyActions;
  /** The sync health the monitor last read, for `status`; absent, `status` says it was not checked. */
  syncHealth?: SyncHealthReader;
}

/** The bot and the middleware that must run before it, in order. */
export interface BotParts {
  bot: AnchorBot;
  middleware: Middleware[];
}

/** Every command the bot understands, in the order the help card lists them. */
export function createCommandRouter(
  services: Pick<BotServices, 'health' | 'link' | 'candidates' | 'channel' | 'alertChannel' | 'syncHealth'>,
): CommandRouter {
  const router = new CommandRouter();
  return router
    .register(new HelpCommand(router))
    .register(new LinkUserCommand(services.candidates))
    .register(new PendingCommand(services))
    .register(new HistoryCommand(services))
    .register(new CancelCommand(services))
    .register(new ApprovalsHereCommand(services.channel))
    .register(new AlertsHereCommand(services.alertChannel))
    .register(new StatusCommand(services.health, services.syncHealth));
}

/**
 * Builds the bot with its commands, card actions and guards, and keeps every posted copy of a
 * request's card in step with the request. The adapter (real or test) is the caller's.
 */
export function createBot(services: BotServices): BotParts {
  services.link.onChange((_change, request) => services.cards.refresh(request));
  services.alerts.onChange((change, incident) => services.alertCards.follow(change, incident));
  const router = createCommandRouter(services);
  const actions = [
    new RefreshStatusAction(services.health, services.syncHealth),
    new CheckPairAction(services),
    new PlanTwinFixAction(services),
    new RequestLinkAction(services),
    new DecideRequestAction('approved', services),
    new DecideRequestAction('rejected', services),
    new CancelRequestAction(services),
    new ViewRequestAction(services),
    new RestartAdsyncAction(services),
    new RequestFullSyncAction(services),
    new DecideFullSyncAction('approved', services),
    new DecideFullSyncAction('rejected', services),
  ];
  return {
    bot: new AnchorBot(router, services.conversations, actions, (adminId, reference) =>
      services.cards.deliverOwed(adminId, reference),
    ),
    // Correlation first, so even refused activities are logged with an id.
    // Refused activities are not recorded as delivered: only an admin's activity can be a retry worth catching.
    middleware: [
      new CorrelationMiddleware(services.logger),
      new AccessMiddleware(services.policy),
      new DedupeMiddleware(services.deliveries),
    ],
  };
}
