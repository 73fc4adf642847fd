import type { Middleware } from 'botbuilder';
import type { Logger } from '../logger';
import type { AccessPolicy } from '../services/access-policy';
import type { AdminConversations } from '../services/admin-conversations';
import type { HealthMonitor } from '../services/health';
import { AccessMiddleware } from './access-middleware';
import { RefreshStatusAction } from './actions/refresh-status';
import { AnchorBot } from './anchor-bot';
import { CommandRouter } from './command-router';
import { HelpCommand } from './commands/help';
import { StatusCommand } from './commands/status';
import { CorrelationMiddleware } from './correlation-middleware';

/** The services the chat layer talks to. */
export interface BotServices {
  logger: Logger;
  policy: AccessPolicy;
  conversations: AdminConversations;
  health: HealthMonitor;
}

/** The bot and the middleware that must run before it, in order. */
export interface BotParts {
  bot: AnchorBot;
  middleware: Middleware[];
}

/** Every command the bot understands, in the order the help card lists them. */
export function createCommandRouter(services: Pick<BotServices, 'health'>): CommandRouter {
  const router = new CommandRouter();
  return router.register(new HelpCommand(router)).register(new StatusCommand(services.health));
}

/** Builds the bot with its commands and guards; the adapter (real or test) is the caller's. */
export function createBot(services: BotServices): BotParts {
  const router = createCommandRouter(services);
  return {
    bot: new AnchorBot(router, services.conversations, [new RefreshStatusAction(services.health)]),
    // Correlation first, so even refused activities are logged with an id.
    middleware: [new CorrelationMiddleware(services.logger), new AccessMiddleware(services.policy)],
  };
}
