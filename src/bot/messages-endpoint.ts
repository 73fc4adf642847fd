import type { Activity, ActivityHandler } from 'botbuilder';
import type restify from 'restify';
import type { Logger } from '../shared/logger';
import type { AnchorAdapter } from './adapter';
import type { CardMessenger } from './cards/card-messenger';
import { authenticateActivity } from './auth/authenticate-activity';
import type { TokenRefusal } from './auth/token-refusal';

/**
 * Where the HTTP server hands Bot Framework activities (`POST /api/messages`). The server routes
 * to it and knows nothing of the adapter or the bot, so the chat SDK stays inside src/bot.
 */
export interface MessagesEndpoint {
  /**
   * Authenticates the request in `req`, runs the bot on its activity and answers on `res`. The
   * body must be the raw bytes (restify's bodyReader): nothing is parsed before the sender is known.
   */
  process(req: restify.Request, res: restify.Response): Promise<void>;
}

/** What {@link messagesEndpoint} runs on. */
export interface MessagesEndpointParts {
  adapter: AnchorAdapter;
  bot: ActivityHandler;
  /** This bot's MicrosoftAppId; empty only in demo mode, where requests are anonymous. */
  appId: string;
  logger: Logger;
  /** Holds back updates of a clicked card until the answer to the click is written. */
  cards?: Pick<CardMessenger, 'holdWhile'>;
}

/** The body of every refusal: the same whatever the reason, which is only logged. */
export const UNAUTHORIZED_BODY = {
  code: 'unauthorized',
  message: 'The request does not carry a valid Bot Framework token for this bot.',
} as const;

/**
 * The endpoint that runs the bot on every activity Bot Framework authentication accepts. Any
 * failure to authenticate, whatever the body, is a 401 with a generic body and one log line
 * naming the reason; a body that is not an activity is a 400; a failing turn is a 500 without
 * its message. The correlation id in each answer is the one in the log.
 */
export function messagesEndpoint(parts: MessagesEndpointParts): MessagesEndpoint {
  const { adapter, bot, appId, logger, cards } = parts;
  return {
    async process(req, res) {
      const correlationId = req.getId();
      const activity = activityFrom(parseBody(req.body));
      // A body that is no activity claims no channel or service URL, but its token is still checked:
      // an unauthenticated caller gets 401 whatever it sent, an authenticated one learns its body is wrong.
      const claimed: Partial<Activity> = activity ?? { channelId: '', serviceUrl: '' };
      const header = req.headers.authorization;
      const authentication = await authenticateActivity({ adapter, appId }, header, claimed);
      if (!authentication.ok) {
        logRefusal(logger, authentication.reason, authentication.cause, correlationId);
        res.header('www-authenticate', 'Bearer');
        res.json(401, { ...UNAUTHORIZED_BODY, correlationId });
        return;
      }
      if (!activity) {
        logger.warn({ correlationId }, 'Bot Framework request refused: the body is not an activity');
        res.json(400, {
          code: 'bad-request',
          message: 'The body is not a Bot Framework activity.',
          correlationId,
        });
        return;
      }
      let answered = (): void => undefined;
      const clicked = clickedCard(activity);
      if (clicked && cards)
        cards.holdWhile(clicked.conversation, clicked.activityId, new Promise<void>((r) => (answered = r)));
      try {
        const invoke = await adapter.runAuthenticated(authentication.auth, activity, (ctx) => bot.run(ctx));
        // As CloudAdapter.process answers: an invoke's status and body, otherwise 200.
        res.status(invoke?.status ?? 200);
        if (invoke?.body) res.send(invoke.body);
        res.end();
      } catch (err) {
        logger.error({ err, correlationId }, 'Bot Framework activity failed');
        res.json(500, { code: 'internal', message: 'the request failed', correlationId });
      } finally {
        answered();
      }
    },
  };
}

/** The card a click (`adaptiveCard/action`) came from, whose answer will replace it. */
function clickedCard(activity: Activity): { conversation: object; activityId: string } | undefined {
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return undefined;
  if (typeof activity.replyToId !== 'string' || !activity.replyToId) return undefined;
  return { conversation: { conversation: activity.conversation }, activityId: activity.replyToId };
}

function logRefusal(logger: Logger, reason: TokenRefusal, cause: unknown, correlationId: string): void {
  const msg = `Bot Framework request refused: ${reason}`;
  if (reason === 'unverifiable') {
    // Anchor cannot check any token now, genuine ones included: an operator must look.
    const detail = cause instanceof Error ? cause.message : String(cause);
    logger.error(
      { reason, correlationId, cause: detail },
      `${msg} (Microsoft's signing keys could not be loaded)`,
    );
    return;
  }
  logger.warn({ reason, correlationId }, msg);
}

/** The JSON the raw body holds; undefined when it is not JSON. */
function parseBody(raw: unknown): unknown {
  if (isObject(raw)) return raw;
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The activity `body` is, with its timestamps as Dates as botbuilder's own (unexported)
 * validateAndFixActivity makes them; undefined without a type and a channel (botbuilder's
 * authentication reads the channel as a string) or with a service URL that is not a string.
 */
function activityFrom(body: unknown): Activity | undefined {
  if (!isObject(body) || typeof body.type !== 'string' || !body.type) return undefined;
  if (typeof body.channelId !== 'string') return undefined;
  if (body.serviceUrl !== undefined && typeof body.serviceUrl !== 'string') return undefined;
  const activity = { ...body } as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}
