import type { TurnContext } from 'botbuilder';
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
    const filter = args.toLowerCase();
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
    const title = filter ? `Link history: ${args}` : 'Link history';
    const empty = filter
      ? `No finished link request mentions "${args}".`
      : 'No link request has finished yet.';
    await context.sendActivity({
      attachments: [cardAttachment('link-list', requestListData(title, matching, empty))],
    });
  }
}
