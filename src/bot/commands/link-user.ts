import type { TurnContext } from 'botbuilder';
import { DirectoryError } from '../../shared/directory/directory-error';
import type { CandidateServices } from '../../services/link/candidates';
import { findLinkCandidates } from '../../services/link/candidates';
import { cardAttachment } from '../cards/card-templates';
import type { Command } from './command';
import { turnLogger } from '../middleware/correlation-middleware';
import { candidatesCardData } from '../views/candidates';

/** What `link user` with nothing after it answers. */
export const LINK_USAGE =
  "Type **link user** and part of the person's name, their login, UPN or mail, e.g. `link user apes` " +
  'or `link user aaron.pescasio@contoso.com`. Anchor shows the AD and cloud candidates side by side.';

/** `link user <text>`: AD and cloud candidates side by side, the most plausible pair preselected. */
export class LinkUserCommand implements Command {
  readonly name = 'link user';
  readonly usage = 'link user <name, login, UPN or mail>';
  readonly description =
    'Find the AD account and the cloud user to link, check the pair and ask for approval.';

  constructor(private readonly services: CandidateServices) {}

  async run(context: TurnContext, args: string): Promise<void> {
    if (!args) {
      await context.sendActivity(LINK_USAGE);
      return;
    }
    let found;
    try {
      found = await findLinkCandidates(args, this.services);
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      turnLogger(context)?.info({ err: err.message }, 'link user refused the search text');
      await context.sendActivity(err.message);
      return;
    }
    turnLogger(context)?.info(
      { ad: found.ad.users.length, cloud: found.cloud.users.length, preselected: !!found.preselected },
      'link candidates',
    );
    await context.sendActivity({
      attachments: [cardAttachment('link-candidates', candidatesCardData(found))],
    });
  }
}
