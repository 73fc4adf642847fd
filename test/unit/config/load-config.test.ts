import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, SETTING_NAMES, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';
import { DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import { PRODUCTION } from '../../support/production-env';
import { PROJECT_ROOT } from '../../../src/shared/paths';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, DEMO_DEFAULTS);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => p.name);
  }
  assert.fail('configuration was accepted');
}

describe('loadConfig', () => {
  it('lists in SETTING_NAMES every variable the configuration reads', () => {
    const sources = [
      ...readdirSync(path.join(PROJECT_ROOT, 'src', 'config')).map((f) => path.join('src', 'config', f)),
      path.join('src', 'shared', 'directory', 'ldap-settings.ts'),
    ];
    const read = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      for (const m of text.matchAll(/\benv\.([A-Za-z_][A-Za-z0-9_]*)/g)) read.add(m[1]);
      for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}|Microsoft[A-Za-z]+): /gm)) read.add(m[1]);
    }
    assert.ok(read.size > 40, `only ${read.size} names found: the scan is broken`);
    assert.deepEqual([...read].filter((name) => !SETTING_NAMES.includes(name)).sort(), []);
  });

  it('refuses a setting that is still a Key Vault reference, in either mode, without using it', () => {
    const reference = '@Microsoft.KeyVault(VaultName=anchor-kv;SecretName=bot-signing-key)';
    for (const env of [{ ...PRODUCTION, BOT_SIGNING_KEY: reference }, { HEALTH_TOKEN: reference }]) {
      try {
        loadConfig(env, DEMO_DEFAULTS);
        assert.fail('configuration was accepted');
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.equal(err.problems.length, 1);
        assert.match(
          err.message,
          /(BOT_SIGNING_KEY|HEALTH_TOKEN): is a Key Vault reference App Service could not resolve/,
        );
        assert.match(err.message, /Key Vault Secrets User/);
      }
    }
  });

  it('runs in demo mode on loopback when nothing is configured', () => {
    const config = loadConfig({}, DEMO_DEFAULTS);
    assert.equal(config.mode, 'demo');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3978);
    assert.equal(config.botAuth.MicrosoftAppId, '');
    assert.equal(config.allowedTenantId, DEMO_TENANT.tenantId);
    assert.deepEqual(config.adminObjectIds, [
      DEMO_TENANT.requester.aadObjectId,
      DEMO_TENANT.approver.aadObjectId,
    ]);
    assert.equal(config.graph.baseUrl, 'http://127.0.0.1:3979');
  });

  it('reads the twin fix settings: defaults, the demo polls every 2 s, a parking OU must be an OU DN', () => {
    assert.deepEqual(loadConfig(PRODUCTION, DEMO_DEFAULTS).link.twin, {
      adminWaitMs: 120 * 60_000,
      syncWaitMs: 30 * 60_000,
      pollMs: 30_000,
    });
    assert.equal(loadConfig({}, DEMO_DEFAULTS).link.twin.pollMs, 2000);
    const twin = loadConfig(
      {
        TWIN_PARKING_OU: 'OU=Parking,DC=corp,DC=contoso,DC=com',
        TWIN_ADMIN_WAIT_MINUTES: '60',
        TWIN_POLL_SECONDS: '5',
      },
      DEMO_DEFAULTS,
    ).link.twin;
    assert.equal(twin.parkingOu, 'OU=Parking,DC=corp,DC=contoso,DC=com');
    assert.equal(twin.adminWaitMs, 3600_000);
    assert.equal(twin.pollMs, 5000);
    assert.ok(problemsOf({ TWIN_PARKING_OU: 'Parking' }).some((p) => p.includes('TWIN_PARKING_OU')));
  });

  it('keeps demo mode on loopback even when HOST says otherwise', () => {
    assert.equal(loadConfig({ HOST: '0.0.0.0' }, DEMO_DEFAULTS).host, '127.0.0.1');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(PRODUCTION, DEMO_DEFAULTS);
    assert.equal(config.mode, 'production');
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.botAuth.MicrosoftAppId, PRODUCTION.MicrosoftAppId);
    assert.deepEqual(config.adminObjectIds, [
      '22222222-3333-4444-8555-666666666666',
      '33333333-4444-4555-8666-777777777777',
    ]);
    assert.equal(config.graph.baseUrl, 'https://graph.microsoft.com');
  });

  it('refuses production without MicrosoftAppId and names it with an example', () => {
    const env: Record<string, string | undefined> = { ...PRODUCTION, MicrosoftAppId: undefined };
    assert.throws(
      () => loadConfig(env, DEMO_DEFAULTS),
      (err: unknown) =>
        err instanceof ConfigError &&
        /MicrosoftAppId: is required/.test(err.message) &&
        /example: MicrosoftAppId=/.test(err.message),
    );
  });

  it('lists every missing production setting at once', () => {
    assert.deepEqual(problemsOf({ ANCHOR_MODE: 'production' }).sort(), [
      'ANCHOR_ADMIN_IDS',
      'ANCHOR_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'LDAP_BASE_DN',
      'LDAP_BIND_DN',
      'LDAP_BIND_PASSWORD',
      'LDAP_URL',
      'MicrosoftAppId',
      'MicrosoftAppType',
    ]);
  });

  it('treats an empty MicrosoftAppId as missing', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, MicrosoftAppId: '  ' }), ['MicrosoftAppId']);
  });

  it('needs a password for a SingleTenant app and a tenant id for a SingleTenant app', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, MicrosoftAppPassword: '' }), ['MicrosoftAppPassword']);
    assert.deepEqual(problemsOf({ ...PRODUCTION, MicrosoftAppTenantId: '' }), ['MicrosoftAppTenantId']);
  });

  it('needs no password for a user-assigned managed identity', () => {
    const config = loadConfig(
      {
        ...PRODUCTION,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppPassword: '',
      },
      DEMO_DEFAULTS,
    );
    assert.equal(config.botAuth.MicrosoftAppType, 'UserAssignedMSI');
  });

  it('rejects ids that are not GUIDs', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, ANCHOR_ADMIN_IDS: 'alice@contoso.com' }), [
      'ANCHOR_ADMIN_IDS',
    ]);
    assert.deepEqual(problemsOf({ ...PRODUCTION, ANCHOR_TENANT_ID: 'contoso.onmicrosoft.com' }), [
      'ANCHOR_TENANT_ID',
    ]);
  });

  it('does not fall back to demo mode when an app id or NODE_ENV=production says otherwise', () => {
    assert.ok(problemsOf({ MicrosoftAppId: PRODUCTION.MicrosoftAppId }).includes('ANCHOR_TENANT_ID'));
    assert.ok(problemsOf({ NODE_ENV: 'production' }).includes('MicrosoftAppId'));
  });

  it('refuses an unknown mode and demo-only settings in production', () => {
    assert.deepEqual(problemsOf({ ANCHOR_MODE: 'prod' }), ['ANCHOR_MODE']);
    assert.deepEqual(problemsOf({ ...PRODUCTION, GRAPH_SIM_PORT: '3979' }), ['GRAPH_SIM_PORT']);
  });

  it('rejects a port that is not a port', () => {
    assert.deepEqual(problemsOf({ PORT: '99999' }), ['PORT']);
  });

  describe('UPN_SUFFIX_MAP', () => {
    it('is empty unless set, and maps suffixes case-insensitively in both modes', () => {
      assert.equal(loadConfig({}, DEMO_DEFAULTS).link.upnSuffixMap.size, 0);
      const { link } = loadConfig(
        { ...PRODUCTION, UPN_SUFFIX_MAP: ' Corp.Local=contoso.com, ad.fabrikam.com = @fabrikam.com ,' },
        DEMO_DEFAULTS,
      );
      assert.deepEqual(
        [...link.upnSuffixMap],
        [
          ['corp.local', 'contoso.com'],
          ['ad.fabrikam.com', 'fabrikam.com'],
        ],
      );
    });

    for (const [value, message] of [
      ['corp.local', /entry 1 of 1 is not "AD UPN suffix=cloud domain"/],
      ['corp.local=contoso.com=x', /entry 1 of 1 is not/],
      ['corp.local=contoso com', /entry 1 of 1 is not/],
      [
        'corp.local=contoso.com,corp.local=fabrikam.com',
        /entry 2 of 2 maps an AD suffix that an earlier entry maps/,
      ],
      ['=contoso.com', /entry 1 of 1 is not/],
    ] as const) {
      it(`refuses ${JSON.stringify(value)} with a clear problem and an example`, () => {
        try {
          loadConfig({ UPN_SUFFIX_MAP: value }, DEMO_DEFAULTS);
          assert.fail('accepted');
        } catch (err) {
          assert.ok(err instanceof ConfigError, String(err));
          const problem = err.problems.find((p) => p.name === 'UPN_SUFFIX_MAP');
          assert.ok(problem, JSON.stringify(err.problems));
          assert.match(problem.message, message);
          assert.equal(problem.example, 'corp.local=contoso.com,ad.fabrikam.com=fabrikam.com');
        }
      });
    }
  });

  describe('directory settings', () => {
    it('reads the LDAP connection with safe defaults', () => {
      const { ldap, sourceAnchor } = loadConfig(PRODUCTION, DEMO_DEFAULTS);
      assert.equal(sourceAnchor, 'auto');
      assert.deepEqual(ldap, {
        url: 'ldaps://dc1.corp.contoso.com',
        bindDn: PRODUCTION.LDAP_BIND_DN,
        bindPassword: PRODUCTION.LDAP_BIND_PASSWORD,
        baseDn: PRODUCTION.LDAP_BASE_DN,
        caFile: undefined,
        tlsServerName: undefined,
        tlsInsecure: false,
        syncScopeOus: [],
        sourceAnchor: 'auto',
        connectTimeoutMs: 5000,
        operationTimeoutMs: 10_000,
        pageSize: 500,
      });
    });

    it('splits LDAP_SYNC_OUS on semicolons, since DNs contain commas', () => {
      const { ldap } = loadConfig(
        {
          ...PRODUCTION,
          LDAP_SYNC_OUS: 'OU=Staff,DC=corp,DC=contoso,DC=com; OU=Contractors,DC=corp,DC=contoso,DC=com;',
        },
        DEMO_DEFAULTS,
      );
      assert.deepEqual(ldap?.syncScopeOus, [
        'OU=Staff,DC=corp,DC=contoso,DC=com',
        'OU=Contractors,DC=corp,DC=contoso,DC=com',
      ]);
    });

    it('turns certificate checks off only for the literal LDAP_TLS_INSECURE=true', () => {
      assert.equal(
        loadConfig({ ...PRODUCTION, LDAP_TLS_INSECURE: 'true' }, DEMO_DEFAULTS).ldap?.tlsInsecure,
        true,
      );
      assert.deepEqual(problemsOf({ ...PRODUCTION, LDAP_TLS_INSECURE: 'yes' }), ['LDAP_TLS_INSECURE']);
    });

    it('needs the four LDAP settings in production, and none in demo mode', () => {
      const env: Record<string, string | undefined> = { ...PRODUCTION };
      for (const name of ['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'])
        env[name] = undefined;
      assert.deepEqual(problemsOf(env).sort(), [
        'LDAP_BASE_DN',
        'LDAP_BIND_DN',
        'LDAP_BIND_PASSWORD',
        'LDAP_URL',
      ]);
      assert.equal(loadConfig({}, DEMO_DEFAULTS).ldap, undefined);
    });

    it('rejects a URL that is not LDAP, a missing CA file and an unknown source anchor', () => {
      assert.deepEqual(
        problemsOf({
          ...PRODUCTION,
          LDAP_URL: 'https://dc1',
          LDAP_CA_FILE: '/nonexistent/ca.pem',
          SOURCE_ANCHOR: 'employeeID',
        }).sort(),
        ['LDAP_CA_FILE', 'LDAP_URL', 'SOURCE_ANCHOR'],
      );
    });

    it('applies SOURCE_ANCHOR in demo mode too', () => {
      assert.equal(loadConfig({ SOURCE_ANCHOR: 'objectGUID' }, DEMO_DEFAULTS).sourceAnchor, 'objectGUID');
    });

    it('never puts the bind password in an error message', () => {
      try {
        loadConfig({ ...PRODUCTION, LDAP_URL: 'nope' }, DEMO_DEFAULTS);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.doesNotMatch(err.message, /not-a-real-password/);
      }
    });
  });
  describe('Graph settings', () => {
    const certificate = path.join(os.tmpdir(), `anchor-config-test-${process.pid}.pem`);
    before(() => writeFileSync(certificate, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'));
    after(() => rmSync(certificate, { force: true }));
    const withoutSecret = (env: Record<string, string | undefined>) => ({
      ...PRODUCTION,
      AZURE_CLIENT_SECRET: undefined,
      ...env,
    });

    it('uses a client secret for the Anchor tenant with safe defaults', () => {
      const { graph } = loadConfig(PRODUCTION, DEMO_DEFAULTS);
      assert.deepEqual(graph, {
        baseUrl: 'https://graph.microsoft.com',
        credential: {
          kind: 'client-secret',
          tenantId: PRODUCTION.ANCHOR_TENANT_ID,
          clientId: PRODUCTION.AZURE_CLIENT_ID,
          clientSecret: PRODUCTION.AZURE_CLIENT_SECRET,
        },
        authorityHost: undefined,
        authorityCaFile: undefined,
        disableInstanceDiscovery: false,
        timeoutMs: 20_000,
        maxRetries: 4,
      });
    });

    it('uses a certificate file instead of a secret', () => {
      const { graph } = loadConfig(
        withoutSecret({ AZURE_CLIENT_CERTIFICATE_PATH: certificate }),
        DEMO_DEFAULTS,
      );
      assert.deepEqual(graph.credential, {
        kind: 'client-certificate',
        tenantId: PRODUCTION.ANCHOR_TENANT_ID,
        clientId: PRODUCTION.AZURE_CLIENT_ID,
        certificatePath: certificate,
      });
    });

    it('uses a managed identity, user-assigned when AZURE_CLIENT_ID is set', () => {
      assert.deepEqual(
        loadConfig(withoutSecret({ AZURE_USE_MANAGED_IDENTITY: 'true' }), DEMO_DEFAULTS).graph.credential,
        {
          kind: 'managed-identity',
          clientId: PRODUCTION.AZURE_CLIENT_ID,
        },
      );
      const systemAssigned = withoutSecret({
        AZURE_USE_MANAGED_IDENTITY: 'true',
        AZURE_CLIENT_ID: undefined,
      });
      assert.deepEqual(loadConfig(systemAssigned, DEMO_DEFAULTS).graph.credential, {
        kind: 'managed-identity',
        clientId: undefined,
      });
    });

    it('refuses two credentials at once, and none at all', () => {
      assert.deepEqual(problemsOf({ ...PRODUCTION, AZURE_CLIENT_CERTIFICATE_PATH: certificate }), [
        'AZURE_CLIENT_CERTIFICATE_PATH',
      ]);
      assert.deepEqual(problemsOf({ ...PRODUCTION, AZURE_USE_MANAGED_IDENTITY: 'true' }), [
        'AZURE_USE_MANAGED_IDENTITY',
      ]);
      assert.deepEqual(problemsOf(withoutSecret({})), ['AZURE_CLIENT_SECRET']);
    });

    it('rejects a missing certificate file, another tenant and an http Graph or authority', () => {
      assert.deepEqual(
        problemsOf(
          withoutSecret({
            AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent/app.pem',
            AZURE_TENANT_ID: '99999999-2222-4333-8444-555555555555',
            GRAPH_BASE_URL: 'http://graph.example.com',
            AZURE_AUTHORITY_HOST: 'http://login.example.com',
          }),
        ).sort(),
        ['AZURE_AUTHORITY_HOST', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_TENANT_ID', 'GRAPH_BASE_URL'],
      );
    });

    it('skips instance discovery only for an authority that is not a Microsoft cloud', () => {
      const sovereign = loadConfig(
        {
          ...PRODUCTION,
          AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
        },
        DEMO_DEFAULTS,
      );
      assert.equal(sovereign.graph.authorityHost, 'https://login.microsoftonline.us');
      assert.equal(sovereign.graph.disableInstanceDiscovery, false);
      const lab = loadConfig(
        { ...PRODUCTION, AZURE_AUTHORITY_HOST: 'https://login.lab.example' },
        DEMO_DEFAULTS,
      );
      assert.equal(lab.graph.disableInstanceDiscovery, true);
    });

    it('reads the deadline and retries, within bounds', () => {
      const { graph } = loadConfig(
        { ...PRODUCTION, GRAPH_TIMEOUT_MS: '8000', GRAPH_MAX_RETRIES: '2' },
        DEMO_DEFAULTS,
      );
      assert.equal(graph.timeoutMs, 8000);
      assert.equal(graph.maxRetries, 2);
      assert.deepEqual(
        problemsOf({ ...PRODUCTION, GRAPH_TIMEOUT_MS: '50', GRAPH_MAX_RETRIES: '11' }).sort(),
        ['GRAPH_MAX_RETRIES', 'GRAPH_TIMEOUT_MS'],
      );
    });

    it('never puts the client secret in an error message', () => {
      try {
        loadConfig(
          { ...PRODUCTION, AZURE_CLIENT_CERTIFICATE_PATH: certificate, AZURE_CLIENT_ID: 'x' },
          DEMO_DEFAULTS,
        );
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /AZURE_CLIENT_ID/);
        assert.doesNotMatch(err.message, /not-a-real-graph-secret/);
      }
    });

    it('points demo mode at the simulator with a client secret', () => {
      const { graph } = loadConfig({ GRAPH_SIM_PORT: '4979' }, DEMO_DEFAULTS);
      assert.equal(graph.baseUrl, 'http://127.0.0.1:4979');
      assert.equal(graph.credential.kind, 'client-secret');
      assert.equal(graph.disableInstanceDiscovery, true);
    });
  });

  describe('relay settings', () => {
    const bot = generateSigningKeyPair();
    const aadc01 = generateSigningKeyPair();
    const aadc02 = generateSigningKeyPair();
    const RELAY = {
      RELAY_KEYS: `aadc01=${aadc01.publicKey}, aadc02=${aadc02.publicKey}`,
      BOT_SIGNING_KEY: bot.privateKey,
    };

    it('makes the relay optional: without RELAY_KEYS there is none, in production and demo mode', () => {
      assert.equal(loadConfig(PRODUCTION, DEMO_DEFAULTS).relay, undefined);
      assert.equal(loadConfig({}, DEMO_DEFAULTS).relay, undefined);
    });

    it('reads the relays in order, the first getting the jobs, and the bot key with its default id', () => {
      const { relay } = loadConfig({ ...PRODUCTION, ...RELAY }, DEMO_DEFAULTS);
      assert.ok(relay);
      assert.deepEqual([...relay.publicKeys.keys()], ['aadc01', 'aadc02']);
      assert.equal(relay.primaryRelayId, 'aadc01');
      assert.equal(relay.botKeyId, 'anchor-bot');
      assert.equal(relay.botSigningKey.asymmetricKeyType, 'ed25519');
      assert.equal(relay.botSigningKey.type, 'private');
      assert.equal(
        loadConfig({ ...RELAY, BOT_KEY_ID: 'anchor-prod' }, DEMO_DEFAULTS).relay?.botKeyId,
        'anchor-prod',
      );
    });

    it('needs BOT_SIGNING_KEY with RELAY_KEYS, and RELAY_KEYS with BOT_SIGNING_KEY', () => {
      assert.deepEqual(problemsOf({ ...PRODUCTION, RELAY_KEYS: RELAY.RELAY_KEYS }), ['BOT_SIGNING_KEY']);
      assert.deepEqual(problemsOf({ RELAY_KEYS: RELAY.RELAY_KEYS }), ['BOT_SIGNING_KEY']);
      assert.deepEqual(problemsOf({ ...PRODUCTION, BOT_SIGNING_KEY: bot.privateKey }), ['RELAY_KEYS']);
    });

    it('rejects entries without an id, keys that are not Ed25519, a relay listed twice and a bad key id', () => {
      const rsa = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA';
      assert.deepEqual(problemsOf({ ...RELAY, RELAY_KEYS: aadc01.publicKey }), ['RELAY_KEYS']);
      assert.deepEqual(problemsOf({ ...RELAY, RELAY_KEYS: `aadc01=${rsa}` }), ['RELAY_KEYS']);
      assert.deepEqual(problemsOf({ ...RELAY, RELAY_KEYS: `a=${aadc01.publicKey},a=${aadc02.publicKey}` }), [
        'RELAY_KEYS',
      ]);
      // A public key where the private key belongs.
      assert.deepEqual(problemsOf({ ...RELAY, BOT_SIGNING_KEY: bot.publicKey }), ['BOT_SIGNING_KEY']);
      assert.deepEqual(problemsOf({ ...RELAY, BOT_KEY_ID: 'anchor bot' }), ['BOT_KEY_ID']);
    });

    it('never puts a key in an error message, and never serializes the private key', () => {
      try {
        loadConfig(
          {
            ...PRODUCTION,
            RELAY_KEYS: 'aadc01=not-a-key',
            BOT_SIGNING_KEY: bot.privateKey.slice(0, 40),
          },
          DEMO_DEFAULTS,
        );
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /BOT_SIGNING_KEY: is not an Ed25519 PKCS#8 private key/);
        assert.match(err.message, /RELAY_KEYS: the key of "aadc01" is not an Ed25519 SPKI key/);
        assert.ok(!err.message.includes(bot.privateKey.slice(0, 40)));
        assert.doesNotMatch(err.message, /not-a-key/);
      }
      const config = loadConfig({ ...PRODUCTION, ...RELAY }, DEMO_DEFAULTS);
      assert.ok(!JSON.stringify(config).includes(bot.privateKey.slice(20, 60)));
    });
  });
});
