import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseEnv } from 'dotenv';
import ignore from 'ignore';
import { load } from 'js-yaml';
import { ConfigError, SETTING_NAMES, loadConfig } from '../../../src/config/load-config';
import { placeholdersIn } from '../../../src/packaging/placeholders';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';

/*
 * The Microsoft 365 Agents Toolkit project (m365agents*.yml, env/, .webappignore) cannot be run
 * here: no toolkit, no Azure. These tests hold it to what the toolkit does with it (its v1.11
 * schema, and its behaviour as read in @microsoft/m365agentstoolkit-cli 1.1.17) and to what Anchor
 * reads, so a renamed variable, setting or file fails here rather than halfway through a provision.
 */

type Profile = 'dev' | 'local' | 'playground';

const PROJECTS: Record<Profile, string> = {
  dev: 'm365agents.yml',
  local: 'm365agents.local.yml',
  playground: 'm365agents.playground.yml',
};
const PROFILES = Object.keys(PROJECTS) as Profile[];
const LIFECYCLES = ['provision', 'deploy', 'publish'] as const;

interface Action {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

type Project = { version: string; projectId?: string; environmentFolderPath?: string } & Partial<
  Record<(typeof LIFECYCLES)[number], Action[]>
>;

/**
 * The toolkit actions this project uses, with the inputs the v1.11 schema requires of each
 * (https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json; aadApp/create with a secret).
 */
const REQUIRED_INPUTS: Record<string, string[]> = {
  'teamsApp/create': ['name'],
  'aadApp/create': ['name', 'generateClientSecret', 'signInAudience'],
  'botFramework/create': ['botId', 'name', 'messagingEndpoint'],
  'arm/deploy': ['subscriptionId', 'resourceGroupName', 'templates'],
  'teamsApp/validateManifest': ['manifestPath'],
  'teamsApp/zipAppPackage': ['manifestPath', 'outputZipPath', 'outputFolder'],
  'teamsApp/validateAppPackage': ['appPackagePath'],
  'teamsApp/update': ['appPackagePath'],
  'teamsApp/publishAppPackage': ['appPackagePath'],
  'cli/runNpmCommand': ['args'],
  'azureAppService/zipDeploy': ['artifactFolder', 'resourceId'],
  'file/createOrUpdateEnvironmentFile': ['target', 'envs'],
};

const SCHEMA_LINE =
  '# yaml-language-server: $schema=https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json';

/** Empty, the toolkit fills these itself: it asks for the first two and makes up a suffix. */
const TOOLKIT_FILLS = ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX'];
/** The one variable the toolkit resolves when empty; any other empty one stops the action. */
const MAY_BE_EMPTY = ['APP_NAME_SUFFIX'];

function read(file: string): string {
  return readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
}

function projectOf(profile: Profile): Project {
  return load(read(PROJECTS[profile])) as Project;
}

function envOf(profile: Profile): Record<string, string> {
  return parseEnv(read(`env/.env.${profile}`));
}

function actionsOf(profile: Profile): { lifecycle: string; action: Action }[] {
  const project = projectOf(profile);
  return LIFECYCLES.flatMap((lifecycle) =>
    (project[lifecycle] ?? []).map((action) => ({ lifecycle, action })),
  );
}

function input(action: Action, name: string): string {
  const value = action.with?.[name];
  assert.equal(typeof value, 'string', `${action.uses}: ${name} is not a string`);
  return value as string;
}

/** The outputs of infra/azure.bicep, which arm/deploy writes into the env file under their names. */
function bicepOutputs(): string[] {
  return [...read('infra/azure.bicep').matchAll(/^output (\w+) /gm)].map((m) => m[1]);
}

/** Every `${{VARIABLE}}` an action resolves, those of the files it reads included. */
function variablesUsedBy(action: Action): string[] {
  const texts = [JSON.stringify(action.with ?? {})];
  if (action.uses === 'teamsApp/zipAppPackage' || action.uses === 'teamsApp/validateManifest') {
    texts.push(read(input(action, 'manifestPath')));
  }
  if (action.uses === 'arm/deploy') {
    for (const template of action.with?.templates as { parameters?: string }[]) {
      if (template.parameters) texts.push(read(template.parameters));
    }
  }
  return placeholdersIn(texts.join('\n'));
}

/** What an action writes into the env file: its writeToEnvironmentFile, and what it always writes. */
function writtenBy(action: Action): string[] {
  const implicit =
    action.uses === 'teamsApp/create'
      ? ['TEAMS_APP_TENANT_ID']
      : action.uses === 'arm/deploy'
        ? bicepOutputs()
        : [];
  return [...Object.values(action.writeToEnvironmentFile ?? {}), ...implicit];
}

const DOC = read('docs/agents-toolkit.md');

/** The "Before you provision" table of docs/agents-toolkit.md: the variables the reader fills in, by profile. */
function filledByTheReader(): { name: string; profiles: string[] }[] {
  const section = /^## Before you provision\n([\s\S]*?)(?=^## )/m.exec(DOC)?.[1];
  assert.ok(section, 'docs/agents-toolkit.md has no "## Before you provision" section');
  const rows = section
    .split('\n')
    .map((line) => /^\|\s*`([A-Za-z_]+)`\s*\|([^|]+)\|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], profiles: m[2].split(',').map((p) => p.trim()) }));
  assert.ok(rows.length > 0, 'the "Before you provision" section has no table of variables');
  return rows;
}

