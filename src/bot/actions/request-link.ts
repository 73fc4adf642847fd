import { TurnContext } from 'botbuilder';
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { LinkDraftError, UNKNOWN_DRAFT } from '../../services/link/drafts';
import type { LinkDraft } from '../../services/link/drafts';
import type { LinkRequest } from '../../services/link/link-request';
import { LinkRequestError } from '../../services/link/request-store';
import { actorOf } from '../actor';
import { cardResponse, dataGuid, dataString, messageResponse, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import { expandCard } from '../cards/card-templates';
import { correlationIdOf, turnLogger } from '../middleware/correlation-middleware';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { approvalNotice, approvalNoticeTone } from '../cards/approval-notice';
import { LINK_VERBS } from '../verbs';
import { acknowledgementInput, preflightCardData } from '../views/preflight';
import { twinPlanCardData } from '../views/twin-plan';
import { planWarnings } from '../../services/link/twin/twin-plan';

/** "Request approval" on the preflight card: files the request and sends the approval card. */
export class RequestLinkAction implements CardAction {
  readonly verb = LINK_VERBS.request;

  constructor(private readonly services: LinkChatServices) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const { link } = this.services;
    const draftId = dataGuid(data, 'draftId');
    if (!draftId) return refusedDataResponse(context, data, 'draftId', UNKNOWN_DRAFT);
    const actor = actorOf(context);
    let draft: LinkDraft;
    try {
      draft = await link.draft(draftId, actor.aadObjectId);
    } catch (err) {
      if (err instanceof LinkDraftError) return messageResponse(err.message);
      throw err;
    }
    let request: LinkRequest;
    try {
      request = await link.file({
        draft,
        requester: actor,
        reason: dataString(data, 'reason'),
        acknowledged: ticked(draft, data),
        correlationId: correlationIdOf(context) ?? draft.id,
      });
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      if (err.request) return cardResponse(requestCard(err.request, 'requester', err.message));
      // A refused twin fix shows its plan again: the requester was looking at the plan, not the preflight.
      if (draft.twinPlan) {
        return cardResponse(expandCard('twin-plan', twinPlanCardData(draft.twinPlan, draft.id, err.message)));
      }
      return cardResponse(
        expandCard('link-preflight', preflightCardData(draft.report, draft.id, err.message)),
      );
    }
    const activityId = context.activity.replyToId;
    if (activityId) {
      request = await link.addCards(request.id, [
        {
          conversation: TurnContext.getConversationReference(context.activity),
          activityId,
          audience: 'requester',
        },
      ]);
    }
    void this.publish(request, turnLogger(context));
    return cardResponse(
      requestCard(request, 'requester', 'Sending the approval card to the other admins…', 'Default'),
    );
  }

  /** Sends the approval cards, then tells the requester (on their card) where they went and who was not reached. */
  private async publish(request: LinkRequest, log: ReturnType<typeof turnLogger>): Promise<void> {
    const { cards } = this.services;
    try {
      const publication = await cards.publish(request);
      await cards.noticeToRequester(
        publication.request,
        approvalNotice(publication),
        approvalNoticeTone(publication),
      );
    } catch (err) {
      log?.error({ err, requestId: request.id }, 'publishing the approval card failed');
    }
  }
}

/** The warnings of the draft (a twin plan's, else the preflight's ⚠ checks) whose toggle the requester turned on. */
function ticked(draft: LinkDraft, data: Record<string, unknown>): string[] {
  const ids = draft.twinPlan
    ? planWarnings(draft.twinPlan).map((w) => w.id)
    : draft.report.checks.filter((c) => c.status === 'warn').map((c) => c.id);
  return ids.filter((id) => dataString(data, acknowledgementInput(id)) === 'true');
}
