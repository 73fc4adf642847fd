import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { LinkRequestError } from '../../services/link/request-store';
import { actorOf } from '../actor';
import { cardResponse, dataString, messageResponse } from './card-action';
import type { CardAction } from './card-action';
import { turnLogger } from '../middleware/correlation-middleware';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';
import { viewerFor } from './request-view';

/** "Cancel request" on the requester's card: withdraws a pending request. */
export class CancelRequestAction implements CardAction {
  readonly verb = LINK_VERBS.cancel;

  constructor(private readonly services: LinkChatServices) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const actor = actorOf(context);
    try {
      const request = await cancelRequest(this.services, dataString(data, 'requestId'), actor, context);
      return cardResponse(requestCard(request, 'requester'));
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      const current = err.request;
      return current
        ? cardResponse(requestCard(current, viewerFor(current, actor), err.message))
        : messageResponse(err.message);
    }
  }
}

/**
 * Cancels a request for `actor`, audits it and updates every copy of its card; shared by the
 * button and the `cancel` command.
 * @throws LinkRequestError when it cannot be cancelled.
 */
export async function cancelRequest(
  services: LinkChatServices,
  requestId: string,
  actor: ReturnType<typeof actorOf>,
  context: TurnContext,
) {
  const request = await services.requests.cancel(requestId, actor);
  await services.audit.append({
    action: 'link.cancelled',
    actor: { aadObjectId: actor.aadObjectId, name: actor.name },
    requestId: request.id,
    correlationId: request.correlationId,
    detail: `cancelled by ${actor.name}`,
  });
  turnLogger(context)?.info({ requestId: request.id }, 'request cancelled');
  void services.cards.refresh(request).catch(() => undefined);
  return request;
}