/**
 * Walks a profile's actions in the order the toolkit runs them (provision, deploy, publish) and
 * lists each variable the toolkit could not resolve: not in the env file, or empty there while no
 * earlier action writes it and the docs do not tell the reader to fill it in.
 */
function unresolvable(profile: Profile): string[] {
  const env = envOf(profile);
  const filled = filledByTheReader()
    .filter((row) => row.profiles.includes(profile))
    .map((row) => row.name);
  const written = new Set<string>();
  const problems: string[] = [];
  for (const { lifecycle, action } of actionsOf(profile)) {
    const where = `${PROJECTS[profile]}, ${lifecycle}, ${action.uses}`;
    for (const name of variablesUsedBy(action)) {
      if (written.has(name)) continue;
      if (!(name in env)) {
        problems.push(
          `${where}: ${name} is in no line of env/.env.${profile}, and no earlier action writes it`,
        );
      } else if (env[name] === '' && ![...TOOLKIT_FILLS, ...MAY_BE_EMPTY, ...filled].includes(name)) {
        problems.push(
          `${where}: ${name} is empty in env/.env.${profile}, no earlier action writes it, and ` +
            'docs/agents-toolkit.md does not say to fill it in; the toolkit stops on an empty variable',
        );
      }
    }
    for (const name of writtenBy(action)) written.add(name);
  }
  return problems;
}

/** The settings file an action of the profile writes for Anchor, with its variables unresolved. */
function runtimeSettings(profile: Profile, target: string): Record<string, string> {
  const writes = actionsOf(profile).filter(
    ({ action }) =>
      action.uses === 'file/createOrUpdateEnvironmentFile' && input(action, 'target') === target,
  );
  assert.equal(writes.length, 1, `${PROJECTS[profile]} writes ${target} once`);
  const envs = writes[0].action.with?.envs as Record<string, string | number | boolean>;
  return Object.fromEntries(Object.entries(envs).map(([name, value]) => [name, String(value)]));
}

function resolve(settings: Record<string, string>, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([name, text]) => [
      name,
      text.replace(/\$\{\{\s*(\w+)\s*\}\}/g, (_, variable: string) => {
        assert.ok(variable in values, `no sample value for ${variable}`);
        return values[variable];
      }),
    ]),
  );
}

