import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type restify from 'restify';

/**
 * Where the HTTP server hands Bot Framework activities (`POST /api/messages`). The server routes
 * to it and knows nothing of the adapter or the bot, so the chat SDK stays inside src/bot.
 */
export interface MessagesEndpoint {
  /** Authenticates the activity in `req`, runs the bot on it and answers on `res`. */
  process(req: restify.Request, res: restify.Response): Promise<void>;
}

/** The endpoint that runs `bot` on every activity `adapter` accepts. */
export function messagesEndpoint(adapter: CloudAdapter, bot: ActivityHandler): MessagesEndpoint {
  return { process: (req, res) => adapter.process(req, res, (context) => bot.run(context)) };
}
