import { ActivityTypes } from 'botbuilder';
import type { Activity, AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { CardVerb } from '../verbs';

/** A card button (`Action.Execute`) the bot handles, by its verb. */
export interface CardAction {
  /** The verb it handles, one of `verbs.ts`'s; the bot registers one action per verb. */
  readonly verb: CardVerb;
  /** Runs the action; must answer within Teams' ~5 s invoke budget. */
  run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse>;
}

/** The invoke answer that replaces the clicked card with `card`. */
export function cardResponse(card: Record<string, unknown>): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** The invoke answer for an action the bot does not know (a stale or forged card). */
export function unknownActionResponse(verb: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message: `Anchor does not know the action "${verb}".` },
  };
}

/** The invoke answer that leaves the card as it is and shows `text` to the person who clicked. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // Teams expects the text itself as the value; botbuilder's type only allows an object.
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: text as unknown as Record<string, unknown>,
  };
}

/** A card's `data` value as a trimmed string; anything else (missing, a number, an object) is ''. */
export function dataString(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The invoke-response activity that shows `text` to the person who clicked, for middleware that
 * answers a click before any action runs.
 */
export function invokeMessageActivity(text: string): Partial<Activity> {
  return { type: ActivityTypes.InvokeResponse, value: { status: 200, body: messageResponse(text) } };
}
