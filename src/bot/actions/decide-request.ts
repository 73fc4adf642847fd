import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { LinkRequestError } from '../../services/link/request-store';
import type { LinkRequest } from '../../services/link/link-request';
import { actorOf } from '../actor';
import { cardResponse, dataString, messageResponse } from './card-action';
import type { CardAction } from './card-action';
import { turnLogger } from '../middleware/correlation-middleware';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { LINK_VERBS } from '../verbs';
import type { CardVerb } from '../verbs';
import { viewerFor } from './request-view';

/**
 * Approve or Reject on a request card. The decision is checked server-side against the clicker's
 * `from.aadObjectId`; the card only says which request. An approval starts the run in the background
 * and answers at once with the running card.
 */
export class DecideRequestAction implements CardAction {
  readonly verb: CardVerb;

  constructor(
    private readonly verdict: 'approved' | 'rejected',
    private readonly services: LinkChatServices,
  ) {
    this.verb = verdict === 'approved' ? LINK_VERBS.approve : LINK_VERBS.reject;
  }

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const { requests, audit, runner, cards } = this.services;
    const actor = actorOf(context);
    const log = turnLogger(context);
    const requestId = dataString(data, 'requestId');
    let request: LinkRequest;
    try {
      request = await requests.decide(requestId, actor, this.verdict);
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      log?.warn({ requestId, reason: err.reason }, 'decision refused');
      const current = err.request ?? (requestId ? await requests.get(requestId) : undefined);
      if (current) {
        await audit.append({
          action: 'link.refused',
          actor: { aadObjectId: actor.aadObjectId, name: actor.name },
          requestId: current.id,
          correlationId: current.correlationId,
          detail: `${this.verdict === 'approved' ? 'approve' : 'reject'} refused (${err.reason}): ${err.message}`,
        });
        return cardResponse(requestCard(current, viewerFor(current, actor), err.message));
      }
      return messageResponse(err.message);
    }
    await audit.append({
      action: this.verdict === 'approved' ? 'link.approved' : 'link.rejected',
      actor: { aadObjectId: actor.aadObjectId, name: actor.name },
      requestId: request.id,
      correlationId: request.correlationId,
      detail: `${this.verdict} by ${actor.name}`,
      cloudUserId: request.preflight.cloud.id,
    });
    log?.info({ requestId, verdict: this.verdict, correlationId: request.correlationId }, 'request decided');
    void cards
      .refresh(request)
      .catch((e: unknown) => log?.warn({ err: e }, 'refreshing request cards failed'));
    if (this.verdict === 'approved') {
      void runner.run(request.id).catch((e: unknown) => log?.error({ err: e, requestId }, 'link run failed'));
    }
    return cardResponse(requestCard(request, 'approvers'));
  }
}
