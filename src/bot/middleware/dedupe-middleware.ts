import { ActivityTypes } from 'botbuilder';
import type { Middleware, TurnContext } from 'botbuilder';
import type { DeliveryLog } from '../../services/conversations/delivery-log';
import { invokeMessageActivity } from '../actions/card-action';
import { turnLogger } from './correlation-middleware';

/** What a click the channel delivered twice answers the second time. */
export const ALREADY_HANDLED = 'Anchor already handled this click.';

/**
 * Handles each message and card click once, whichever instance the channel delivers it to and
 * however often: a repeated activity id is answered without running anything again.
 */
export class DedupeMiddleware implements Middleware {
  constructor(private readonly deliveries: DeliveryLog) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { type, id, conversation } = context.activity;
    if ((type !== ActivityTypes.Message && type !== ActivityTypes.Invoke) || !id || !conversation?.id) {
      return next();
    }
    if (await this.deliveries.firstDelivery(conversation.id, id)) return next();
    turnLogger(context)?.warn({ activityId: id }, 'activity delivered again; not handled twice');
    if (type === ActivityTypes.Invoke) {
      await context.sendActivity(invokeMessageActivity(ALREADY_HANDLED));
    }
  }
}
