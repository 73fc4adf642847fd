import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, SETTING_NAMES, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import { BICEP, CLIENT_ID, appEnvironment, settingsOf } from '../../support/azure-template';

const INFRA = path.join(PROJECT_ROOT, 'infra');
const PARAMETERS = JSON.parse(readFileSync(path.join(INFRA, 'azure.parameters.json'), 'utf8')) as {
  parameters: Record<string, { value: unknown }>;
};
const DEPLOY_DOC = readFileSync(path.join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');

/** The template's parameters: name, and whether it has a default. */
function bicepParams(): { name: string; required: boolean }[] {
  return [...BICEP.matchAll(/^param (\w+) \w+( = .+)?$/gm)].map((m) => ({ name: m[1], required: !m[2] }));
}

/**
 * The settings docs/deploy.md tells the operator to set after the deployment: the first column of
 * the table in its "After the deployment" section, and the Key Vault secret each one names.
 */
function postDeployment(): { name: string; secret?: string }[] {
  const section = /^## (?:\d+\. )?After the deployment[^\n]*\n([\s\S]*?)(?=^## )/m.exec(DEPLOY_DOC)?.[1];
  assert.ok(section, 'docs/deploy.md has no "## After the deployment" section');
  const rows = section
    .split('\n')
    .map((line) => /^\|\s*`([A-Za-z_]+)`\s*\|([^|]*)\|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], secret: /secret `([a-z0-9-]+)`/.exec(m[2])?.[1] }));
  assert.ok(rows.length > 0, 'the "After the deployment" section has no table of settings');
  return rows;
}

describe('infra/azure.bicep', () => {
  it('sets only app settings Anchor reads (besides none of its own)', () => {
    const names = [...settingsOf('commonSettings'), ...settingsOf('ldapSettings')].map((s) => s.name);
    assert.deepEqual(
      names.filter((n) => !SETTING_NAMES.includes(n)),
      [],
    );
    assert.equal(new Set(names).size, names.length, 'a setting is set twice');
  });

  for (const source of ['relay', 'ldap'] as const) {
    it(`gives a production configuration that loads with DIRECTORY_SOURCE=${source}, once the post-deployment secrets are in Key Vault`, () => {
      const config = loadConfig(appEnvironment(source), DEMO_DEFAULTS);
      assert.equal(config.mode, 'production');
      assert.equal(config.botAuth.MicrosoftAppType, 'UserAssignedMSI');
      assert.equal(config.botAuth.MicrosoftAppId, CLIENT_ID);
      assert.equal(config.graph.credential.kind, 'managed-identity');
      assert.deepEqual(config.storage, {
        kind: 'blob',
        container: 'anchor-state',
        accountUrl: 'https://anchorx7k2.blob.core.windows.net',
      });
      assert.equal(config.directory.source, source);
      assert.equal(
        config.ldap === undefined,
        source === 'relay',
        'the bot holds LDAP settings only for ldap',
      );
      assert.deepEqual([...(config.relay?.publicKeys.keys() ?? [])], ['sync01']);
    });
  }

  it('refuses to start while a Key Vault secret is missing, naming the setting', () => {
    assert.throws(
      () => loadConfig(appEnvironment('relay', {}), DEMO_DEFAULTS),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.name).join() === 'BOT_SIGNING_KEY' &&
        /Key Vault reference App Service could not resolve/.test(err.message),
    );
  });

  it('keeps every secret in Key Vault, and docs/deploy.md lists each one to create after the deployment', () => {
    const settings = [...settingsOf('commonSettings'), ...settingsOf('ldapSettings')];
    const documented = postDeployment();
    for (const name of ['BOT_SIGNING_KEY', 'LDAP_BIND_PASSWORD']) {
      const setting = settings.find((s) => s.name === name);
      assert.match(
        setting?.value ?? '',
        /^'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=[a-z0-9-]+\)'$/,
        name,
      );
      const secret = /SecretName=([a-z0-9-]+)/.exec(setting!.value)![1];
      assert.deepEqual(
        documented.find((d) => d.name === name),
        { name, secret },
        `docs/deploy.md: ${name} in secret ${secret}`,
      );
    }
    assert.doesNotMatch(
      BICEP,
      /@secure\(\)|PASSWORD'\s*,\s*value: (?!'@Microsoft)/,
      'no secret as a parameter',
    );
  });

  it('lists in docs/deploy.md only settings Anchor reads', () => {
    assert.deepEqual(
      postDeployment()
        .map((d) => d.name)
        .filter((n) => !SETTING_NAMES.includes(n)),
      [],
    );
  });

  it('would miss a required setting: dropping any one of ANCHOR_ADMIN_IDS, RELAY_KEYS, MicrosoftAppId fails to load', () => {
    for (const name of ['ANCHOR_ADMIN_IDS', 'RELAY_KEYS', 'MicrosoftAppId']) {
      const env = appEnvironment('relay');
      delete env[name];
      assert.throws(() => loadConfig(env, DEMO_DEFAULTS), ConfigError, name);
    }
  });

  it('runs the built app on a supported Node LTS, HTTPS only, TLS 1.2, always on, health-checked on /healthz', () => {
    for (const property of [
      "linuxFxVersion string = 'NODE|22-lts'",
      'httpsOnly: true',
      "minTlsVersion: '1.2'",
      'alwaysOn: true',
      "healthCheckPath: '/healthz'",
      "appCommandLine: 'node dist/src/main.js'",
      "ftpsState: 'Disabled'",
      'keyVaultReferenceIdentity: identity.id',
    ]) {
      assert.ok(BICEP.includes(property), `infra/azure.bicep lacks ${property}`);
    }
    const buildOut = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    assert.equal(path.join(buildOut.compilerOptions.outDir, 'src', 'main.js'), 'dist/src/main.js');
  });

  it('reaches storage with the managed identity only: no shared keys, no public blobs, TLS 1.2', () => {
    for (const property of [
      'allowSharedKeyAccess: false',
      'allowBlobPublicAccess: false',
      "minimumTlsVersion: 'TLS1_2'",
      'enableRbacAuthorization: true',
    ]) {
      assert.ok(BICEP.includes(property), `infra/azure.bicep lacks ${property}`);
    }
    assert.doesNotMatch(BICEP, /AZURE_STORAGE_CONNECTION_STRING|listKeys\(/);
  });

  it("has a parameters file that names only the template's parameters and every required one", () => {
    const params = bicepParams();
    assert.ok(params.length > 5, 'no parameters found: the scan is broken');
    const given = Object.keys(PARAMETERS.parameters);
    assert.deepEqual(
      given.filter((g) => !params.some((p) => p.name === g)),
      [],
    );
    assert.deepEqual(
      params.filter((p) => p.required && !given.includes(p.name)).map((p) => p.name),
      [],
    );
  });
});
