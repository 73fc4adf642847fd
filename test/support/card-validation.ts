import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import type * as AdaptiveCards from 'adaptivecards';
import { PROJECT_ROOT } from '../../src/shared/paths';

/** Microsoft's schemas and Teams host configs, copied unchanged into the repository (see its README). */
export const SCHEMAS_DIR = path.join(PROJECT_ROOT, 'test', 'schemas');

// The `lib/` entry of adaptivecards fails under Node; the bundled `dist/` one works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Problems the official Adaptive Cards parser finds in a card under schema 1.5. */
export function parserProblems(card: object): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

let schemaValidator: ValidateFunction | undefined;

/** Problems the official Adaptive Card 1.5 JSON schema finds, or a clear error if it is missing. */
export function schemaProblems(card: object): string[] {
  if (!schemaValidator) {
    const file = path.join(SCHEMAS_DIR, 'adaptive-cards', 'adaptive-card-1.5.schema.json');
    if (!existsSync(file))
      throw new Error(`Adaptive Card schema not found at ${file}; it is part of the repository`);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addMetaSchema(draft06);
    // The upstream file declares draft-06 but names itself with draft-04's `id`; ajv wants `$id`.
    const { id, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as { id?: string };
    schemaValidator = ajv.compile({ $id: id, ...schema });
  }
  return schemaValidator(card)
    ? []
    : (schemaValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
