import type { Middleware } from 'botbuilder';
import type { Logger } from '../shared/logger';
import type { AccessPolicy } from '../services/access/access-policy';
import type { AdminConversations } from '../services/conversations/admin-conversations';
import type { ApprovalChannel } from '../services/conversations/approval-channel';
import type { HealthMonitor } from '../services/health/health-monitor';
import type { DeliveryLog } from '../services/conversations/delivery-log';
import type { CandidateServices } from '../services/link/candidates';
import { AccessMiddleware } from './middleware/access-middleware';
import { CancelRequestAction } from './actions/cancel-request';
import { CheckPairAction } from './actions/check-pair';
import type { PreflightRunner } from './actions/check-pair';
import { DecideRequestAction } from './actions/decide-request';
import { RefreshStatusAction } from './actions/refresh-status';
import { RequestLinkAction } from './actions/request-link';
import { ViewRequestAction } from './actions/view-request';
import { AnchorBot } from './anchor-bot';
import { CommandRouter } from './commands/command-router';
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

/** The link flow as the chat layer sees it. */
export interface LinkBotServices extends LinkChatServices {
  candidates: CandidateServices;
  preflight: PreflightRunner;
  channel: ApprovalChannel;
}

/** The services the chat layer talks to. */
export interface BotServices {
  logger: Logger;
  policy: AccessPolicy;
  conversations: AdminConversations;
  health: HealthMonitor;
  link: LinkBotServices;
  /** Recognises activities the channel delivers twice. */
  deliveries: DeliveryLog;
}

/** The bot and the middleware that must run before it, in order. */
export interface BotParts {
  bot: AnchorBot;
  middleware: Middleware[];
}

/** Every command the bot understands, in the order the help card lists them. */
export function createCommandRouter(services: Pick<BotServices, 'health' | 'link'>): CommandRouter {
  const router = new CommandRouter();
  const { link } = services;
  return router
    .register(new HelpCommand(router))
    .register(new LinkUserCommand(link.candidates))
    .register(new PendingCommand(link))
    .register(new HistoryCommand(link))
    .register(new CancelCommand(link))
    .register(new ApprovalsHereCommand(link.channel))
    .register(new StatusCommand(services.health));
}

/** Builds the bot with its commands, card actions and guards; the adapter (real or test) is the caller's. */
export function createBot(services: BotServices): BotParts {
  const router = createCommandRouter(services);
  const { link } = services;
  const actions = [
    new RefreshStatusAction(services.health),
    new CheckPairAction({ preflight: link.preflight, drafts: link.drafts, messenger: link.messenger }),
    new RequestLinkAction(link),
    new DecideRequestAction('approved', link),
    new DecideRequestAction('rejected', link),
    new CancelRequestAction(link),
    new ViewRequestAction(link),
  ];
  return {
    bot: new AnchorBot(router, services.conversations, actions),
    // Correlation first, so even refused activities are logged with an id.
    // Refused activities are not recorded as delivered: only an admin's activity can be a retry worth catching.
    middleware: [
      new CorrelationMiddleware(services.logger),
      new AccessMiddleware(services.policy),
      new DedupeMiddleware(services.deliveries),
    ],
  };
}
