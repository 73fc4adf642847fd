import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { CardFactory } from 'botbuilder';
import type { Attachment } from 'botbuilder';
import { CARDS_DIR } from '../../shared/paths';
import type { AlertCardData } from '../views/alert';
import type { CandidatesCardData } from '../views/candidates';
import type { HelpCardData } from '../views/help';
import type { PreflightCardData } from '../views/preflight';
import type { RequestCardData } from '../views/request';
import type { RequestListCardData } from '../views/request-list';
import type { StatusCardData } from '../views/status';
import type { TwinPlanCardData } from '../views/twin-plan';

/** The data each card template in `cards/` binds, by file name without `.json`. */
export interface CardData {
  help: HelpCardData;
  status: StatusCardData;
  'link-candidates': CandidatesCardData;
  'link-preflight': PreflightCardData;
  'link-request': RequestCardData;
  'link-list': RequestListCardData;
  alert: AlertCardData;
  'twin-plan': TwinPlanCardData;
}

/** The card templates in `cards/`, by file name without `.json`. */
export type CardName = keyof CardData;

const templates = new Map<CardName, object>();

function template(name: CardName): object {
  let json = templates.get(name);
  if (!json) {
    json = JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')) as object;
    templates.set(name, json);
  }
  return json;
}

/**
 * Expands a card template with data. Values are bound by the templating engine, never pasted
 * into JSON text, so user-supplied strings cannot change the card's structure.
 */
export function expandCard<N extends CardName>(name: N, data: CardData[N]): Record<string, unknown> {
  const card = new Template(template(name)).expand({ $root: data }) as Record<string, unknown>;
  // A top-level object dropped by `$when` (the refresh of a decided request) expands to null.
  for (const [key, value] of Object.entries(card)) if (value === null) delete card[key];
  return card;
}

/** Expands a card template into a Bot Framework attachment. */
export function cardAttachment<N extends CardName>(name: N, data: CardData[N]): Attachment {
  return CardFactory.adaptiveCard(expandCard(name, data));
}
