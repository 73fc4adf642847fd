import type { TurnContext } from 'botbuilder';
import type { Person } from '../services/link/link-request';

/**
 * Who is acting in this turn, as the channel reported them. Identity always comes from the
 * activity (`from.aadObjectId`), never from a card's data.
 */
export function actorOf(context: TurnContext): Person {
  const from = context.activity.from;
  return { aadObjectId: from?.aadObjectId ?? '', name: from?.name || 'an admin', chatUserId: from?.id };
}