/** The ```ini blocks of docs/agents-toolkit.md: the settings the reader adds to .localConfigs. */
function documentedBlocks(): Record<string, string>[] {
  const blocks = [...DOC.matchAll(/^\s*```ini\n([\s\S]*?)^\s*```/gm)].map((m) =>
    parseEnv(m[1].replace(/^\s+/gm, '')),
  );
  assert.ok(blocks.length > 0, 'docs/agents-toolkit.md shows no settings to add (no ```ini block)');
  return blocks;
}

/** What the toolkit resolves the local profile's variables to, in a sample tenant. */
const TENANT = '11111111-2222-4333-8444-555555555555';
const BOT_ID = '7b2f0c4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const LOCAL_VALUES: Record<string, string> = {
  BOT_ID,
  SECRET_BOT_PASSWORD: 'Q8~a-client-secret.from-aadApp_create',
  TEAMS_APP_TENANT_ID: TENANT,
  ANCHOR_ADMIN_IDS: '22222222-3333-4444-8555-666666666666,33333333-4444-4555-8666-777777777777',
};
const relayPair = generateSigningKeyPair();
const botPair = generateSigningKeyPair();
/** Real values for the `<…>` the docs leave to the reader. */
const READER_VALUES: Record<string, string> = {
  RELAY_KEYS: `sync01=${relayPair.publicKey}`,
  BOT_SIGNING_KEY: botPair.privateKey,
  LDAP_BIND_PASSWORD: 'a-long-random-password',
};

function withReaderValues(block: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(block).map(([name, value]) => {
      if (!value.includes('<')) return [name, value];
      assert.ok(name in READER_VALUES, `no sample value for the documented ${name}=${value}`);
      return [name, READER_VALUES[name]];
    }),
  );
}

