import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { AnchorConfig } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { turnLogger, correlationIdOf } from './middleware/correlation-middleware';

/**
 * Creates the Bot Framework adapter. With an app id, every request must carry a valid Bot
 * Framework token; without one (demo mode only, enforced by configuration) requests are anonymous.
 */
export function createAdapter(config: AnchorConfig, logger: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({ ...config.botAuth });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const log = turnLogger(context) ?? logger;
    log.error({ err: error }, 'unhandled error in turn');
    if (context.activity.type === 'message') {
      await context.sendActivity(
        `Sorry, something went wrong on my side. Reference: ${correlationIdOf(context) ?? 'none'}.`,
      );
    }
  };
  return adapter;
}
