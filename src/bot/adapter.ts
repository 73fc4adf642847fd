import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import type { BotAuthConfig } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { turnLogger, correlationIdOf } from './middleware/correlation-middleware';

/** Who sent a request, as Bot Framework authentication established it (botbuilder does not export the type). */
export type AuthenticatedRequest = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/**
 * The Bot Framework adapter, with authentication and the turn as two steps. CloudAdapter.process()
 * does both at once and answers a failed authentication itself: 500 with the JWT library's message
 * for some forged tokens, and the error printed to the console. Anchor's messages endpoint calls
 * {@link authenticate} first and answers a refusal on its own terms.
 */
export class AnchorAdapter extends CloudAdapter {
  /**
   * Checks the request's Bot Framework token against Microsoft's signing keys, issuer, audience
   * (this app id), lifetime and the activity's channel and service URL. Without an app id (demo
   * mode only) every request is anonymous.
   * @throws whatever botbuilder throws for a token it does not accept, or cannot check.
   */
  authenticate(activity: Partial<Activity>, authHeader: string): Promise<AuthenticatedRequest> {
    return this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authHeader);
  }

  /** Runs `logic` on `activity` as the sender {@link authenticate} established. */
  runAuthenticated(
    auth: AuthenticatedRequest,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * Creates the Bot Framework adapter. With an app id, every request must carry a valid Bot
 * Framework token; without one (demo mode only, enforced by configuration) requests are anonymous.
 */
export function createAdapter(botAuth: BotAuthConfig, logger: Logger): AnchorAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({ ...botAuth });
  const adapter = new AnchorAdapter(auth);
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
