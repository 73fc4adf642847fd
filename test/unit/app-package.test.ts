import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { createCommandRouter } from '../../src/bot/create-bot';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { botHarness } from '../support/bot-harness';
import { SCHEMAS_DIR } from '../support/card-validation';

const APP_PACKAGE = path.join(PROJECT_ROOT, 'appPackage');
const manifest = JSON.parse(readFileSync(path.join(APP_PACKAGE, 'manifest.json'), 'utf8')) as {
  manifestVersion: string;
  icons: { color: string; outline: string };
  bots: { commandLists: { commands: { title: string }[] }[] }[];
};

/**
 * The command column of the README's `## Commands` table: each row's first cell, in backticks.
 * Fails when the section or its table is missing, so a renamed heading cannot pass by matching nothing.
 */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = /^## Commands\n([\s\S]*?)(?=^#{1,3} )/m.exec(readme)?.[1];
  assert.ok(section, 'README.md has no "## Commands" section');
  const rows = section
    .split('\n')
    .map((line) => /^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1])
    .filter((usage): usage is string => usage !== undefined);
  assert.ok(rows.length > 0, 'the README\'s "## Commands" section has no command table');
  return rows;
}

/** A usage line's command name (the words before its arguments) and its kinds of argument. */
function shapeOf(usage: string): { name: string; required: boolean; optional: boolean } {
  return {
    name: usage.split(/\s+[<[]/)[0].trim(),
    required: /<[^>]+>/.test(usage),
    optional: /\[[^\]]+\]/.test(usage),
  };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('Teams app package', () => {
  it('validates against the official Teams manifest schema of its version', () => {
    const schemaFile = path.join(
      SCHEMAS_DIR,
      'teams',
      `v${manifest.manifestVersion}`,
      'MicrosoftTeams.schema.json',
    );
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const valid = validate(manifest);
    assert.deepEqual(valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`), []);
  });

  it('has a 192x192 color icon and a 32x32 outline icon, as Teams requires', () => {
    assert.deepEqual(pngSize(path.join(APP_PACKAGE, manifest.icons.color)), { width: 192, height: 192 });
    assert.deepEqual(pngSize(path.join(APP_PACKAGE, manifest.icons.outline)), { width: 32, height: 32 });
  });

  it('lists exactly the commands the bot understands', () => {
    const router = createCommandRouter(botHarness().services);
    const titles = manifest.bots[0].commandLists[0].commands.map((c) => c.title);
    assert.deepEqual(
      titles,
      router.list().map((c) => c.name),
    );
    for (const title of titles) assert.equal(router.parse(title)?.command.name, title);
  });

  it("matches the README's command table: the same commands, in the same order, with the same kind of arguments", () => {
    const registry = createCommandRouter(botHarness().services).list();
    assert.deepEqual(
      readmeCommands().map(shapeOf),
      registry.map((c) => shapeOf(c.usage)),
      'README.md "## Commands" and the bot\'s command registry (src/bot/create-bot.ts) disagree',
    );
    assert.deepEqual(
      registry.map((c) => shapeOf(c.usage).name),
      registry.map((c) => c.name),
      'a usage line does not start with its command',
    );
  });
});
