import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { CardFactory } from 'botbuilder';
import type { Attachment } from 'botbuilder';
import { CARDS_DIR } from '../../shared/paths';

/** The card templates in `cards/`, by file name without `.json`. */
export type CardName =
  'help' | 'status' | 'link-candidates' | 'link-preflight' | 'link-request' | 'link-list';

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
export function expandCard(name: CardName, data: object): Record<string, unknown> {
  const card = new Template(template(name)).expand({ $root: data }) as Record<string, unknown>;
  // A top-level object dropped by `$when` (the refresh of a decided request) expands to null.
  for (const [key, value] of Object.entries(card)) if (value === null) delete card[key];
  return card;
}

/** Expands a card template into a Bot Framework attachment. */
export function cardAttachment(name: CardName, data: object): Attachment {
  return CardFactory.adaptiveCard(expandCard(name, data));
}
