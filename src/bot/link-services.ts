import type { AuditLog } from '../services/audit/audit-log';
import type { LinkDrafts } from '../services/link/drafts';
import type { LinkRequests } from '../services/link/request-store';
import type { CardMessenger } from './cards/card-messenger';
import type { RequestCards } from './cards/request-cards';

/** Runs an approved request (the link workflow); resolves when the run is over. */
export interface LinkRunner {
  run(requestId: string): Promise<unknown>;
}

/** The services the request actions and commands share. */
export interface LinkChatServices {
  requests: LinkRequests;
  drafts: LinkDrafts;
  audit: AuditLog;
  cards: RequestCards;
  messenger: CardMessenger;
  runner: LinkRunner;
}
