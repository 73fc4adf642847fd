import type { TurnContext } from 'botbuilder';
import { DirectoryError } from '../../shared/directory/directory-error';
import { normalizeSearchText } from '../../shared/directory/search-text';
import { cardAttachment } from '../cards/card-templates';
import type { Command } from './command';
import type { LinkChatServices } from '../link-services';
import { requestListData } from '../views/request-list';
import { label } from '../views/candidates';

/** How many finished requests `history` shows. */
const SHOWN = 15;
/** How many recent requests `history <name>` looks through. */
const SEARCHED = 200;

/** `history [name]`: recent links with outcome, requester, approver and times. */
export class HistoryCommand implements Command {
  readonly name = 'history';
  readonly usage = 'history [name]';
  readonly description = 'Show recent link requests and how they ended, optionally only those about a name.';

  constructor(private readonly services: Pick<LinkChatServices, 'link'>) {}

  async run(context: TurnContext, args: string): Promise<void> {
    // A name filter follows the rules of a name search: nothing longer or stranger than an AD name.
    let name: string;
    try {
      name = args ? normalizeSearchText(args) : '';
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      await context.sendActivity(err.message);
      return;
    }
    const filter = name.toLowerCase();
    // Only a name filter needs to look further back than what is shown.
    const recent = await this.services.link.listRecent(filter ? SEARCHED : SHOWN);
    const matching = recent
      .filter((r) => {
        if (!filter) return true;
        const { ad, cloud } = r.preflight;
        return [
          label(ad),
          ad.sAMAccountName,
          ad.userPrincipalName,
          cloud.userPrincipalName,
          cloud.displayName,
        ]
          .filter((v): v is string => !!v)
          .some((v) => v.toLowerCase().includes(filter));
      })
      .slice(0, SHOWN);
    const title = filter ? `Link history: ${name}` : 'Link history';
    const empty = filter
      ? `No finished link request mentions "${name}".`
      : 'No link request has finished yet.';
    await context.sendActivity({
      attachments: [cardAttachment('link-list', requestListData(title, matching, empty))],
    });
  }
}
