import { randomUUID } from 'node:crypto';
import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../../shared/logger';

const LOGGER_KEY = Symbol('anchor.logger');
const CORRELATION_KEY = Symbol('anchor.correlationId');

/** The per-turn logger set by {@link CorrelationMiddleware}. */
export function turnLogger(context: TurnContext): Logger | undefined {
  return context.turnState.get(LOGGER_KEY);
}

/** The correlation id of the turn, quoted to users so logs can be found from a chat message. */
export function correlationIdOf(context: TurnContext): string | undefined {
  return context.turnState.get(CORRELATION_KEY);
}

/** Gives every activity a correlation id and a child logger that carries it on every line. */
export class CorrelationMiddleware implements Middleware {
  constructor(private readonly logger: Logger) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const correlationId = randomUUID();
    const log = this.logger.child({
      correlationId,
      activityId: activity.id,
      activityType: activity.type,
      activityName: activity.name,
      conversationType: activity.conversation?.conversationType,
      from: activity.from?.aadObjectId,
      tenant: activity.channelData?.tenant?.id ?? activity.conversation?.tenantId,
    });
    context.turnState.set(CORRELATION_KEY, correlationId);
    context.turnState.set(LOGGER_KEY, log);
    log.info('activity received');
    const started = Date.now();
    await next();
    log.info({ durationMs: Date.now() - started }, 'activity handled');
  }
}
