import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { UNKNOWN_REQUEST } from '../../services/link/request-store';
import { actorOf } from '../actor';
import { cardResponse, dataGuid, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import { requestRefusal } from './request-refusal';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';

/** "Cancel request" on the requester's card: withdraws a pending request. */
export class CancelRequestAction implements CardAction {
  readonly verb = LINK_VERBS.cancel;

  constructor(private readonly services: Pick<LinkChatServices, 'link'>) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const requestId = dataGuid(data, 'requestId');
    if (!requestId) return refusedDataResponse(context, data, 'requestId', UNKNOWN_REQUEST);
    const actor = actorOf(context);
    try {
      const request = await this.services.link.cancel(requestId, actor);
      return cardResponse(requestCard(request, 'requester'));
    } catch (err) {
      return requestRefusal(err, actor);
    }
  }
}
