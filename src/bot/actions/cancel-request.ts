import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { LinkRequestError, UNKNOWN_REQUEST } from '../../services/link/request-store';
import { actorOf } from '../actor';
import { cardResponse, dataGuid, messageResponse, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';
import { viewerOf } from '../views/request';

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
      if (!(err instanceof LinkRequestError)) throw err;
      const current = err.request;
      return current
        ? cardResponse(requestCard(current, viewerOf(current, actor), err.message))
        : messageResponse(err.message);
    }
  }
}
