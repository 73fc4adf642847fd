import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { adminMessage } from '../../shared/admin-facing-error';
import type { LinkService } from '../../services/link/link-service';
import type { PreflightReport } from '../../services/link/preflight/report';
import { actorOf } from '../actor';
import type { CardMessenger } from '../cards/card-messenger';
import { dataGuid, refusedDataResponse } from './card-action';
import type { CardAction } from './card-action';
import { expandCard } from '../cards/card-templates';
import { turnLogger } from '../middleware/correlation-middleware';
import { cardWithin } from '../cards/deferred-card';
import { LINK_VERBS } from '../verbs';
import { preflightCardData } from '../views/preflight';
import { listMessageData } from '../views/request-list';

/** What a click without a picked pair (or with anything but two ids in it) is told. */
export const PICK_BOTH = 'Pick both an AD account and a cloud user from the lists first.';

/** Runs the preflight of one pair. */
export type PreflightRunner = (subjects: {
  adObjectGuid: string;
  cloudUserId: string;
}) => Promise<PreflightReport>;

/** What {@link CheckPairAction} needs. */
export interface CheckPairDependencies {
  preflight: PreflightRunner;
  link: Pick<LinkService, 'saveDraft'>;
  messenger: CardMessenger;
}

/** "Check this pair" / "Check again": runs the preflight and shows its checklist in place. */
export class CheckPairAction implements CardAction {
  readonly verb = LINK_VERBS.check;

  constructor(private readonly deps: CheckPairDependencies) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const adObjectGuid = dataGuid(data, 'adUser');
    const cloudUserId = dataGuid(data, 'cloudUser');
    if (!adObjectGuid || !cloudUserId) {
      const field = adObjectGuid ? 'cloudUser' : 'adUser';
      return refusedDataResponse(context, data, field, PICK_BOTH);
    }
    const actor = actorOf(context);
    const log = turnLogger(context);
    const work = this.deps
      .preflight({ adObjectGuid, cloudUserId })
      .then(async (report) => {
        log?.info({ verdict: report.verdict, immutableId: report.immutableId }, 'preflight');
        const draftId = await this.deps.link.saveDraft(actor.aadObjectId, report);
        return expandCard('link-preflight', preflightCardData(report, draftId));
      })
      .catch((err: unknown) => {
        log?.warn({ err }, 'preflight could not run');
        return expandCard(
          'link-list',
          listMessageData('✗ The preflight could not run', `${adminMessage(err)} Run \`link user\` again.`),
        );
      });
    const placeholder = expandCard(
      'link-list',
      listMessageData(
        'Checking the pair…',
        'Anchor is reading AD, Entra ID and the sync server. This card updates when the checks are done.',
      ),
    );
    return cardWithin(context, this.deps.messenger, work, placeholder);
  }
}
