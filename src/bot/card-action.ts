import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';

/** A card button (`Action.Execute`) the bot handles, by its verb. */
export interface CardAction {
  readonly verb: string;
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
