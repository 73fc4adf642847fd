import { TurnContext } from 'botbuilder';
import { actorOf } from '../actor';
import { cardAttachment } from '../cards/card-templates';
import type { Command } from './command';
import type { LinkChatServices } from '../link-services';
import { requestCard } from '../cards/request-cards';
import { requestListData } from '../views/request-list';
import { viewerOf } from '../views/request';
import { CardFactory } from 'botbuilder';

/** At most this many request cards follow the list, so a backlog does not flood the chat. */
const CARDS_SHOWN = 5;

/**
 * `pending`: the open requests, then a card for each pending one with the buttons this admin may
 * use (Approve/Reject, or Cancel for their own). Those cards update in place like the others.
 */
export class PendingCommand implements Command {
  readonly name = 'pending';
  readonly usage = 'pending';
  readonly description = 'List the open link requests, with buttons to approve, reject or cancel them.';

  constructor(private readonly services: Pick<LinkChatServices, 'link'>) {}

  async run(context: TurnContext): Promise<void> {
    const open = await this.services.link.listOpen();
    await context.sendActivity({
      attachments: [
        cardAttachment('link-list', requestListData('Open link requests', open, 'No link request is open.')),
      ],
    });
    const actor = actorOf(context);
    const conversation = TurnContext.getConversationReference(context.activity);
    for (const request of open.filter((r) => r.state === 'pending').slice(0, CARDS_SHOWN)) {
      const viewer = viewerOf(request, actor);
      const sent = await context.sendActivity({
        attachments: [CardFactory.adaptiveCard(requestCard(request, viewer))],
      });
      if (sent?.id) {
        await this.services.link.addCards(request.id, [
          { conversation, activityId: sent.id, audience: viewer },
        ]);
      }
    }
  }
}
