import { TurnContext } from 'botbuilder';
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import type { CardMessenger } from './card-messenger';
import { cardResponse } from '../actions/card-action';
import { turnLogger } from '../middleware/correlation-middleware';

/** Teams waits about 5 s for an invoke answer; this leaves room for the network. */
export const INVOKE_BUDGET_MS = 3500;

/**
 * Answers a card click with the card `work` produces when it is ready within the budget, and
 * otherwise with `placeholder` at once, replacing the clicked card in place when `work` finishes.
 */
export async function cardWithin(
  context: TurnContext,
  messenger: CardMessenger,
  work: Promise<Record<string, unknown>>,
  placeholder: Record<string, unknown>,
  budgetMs = INVOKE_BUDGET_MS,
): Promise<AdaptiveCardInvokeResponse> {
  let timer: NodeJS.Timeout | undefined;
  const late = Symbol('late');
  const first = await Promise.race([
    work,
    new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), budgetMs))),
  ]).finally(() => clearTimeout(timer));
  if (first !== late) return cardResponse(first);

  const conversation = TurnContext.getConversationReference(context.activity);
  const activityId = context.activity.replyToId;
  const log = turnLogger(context);
  log?.info({ budgetMs }, 'card work continues in the background');
  void work.then(
    (card) => (activityId ? messenger.update({ conversation, activityId }, card) : undefined),
    (err: unknown) => log?.error({ err }, 'background card work failed'),
  );
  return cardResponse(placeholder);
}
