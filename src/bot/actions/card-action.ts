import { ActivityTypes } from 'botbuilder';
import type { Activity, AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { isGuid } from '../../shared/guid';
import { turnLogger } from '../middleware/correlation-middleware';
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

/** What a verb looks like; anything else is not repeated back to the clicker. */
const VERB_SHAPE = /^[a-z][a-z.-]{0,63}$/i;

/** The invoke answer for an action the bot does not know (a stale or forged card). */
export function unknownActionResponse(verb: unknown): AdaptiveCardInvokeResponse {
  const named = typeof verb === 'string' && VERB_SHAPE.test(verb) ? ` "${verb}"` : '';
  return {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message: `Anchor does not know the action${named}.` },
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

/**
 * A click's `data` as the plain object the card's `Action.Execute` sends; anything else a crafted
 * activity may carry there (a string, an array, null) reads as no data at all.
 */
export function cardData(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * A card's `data` value as a trimmed string; anything else (missing, a number, an object, a key
 * only inherited such as `constructor`) is ''.
 */
export function dataString(data: Record<string, unknown>, key: string): string {
  const value = Object.hasOwn(data, key) ? data[key] : undefined;
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * A card's `data` value when it is a GUID, as every id Anchor puts on a card (request, draft, AD
 * and cloud user) is; undefined for anything else. Checked before any store or service sees it,
 * so a crafted value gets the same answer as an id Anchor does not know and changes nothing.
 */
export function dataGuid(data: Record<string, unknown>, key: string): string | undefined {
  const value = dataString(data, key);
  return isGuid(value) ? value : undefined;
}

/**
 * The invoke-response activity that shows `text` to the person who clicked, for middleware that
 * answers a click before any action runs.
 */
export function invokeMessageActivity(text: string): Partial<Activity> {
  return { type: ActivityTypes.InvokeResponse, value: { status: 200, body: messageResponse(text) } };
}

/**
 * The answer to a click whose `field` is not what Anchor put on the card: `text`, the same words
 * an unknown id gets. A value that is there but is no id (a stale client or a crafted activity) is
 * logged by field name; the value itself is not, as it may be 10 kB of anything.
 */
export function refusedDataResponse(
  context: TurnContext,
  data: Record<string, unknown>,
  field: string,
  text: string,
): AdaptiveCardInvokeResponse {
  if (Object.hasOwn(data, field) && data[field] !== '') {
    turnLogger(context)?.warn({ verb: context.activity.value?.action?.verb, field }, 'card data refused');
  }
  return messageResponse(text);
}
