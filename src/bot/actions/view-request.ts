import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { actorOf } from '../actor';
import { UNKNOWN_REQUEST } from '../../services/link/request-store';
import { cardResponse, dataGuid, messageResponse, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';
import { viewerOf } from '../views/request';

/** The request card's refresh (Teams calls it for the users in `refresh.userIds`): the viewer's own view. */
export class ViewRequestAction implements CardAction {
  readonly verb = LINK_VERBS.view;

  constructor(private readonly services: Pick<LinkChatServices, 'link'>) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const requestId = dataGuid(data, 'requestId');
    if (!requestId) return refusedDataResponse(context, data, 'requestId', UNKNOWN_REQUEST);
    const request = await this.services.link.get(requestId);
    if (!request) return messageResponse(UNKNOWN_REQUEST);
    return cardResponse(requestCard(request, viewerOf(request, actorOf(context))));
  }
}
