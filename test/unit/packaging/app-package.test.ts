import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { createCommandRouter } from '../../../src/bot/create-bot';
import { APP_PACKAGE_DIR, AppPackageError, buildAppPackage } from '../../../src/packaging/app-package';
import type { AppPackage } from '../../../src/packaging/app-package';
import { placeholdersIn } from '../../../src/packaging/placeholders';
import { unzip } from '../../../src/packaging/zip';
import { PACKAGE_VERSION, PROJECT_ROOT } from '../../../src/shared/paths';
import { botHarness } from '../../support/bot-harness';
import { SCHEMAS_DIR } from '../../support/card-validation';
import { decodePng } from '../../support/png';
import { UNZIP, ensureSystemPackages } from '../../support/system-deps';

const TEMPLATE_TEXT = readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
const manifest = JSON.parse(TEMPLATE_TEXT) as {
  manifestVersion: string;
  version: string;
  icons: { color: string; outline: string };
  bots: { commandLists: { commands: { title: string }[] }[] }[];
};

/** What the Agents Toolkit writes into env/.env.dev when it provisions. */
const VALUES = {
  TEAMS_APP_ID: '0d9a3b7e-6f1c-4c55-9a53-2f1f3b0c7a11',
  BOT_ID: '7b2f0c4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  BOT_DOMAIN: 'anchor-x7k2.azurewebsites.net',
  APP_NAME_SUFFIX: '',
} as const;

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

