import type { LinkService } from '../services/link/link-service';
import type { TwinPlanning } from '../services/link/twin/twin-planning';
import type { CardMessenger } from './cards/card-messenger';
import type { RequestCards } from './cards/request-cards';

/** The services the request actions and commands share. */
export interface LinkChatServices {
  /** The link requests' rules: file, decide, cancel; every change is audited and announced there. */
  link: LinkService;
  /** Every posted copy of a request's card. */
  cards: RequestCards;
  messenger: CardMessenger;
  twinPlanner: TwinPlanning;
}
