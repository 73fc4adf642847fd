import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { isGuid } from '../../shared/guid';
import type { LinkDrafts } from '../../services/link/drafts';
import type { PreflightReport } from '../../services/link/preflight/report';
import { actorOf } from '../actor';
import type { CardMessenger } from '../cards/card-messenger';
import { dataString, messageResponse } from './card-action';
import type { CardAction } from './card-action';
import { expandCard } from '../cards/card-templates';
import { turnLogger } from '../middleware/correlation-middleware';
import { cardWithin } from '../cards/deferred-card';
import { LINK_VERBS } from '../verbs';
import { preflightCardData } from '../views/preflight';

/** Runs the preflight of one pair. */
export type PreflightRunner = (subjects: {
  adObjectGuid: string;
  cloudUserId: string;
}) => Promise<PreflightReport>;

/** What {@link CheckPairAction} needs. */
export interface CheckPairDependencies {
  preflight: PreflightRunner;
  drafts: LinkDrafts;
  messenger: CardMessenger;
}

/** "Check this pair" / "Check again": runs the preflight and shows its checklist in place. */
export class CheckPairAction implements CardAction {
  readonly verb = LINK_VERBS.check;

  constructor(private readonly deps: CheckPairDependencies) {}

  async run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const adObjectGuid = dataString(data, 'adUser');
    const cloudUserId = dataString(data, 'cloudUser');
    if (!isGuid(adObjectGuid) || !isGuid(cloudUserId)) {
      return messageResponse('Pick both an AD account and a cloud user from the lists first.');
    }
    const actor = actorOf(context);
    const log = turnLogger(context);
    const work = this.deps
      .preflight({ adObjectGuid, cloudUserId })
      .then(async (report) => {
        log?.info({ verdict: report.verdict, immutableId: report.immutableId }, 'preflight');
        const draftId = await this.deps.drafts.save(actor.aadObjectId, report);
        return expandCard('link-preflight', preflightCardData(report, draftId));
      })
      .catch((err: unknown) => {
        log?.warn({ err }, 'preflight could not run');
        return expandCard('link-list', {
          title: '✗ The preflight could not run',
          empty: `${err instanceof Error ? err.message : String(err)} Run \`link user\` again.`,
          items: [],
        });
      });
    const placeholder = expandCard('link-list', {
      title: 'Checking the pair…',
      empty:
        'Anchor is reading AD, Entra ID and the sync server. This card updates when the checks are done.',
      items: [],
    });
    return cardWithin(context, this.deps.messenger, work, placeholder);
  }
}