describe('Teams app package', () => {
  let out: string;
  let built: AppPackage;

  before(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'anchor-app-package-'));
    built = buildAppPackage({ envName: 'dev', values: { ...VALUES, APP_NAME_SUFFIX: '-dev' }, outDir: out });
  });

  after(() => rmSync(out, { recursive: true, force: true }));

  it('declares manifest v1.29 or later, with the placeholders the Agents Toolkit fills', () => {
    assert.ok(['1.29', '1.30'].includes(manifest.manifestVersion), manifest.manifestVersion);
    assert.deepEqual(placeholdersIn(TEMPLATE_TEXT).sort(), Object.keys(VALUES).sort());
    assert.equal(manifest.version, PACKAGE_VERSION, 'the app version follows package.json');
  });

  it('builds a manifest that validates against the official schema of the version it declares', () => {
    const written = JSON.parse(readFileSync(built.manifestFile, 'utf8')) as Record<string, unknown>;
    const schemaFile = path.join(
      SCHEMAS_DIR,
      'teams',
      `v${built.manifest.manifestVersion}`,
      'MicrosoftTeams.schema.json',
    );
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const valid = validate(written);
    assert.deepEqual(valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`), []);
    assert.equal(
      written.$schema,
      `https://developer.microsoft.com/json-schemas/teams/v${written.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('fills the ids, the domain and the name from the environment', () => {
    const m = built.manifest as typeof built.manifest & { name: { short: string } };
    assert.equal(m.id, VALUES.TEAMS_APP_ID);
    assert.equal(m.bots[0].botId, VALUES.BOT_ID);
    assert.deepEqual(m.validDomains, [VALUES.BOT_DOMAIN]);
    assert.equal(m.name.short, 'Anchor-dev');
    assert.equal(path.basename(built.manifestFile), 'manifest.dev.json');
    assert.equal(path.basename(built.zipFile), 'appPackage.dev.zip');
  });

  it('zips exactly the manifest and the two icons, readable by Info-ZIP as well', () => {
    const entries = unzip(readFileSync(built.zipFile));
    assert.deepEqual(
      entries.map((e) => e.name),
      ['manifest.json', manifest.icons.color, manifest.icons.outline],
    );
    assert.deepEqual(JSON.parse(entries[0].data.toString('utf8')), built.manifest);
    for (const icon of entries.slice(1)) {
      assert.ok(icon.data.equals(readFileSync(path.join(APP_PACKAGE_DIR, icon.name))), icon.name);
    }
    ensureSystemPackages(UNZIP);
    execFileSync('unzip', ['-tq', built.zipFile]);
    const listed = execFileSync('unzip', ['-Z1', built.zipFile], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(
      listed,
      entries.map((e) => e.name),
    );
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const color = decodePng(readFileSync(path.join(APP_PACKAGE_DIR, manifest.icons.color)));
    const outline = decodePng(readFileSync(path.join(APP_PACKAGE_DIR, manifest.icons.outline)));
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    const offWhite: string[] = [];
    let drawn = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = outline.pixels.subarray(i, i + 4);
      if (a > 0) drawn++;
      if (a > 0 && (r !== 255 || g !== 255 || b !== 255))
        offWhite.push(`pixel ${i / 4}: ${r},${g},${b},${a}`);
    }
    assert.deepEqual(offWhite, [], 'every visible pixel of the outline icon is white');
    assert.ok(drawn > 0 && drawn < 32 * 32, 'the outline icon draws something on a transparent background');
  });

  it('names every missing value at once, and builds nothing', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'anchor-app-package-'));
    try {
      assert.throws(
        () => buildAppPackage({ envName: 'dev', values: { BOT_DOMAIN: VALUES.BOT_DOMAIN }, outDir: empty }),
        (err: unknown) =>
          err instanceof AppPackageError &&
          /needs TEAMS_APP_ID, APP_NAME_SUFFIX, BOT_ID: set them in env\/\.env\.dev/.test(err.message),
      );
      assert.deepEqual(readdirSync(empty), []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  const refusals: [string, Partial<Record<keyof typeof VALUES, string>>, RegExp][] = [
    ['an app id that is not a GUID', { TEAMS_APP_ID: 'anchor' }, /app id "anchor" is not a GUID/],
    ['a bot id that is not a GUID', { BOT_ID: '${{BOT_ID}}x' }, /bot id .* is not a GUID/],
    ['a domain with a scheme', { BOT_DOMAIN: 'https://anchor.example.com' }, /not a host name/],
    ['a domain with a path', { BOT_DOMAIN: 'anchor.example.com/api' }, /not a host name/],
    ['a value that would break JSON text', { BOT_DOMAIN: 'a", "evil.example.com' }, /not a host name/],
  ];
  for (const [what, change, message] of refusals) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => buildAppPackage({ envName: 'dev', values: { ...VALUES, ...change }, outDir: out }),
        (err: unknown) => err instanceof AppPackageError && message.test(err.message),
      );
    });
  }

  it('refuses an environment name that is a path', () => {
    assert.throws(
      () => buildAppPackage({ envName: '../x', values: VALUES, outDir: out }),
      /is not an environment name/,
    );
  });

  it('refuses an icon of the wrong size', () => {
    const source = mkdtempSync(path.join(os.tmpdir(), 'anchor-app-source-'));
    try {
      cpSync(APP_PACKAGE_DIR, source, { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
      writeFileSync(
        path.join(source, manifest.icons.outline),
        readFileSync(path.join(APP_PACKAGE_DIR, manifest.icons.color)),
      );
      assert.throws(
        () =>
          buildAppPackage({
            envName: 'dev',
            values: VALUES,
            sourceDir: source,
            outDir: path.join(source, 'out'),
          }),
        /the outline icon outline\.png is 192×192; Teams needs 32×32/,
      );
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

  describe('npm run package', () => {
    const run = (env: Record<string, string>) =>
      spawnSync('npm', ['run', '--silent', 'package', '--', '--env', 'citest'], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      });

    after(() => {
      for (const f of ['manifest.citest.json', 'appPackage.citest.zip']) {
        rmSync(path.join(APP_PACKAGE_DIR, 'build', f), { force: true });
      }
    });

    it('builds appPackage/build/appPackage.<env>.zip from values in the environment', function () {
      this.timeout(60_000);
      const result = run({ ...VALUES, APP_NAME_SUFFIX: '-ci' });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Teams app package: appPackage\/build\/appPackage\.citest\.zip/);
      const entries = unzip(readFileSync(path.join(APP_PACKAGE_DIR, 'build', 'appPackage.citest.zip')));
      assert.equal(JSON.parse(entries[0].data.toString('utf8')).id, VALUES.TEAMS_APP_ID);
    });

    it('exits 1 naming what is missing when the environment has no values', function () {
      this.timeout(60_000);
      const result = run({});
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /Cannot build the app package: appPackage\/manifest\.json needs TEAMS_APP_ID, APP_NAME_SUFFIX, BOT_ID, BOT_DOMAIN: set them in env\/\.env\.citest/,
      );
    });
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
