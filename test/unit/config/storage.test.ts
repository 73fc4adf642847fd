import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import { storageSettingsFrom } from '../../../src/config/storage';
import { PRODUCTION } from '../../support/production-env';

const ACCOUNT_KEY = 'c2VjcmV0LWFjY291bnQta2V5LW5vdC1yZWFs';
const CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=anchorstate;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, DEMO_DEFAULTS);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('configuration was accepted');
}

describe('storage settings', () => {
  it('keeps files in ./data by default in production', () => {
    assert.deepEqual(loadConfig(PRODUCTION, DEMO_DEFAULTS).storage, {
      kind: 'file',
      dir: path.join(PROJECT_ROOT, 'data'),
    });
  });

  it('keeps the demo in memory unless DATA_DIR or STATE_STORE asks for more', () => {
    assert.deepEqual(loadConfig({}, DEMO_DEFAULTS).storage, { kind: 'memory' });
    assert.deepEqual(loadConfig({ DATA_DIR: '/var/lib/anchor-demo' }, DEMO_DEFAULTS).storage, {
      kind: 'file',
      dir: '/var/lib/anchor-demo',
    });
    assert.deepEqual(loadConfig({ STATE_STORE: 'file' }, DEMO_DEFAULTS).storage, {
      kind: 'file',
      dir: path.join(PROJECT_ROOT, 'data'),
    });
    assert.deepEqual(
      loadConfig(
        { STATE_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
        DEMO_DEFAULTS,
      ).storage,
      {
        kind: 'blob',
        container: 'anchor-state',
        connectionString: 'UseDevelopmentStorage=true',
      },
    );
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    assert.deepEqual(storageSettingsFrom({ DATA_DIR: 'state' }, 'production').settings, {
      kind: 'file',
      dir: path.resolve('state'),
    });
  });

  it('takes Azure Blob Storage by connection string or by account URL, with a container', () => {
    assert.deepEqual(
      loadConfig(
        { ...PRODUCTION, STATE_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING },
        DEMO_DEFAULTS,
      ).storage,
      { kind: 'blob', container: 'anchor-state', connectionString: CONNECTION_STRING },
    );
    assert.deepEqual(
      loadConfig(
        {
          ...PRODUCTION,
          STATE_STORE: 'blob',
          AZURE_STORAGE_ACCOUNT_URL: 'https://anchorstate.blob.core.windows.net/',
          AZURE_STORAGE_CONTAINER: 'anchor-prod-2',
        },
        DEMO_DEFAULTS,
      ).storage,
      { kind: 'blob', container: 'anchor-prod-2', accountUrl: 'https://anchorstate.blob.core.windows.net' },
    );
  });

  it('needs exactly one way to reach the account, and no account URL in demo mode', () => {
    const names = (env: Record<string, string>, mode: 'demo' | 'production' = 'production') =>
      storageSettingsFrom(env, mode).problems.map((p) => p.name);
    assert.deepEqual(names({ STATE_STORE: 'blob' }), ['AZURE_STORAGE_CONNECTION_STRING']);
    assert.deepEqual(
      names({
        STATE_STORE: 'blob',
        AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING,
        AZURE_STORAGE_ACCOUNT_URL: 'https://anchorstate.blob.core.windows.net',
      }),
      ['AZURE_STORAGE_ACCOUNT_URL'],
    );
    assert.deepEqual(
      names(
        { STATE_STORE: 'blob', AZURE_STORAGE_ACCOUNT_URL: 'https://anchorstate.blob.core.windows.net' },
        'demo',
      ),
      ['AZURE_STORAGE_ACCOUNT_URL'],
    );
  });

  it('refuses settings of another store instead of ignoring them', () => {
    const error = configError({ ...PRODUCTION, AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING });
    const problem = error.problems.find((p) => p.name === 'AZURE_STORAGE_CONNECTION_STRING');
    assert.match(problem?.message ?? '', /only used with STATE_STORE=blob/);
    assert.deepEqual(
      storageSettingsFrom(
        { STATE_STORE: 'blob', AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING, DATA_DIR: '/x' },
        'production',
      ).problems.map((p) => p.name),
      ['DATA_DIR'],
    );
    assert.deepEqual(
      storageSettingsFrom(
        { STATE_STORE: 'memory', AZURE_STORAGE_CONTAINER: 'anchor-state' },
        'demo',
      ).problems.map((p) => p.name),
      ['AZURE_STORAGE_CONTAINER'],
    );
  });

  it('lists invalid values with examples, and never echoes a connection string', () => {
    const error = configError({
      ...PRODUCTION,
      STATE_STORE: 'blob',
      AZURE_STORAGE_CONNECTION_STRING: `AccountName=anchorstate;Key=${ACCOUNT_KEY}`,
      AZURE_STORAGE_CONTAINER: 'Anchor_State',
    });
    assert.deepEqual(error.problems.map((p) => p.name).sort(), [
      'AZURE_STORAGE_CONNECTION_STRING',
      'AZURE_STORAGE_CONTAINER',
    ]);
    assert.match(
      error.message,
      /AZURE_STORAGE_CONTAINER: must be 3–63 lower-case letters.*example: AZURE_STORAGE_CONTAINER=anchor-state/,
    );
    assert.match(
      error.message,
      /AZURE_STORAGE_CONNECTION_STRING: must be an Azure Storage connection string/,
    );
    assert.ok(!error.message.includes(ACCOUNT_KEY));
    assert.deepEqual(
      storageSettingsFrom({ STATE_STORE: 'disk' }, 'production').problems.map((p) => p.name),
      ['STATE_STORE'],
    );
  });

  it('refuses an account URL that is not https or carries a SAS token', () => {
    for (const url of [
      'http://anchorstate.blob.core.windows.net',
      'https://anchorstate.blob.core.windows.net/?sv=2024-01-01&sig=secret-signature',
      'not a url',
    ]) {
      const { problems } = storageSettingsFrom(
        { STATE_STORE: 'blob', AZURE_STORAGE_ACCOUNT_URL: url },
        'production',
      );
      assert.deepEqual(
        problems.map((p) => p.name),
        ['AZURE_STORAGE_ACCOUNT_URL'],
        url,
      );
      assert.ok(!JSON.stringify(problems).includes('secret-signature'));
    }
  });
});
