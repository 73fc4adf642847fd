import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { UNKNOWN_REQUEST } from '../../services/link/request-store';
import { actorOf } from '../actor';
import { cardResponse, dataGuid, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import { requestRefusal } from './request-refusal';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';
import type { CardVerb } from '../verbs';

/**
 * Approve or Reject on a request card. The decision is checked server-side against the clicker's
 * `from.aadObjectId`; the card only says which request. An approval starts the run in the
 * background (a listener of the link service) and answers at once with the approved card.
 */
export class DecideRequestAction implements CardAction {
  readonly verb: CardVerb;

  constructor(
    private readonly verdict: 'approved' | 'rejected',
    private readonly services: Pick<LinkChatServices, 'link'>,
  ) {
    this.verb = verdict === 'approved' ? LINK_VERBS.approve : LINK_VERBS.reject;
  }

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const requestId = dataGuid(data, 'requestId');
    if (!requestId) return refusedDataResponse(context, data, 'requestId', UNKNOWN_REQUEST);
    const actor = actorOf(context);
    try {
      const request = await this.services.link.decide(requestId, actor, this.verdict);
      return cardResponse(requestCard(request, 'approvers'));
    } catch (err) {
      return requestRefusal(err, actor);
    }
  }
}