describe('the Microsoft 365 Agents Toolkit project', () => {
  it("follows the templates' v1.11 schema, uses only actions it knows with the inputs they require, one projectId", () => {
    const ids = new Set<string | undefined>();
    for (const profile of PROFILES) {
      const file = PROJECTS[profile];
      assert.equal(read(file).split('\n')[0], SCHEMA_LINE, `${file}: first line`);
      const project = projectOf(profile);
      assert.equal(project.version, 'v1.11', `${file}: version`);
      assert.equal(project.environmentFolderPath, './env', `${file}: environmentFolderPath`);
      ids.add(project.projectId);
      assert.equal(envOf(profile).TEAMSFX_ENV, profile, `env/.env.${profile}: TEAMSFX_ENV`);
      for (const { lifecycle, action } of actionsOf(profile)) {
        const required = REQUIRED_INPUTS[action.uses];
        assert.ok(required, `${file}, ${lifecycle}: unknown action ${action.uses}`);
        for (const name of required) {
          assert.ok(action.with?.[name] !== undefined, `${file}, ${lifecycle}, ${action.uses}: no ${name}`);
        }
      }
    }
    assert.equal(ids.size, 1, 'the three files share one projectId');
    assert.match([...ids][0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reads only files that exist, and hands on only app packages built earlier in the same lifecycle', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const profile of PROFILES) {
      const built = new Map<string, string>();
      for (const { lifecycle, action } of actionsOf(profile)) {
        const where = `${PROJECTS[profile]}, ${lifecycle}, ${action.uses}`;
        const exists = (file: string) =>
          assert.ok(existsSync(path.join(PROJECT_ROOT, file)), `${where}: no ${file}`);
        const w = action.with ?? {};
        if (typeof w.manifestPath === 'string') exists(w.manifestPath);
        if (typeof w.ignoreFile === 'string') exists(w.ignoreFile);
        for (const template of (w.templates ?? []) as { path: string; parameters?: string }[]) {
          exists(template.path);
          if (template.parameters) exists(template.parameters);
        }
        if (action.uses === 'teamsApp/zipAppPackage') {
          // The same names as `npm run package -- --env <name>`, so either builds what the other expects.
          assert.equal(input(action, 'outputFolder'), './appPackage/build', where);
          assert.equal(
            input(action, 'outputZipPath'),
            './appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip',
            where,
          );
          built.set(lifecycle, input(action, 'outputZipPath'));
        }
        if (typeof w.appPackagePath === 'string') {
          assert.equal(w.appPackagePath, built.get(lifecycle), `${where}: a package no earlier action built`);
        }
        const script = /^run (\S+)/.exec(String(w.args ?? ''))?.[1];
        if (action.uses === 'cli/runNpmCommand' && script) {
          assert.ok(scripts[script], `${where}: no npm script ${script}`);
        }
      }
    }
    assert.ok(scripts.package, 'no npm script "package"');
    const manifest = JSON.parse(read('appPackage/manifest.json')) as {
      icons: { color: string; outline: string };
    };
    for (const icon of [manifest.icons.color, manifest.icons.outline]) {
      assert.ok(existsSync(path.join(PROJECT_ROOT, 'appPackage', icon)), `appPackage/${icon}`);
    }
  });

  for (const profile of PROFILES) {
    it(`resolves every \${{VARIABLE}} of the ${profile} profile (the manifest's and the template parameters' included) when the toolkit needs it`, () => {
      assert.deepEqual(unresolvable(profile), []);
    });
  }

  it('lists the variables the docs say to fill in, and every output of infra/azure.bicep, in the env files', () => {
    for (const { name, profiles } of filledByTheReader()) {
      for (const profile of profiles) {
        assert.ok(
          PROFILES.includes(profile as Profile),
          `docs/agents-toolkit.md: unknown profile ${profile}`,
        );
        assert.ok(name in envOf(profile as Profile), `env/.env.${profile} has no line for ${name}`);
      }
    }
    const outputs = bicepOutputs();
    for (const name of [
      'BOT_ID',
      'BOT_DOMAIN',
      'BOT_AZURE_APP_SERVICE_RESOURCE_ID',
      'BOT_IDENTITY_PRINCIPAL_ID',
    ]) {
      assert.ok(outputs.includes(name), `infra/azure.bicep has no output ${name}`);
    }
    assert.deepEqual(
      outputs.filter((name) => !(name in envOf('dev'))),
      [],
      'env/.env.dev has a line for each output the toolkit writes',
    );
  });

  it('writes into .localConfigs and .localConfigs.playground only settings Anchor reads, and the docs add only such', () => {
    const written = [
      ...Object.keys(runtimeSettings('local', './.localConfigs')),
      ...Object.keys(runtimeSettings('playground', './.localConfigs.playground')),
      ...documentedBlocks().flatMap((block) => Object.keys(block)),
    ];
    assert.deepEqual(
      written.filter((name) => !SETTING_NAMES.includes(name)),
      [],
    );
  });

  it("gives a local production configuration that loads once the docs' directory settings are added, in either topology", () => {
    const settings = resolve(runtimeSettings('local', './.localConfigs'), LOCAL_VALUES);
    const sources = new Set<string>();
    for (const block of documentedBlocks()) {
      const config = loadConfig({ ...settings, ...withReaderValues(block) }, DEMO_DEFAULTS);
      assert.equal(config.mode, 'production');
      assert.deepEqual(config.botAuth, {
        MicrosoftAppId: BOT_ID,
        MicrosoftAppPassword: LOCAL_VALUES.SECRET_BOT_PASSWORD,
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: TENANT,
      });
      assert.equal(config.allowedTenantId, TENANT);
      assert.equal(config.adminObjectIds.length, 2);
      assert.equal(config.host, '127.0.0.1', 'only the tunnel, on this machine, reaches the bot');
      assert.equal(config.port, 3978);
      assert.deepEqual(config.graph.credential, {
        kind: 'client-secret',
        tenantId: TENANT,
        clientId: BOT_ID,
        clientSecret: LOCAL_VALUES.SECRET_BOT_PASSWORD,
      });
      assert.equal(config.storage.kind, 'file');
      sources.add(config.directory.source);
    }
    assert.deepEqual([...sources].sort(), ['ldap', 'relay']);
  });

  it('stops the local profile, naming what is missing, until the directory settings are added', () => {
    const settings = resolve(runtimeSettings('local', './.localConfigs'), LOCAL_VALUES);
    assert.throws(
      () => loadConfig(settings, DEMO_DEFAULTS),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.name === 'LDAP_URL'),
    );
  });

  it('runs the playground profile as the demo, on the ports of env/.env.playground', () => {
    const env = envOf('playground');
    const config = loadConfig(
      resolve(runtimeSettings('playground', './.localConfigs.playground'), env),
      DEMO_DEFAULTS,
    );
    assert.equal(config.mode, 'demo');
    assert.deepEqual(config.demo, {
      graphSimulatorPort: Number(env.GRAPH_SIM_PORT),
      requesterPlaygroundPort: Number(env.TEAMSAPPTESTER_PORT),
      approverPlaygroundPort: Number(env.PLAYGROUND_APPROVER_PORT),
    });
  });

  it('deploys to Azure what was built, without the dev dependencies, to the App Service the template made', () => {
    const steps = (projectOf('dev').deploy ?? []).map((a) =>
      a.uses === 'cli/runNpmCommand' ? `npm ${input(a, 'args')}` : a.uses,
    );
    assert.deepEqual(steps, [
      'npm ci --no-audit',
      'npm run build',
      'npm prune --omit=dev',
      'azureAppService/zipDeploy',
      'npm install --no-audit',
    ]);
    const zipDeploy = projectOf('dev').deploy!.find((a) => a.uses === 'azureAppService/zipDeploy')!;
    assert.deepEqual(zipDeploy.with, {
      artifactFolder: '.',
      ignoreFile: '.webappignore',
      resourceId: '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}',
    });
  });

  describe('.webappignore', () => {
    // As azureAppService/zipDeploy reads it: each line trimmed, the `ignore` package's gitignore rules.
    const rules = ignore()
      .add('.deployment')
      .add(
        read('.webappignore')
          .split('\n')
          .map((line) => line.trim()),
      );
    const start = /appCommandLine: 'node ([^']+)'/.exec(read('infra/azure.bicep'))?.[1] ?? 'dist/src/main.js';

    it('uploads what App Service runs: package.json, the start script, the cards, every production dependency', () => {
      const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
      const kept = [
        'package.json',
        'package-lock.json',
        start,
        'dist/src/app/server.js',
        ...readdirSync(path.join(PROJECT_ROOT, 'cards')).map((card) => `cards/${card}`),
        ...Object.keys(pkg.dependencies).map((dep) => `node_modules/${dep}/package.json`),
      ];
      assert.deepEqual(
        kept.filter((file) => rules.ignores(file)),
        [],
      );
    });

    it("leaves out the developer's settings and state, the sources, tests, toolkit files and dev tools", () => {
      const dropped = [
        '.env',
        '.env.local',
        '.localConfigs',
        '.localConfigs.playground',
        'env/.env.dev',
        'env/.env.local.user',
        'data/requests/r1.json',
        '.data/relay-state.json',
        'test-output/e2e/screenshot.png',
        'src/main.ts',
        'src/sim/demo/loopback-only.mjs',
        'test/unit/readme.test.ts',
        'dist/test/unit/readme.test.js',
        'dist/anchor-relay-0.1.0.zip',
        `${start}.map`,
        'appPackage/manifest.json',
        'appPackage/build/appPackage.dev.zip',
        'infra/azure.bicep',
        'm365agents.yml',
        'm365agents.local.yml',
        'm365agents.playground.yml',
        'docs/deploy.md',
        '.git/config',
        '.deployment/deployment.zip',
        'node_modules/.bin/tsc',
        'node_modules/typescript/package.json',
      ];
      assert.deepEqual(
        dropped.filter((file) => !rules.ignores(file)),
        [],
      );
    });
  });
});
