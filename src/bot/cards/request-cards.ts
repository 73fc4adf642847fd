import type { Logger } from '../../shared/logger';
import type { CardLocation, LinkRequest } from '../../services/link/link-request';
import type { LinkService } from '../../services/link/link-service';
import { adminTargets } from './admin-targets';
import type { AdminAudience } from './admin-targets';
import type { CardMessenger } from './card-messenger';
import { expandCard } from './card-templates';
import { requestCardData } from '../views/request';
import type { RequestViewer } from '../views/request';

/** What publishing a request did. */
export interface Publication {
  /** The request with the approval cards' locations added. */
  request: LinkRequest;
  /** Where the cards went, in words for the requester: "the admin channel General", "Adele Vance's chat". */
  sentTo: string[];
}

/** Settings of {@link RequestCards}. */
export interface RequestCardsOptions extends AdminAudience {
  messenger: CardMessenger;
  link: Pick<LinkService, 'addCards'>;
  logger: Logger;
}

/** The request card for one viewer. */
export function requestCard(
  request: LinkRequest,
  viewer: RequestViewer,
  notice = '',
): Record<string, unknown> {
  return expandCard('link-request', requestCardData(request, viewer, notice));
}

/**
 * Every posted copy of a request's card: the approval cards sent to admins, and the requester's.
 * A change to the request updates each copy in place with the view its audience should see.
 */
export class RequestCards {
  constructor(private readonly options: RequestCardsOptions) {}

  /** Sends the approval card to the admin channel, or else to every other admin's personal chat. */
  async publish(request: LinkRequest): Promise<Publication> {
    const { messenger } = this.options;
    const targets = await adminTargets(this.options, request.requester.aadObjectId);
    const card = requestCard(request, 'approvers');
    const locations: CardLocation[] = [];
    const sentTo: string[] = [];
    for (const target of targets) {
      try {
        const activityId = await messenger.send(target.conversation, card);
        if (activityId)
          locations.push({ conversation: target.conversation, activityId, audience: 'approvers' });
        sentTo.push(target.name);
      } catch (err) {
        this.options.logger.warn(
          { err, requestId: request.id, target: target.name },
          'sending an approval card failed',
        );
      }
    }
    const published =
      locations.length > 0 ? await this.options.link.addCards(request.id, locations) : request;
    return { request: published, sentTo };
  }

  /** Updates every posted copy of the request's card to its current state. */
  async refresh(request: LinkRequest): Promise<void> {
    await Promise.all(
      request.cards.map((location) =>
        this.options.messenger.update(location, requestCard(request, location.audience)),
      ),
    );
  }
}
