import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { adminMessage } from '../../shared/admin-facing-error';
import { LinkDraftError, UNKNOWN_DRAFT } from '../../services/link/drafts';
import type { LinkDraft } from '../../services/link/drafts';
import type { LinkService } from '../../services/link/link-service';
import type { TwinPlanning } from '../../services/link/twin/twin-planning';
import { actorOf } from '../actor';
import type { CardMessenger } from '../cards/card-messenger';
import { expandCard } from '../cards/card-templates';
import { cardWithin } from '../cards/deferred-card';
import { turnLogger } from '../middleware/correlation-middleware';
import { LINK_VERBS } from '../verbs';
import { listMessageData } from '../views/request-list';
import { twinPlanCardData } from '../views/twin-plan';
import { dataGuid, messageResponse, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';

/** What {@link PlanTwinFixAction} needs. */
export interface PlanTwinFixDependencies {
  link: Pick<LinkService, 'draft' | 'saveTwinDraft'>;
  twinPlanner: TwinPlanning;
  messenger: CardMessenger;
}

/**
 * "Plan the fix" on a preflight blocked by a synced twin: plans the fix from the draft's report,
 * keeps the plan as a new draft (the card carries only its id) and shows the plan card in place.
 */
export class PlanTwinFixAction implements CardAction {
  readonly verb = LINK_VERBS.planTwinFix;

  constructor(private readonly deps: PlanTwinFixDependencies) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const draftId = dataGuid(data, 'draftId');
    if (!draftId) return refusedDataResponse(context, data, 'draftId', UNKNOWN_DRAFT);
    const actor = actorOf(context);
    let draft: LinkDraft;
    try {
      draft = await this.deps.link.draft(draftId, actor.aadObjectId);
    } catch (err) {
      if (err instanceof LinkDraftError) return messageResponse(err.message);
      throw err;
    }
    const log = turnLogger(context);
    // Planning reads both users' footprints and the directory's OUs: it may outlast Teams' budget.
    const work = this.deps.twinPlanner
      .plan(draft.report)
      .then(async (plan) => {
        log?.info({ verdict: plan.verdict, twin: plan.twin.id }, 'twin fix planned');
        const planDraftId = await this.deps.link.saveTwinDraft(actor.aadObjectId, plan);
        return expandCard('twin-plan', twinPlanCardData(plan, planDraftId));
      })
      .catch((err: unknown) => {
        log?.warn({ err }, 'twin fix could not be planned');
        return expandCard(
          'link-list',
          listMessageData('✗ The fix could not be planned', `${adminMessage(err)} Check the pair again.`),
        );
      });
    const placeholder = expandCard(
      'link-list',
      listMessageData(
        'Planning the fix…',
        'Anchor is reading both cloud users and the directory. This card updates when the plan is ready.',
      ),
    );
    return cardWithin(context, this.deps.messenger, work, placeholder);
  }
}
