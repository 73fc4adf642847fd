import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';
import { DEMO_TENANT } from '../../src/sim/demo-tenant';

const PRODUCTION = {
  ANCHOR_MODE: 'production',
  MicrosoftAppId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
  ANCHOR_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  ANCHOR_ADMIN_IDS: '22222222-3333-4444-8555-666666666666, 33333333-4444-4555-8666-777777777777',
  LDAP_URL: 'ldaps://dc1.corp.contoso.com',
  LDAP_BIND_DN: 'CN=svc-anchor,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
  LDAP_BIND_PASSWORD: 'not-a-real-password',
  LDAP_BASE_DN: 'DC=corp,DC=contoso,DC=com',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => p.name);
  }
  assert.fail('configuration was accepted');
}

describe('loadConfig', () => {
  it('runs in demo mode on loopback when nothing is configured', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'demo');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3978);
    assert.equal(config.botAuth.MicrosoftAppId, '');
    assert.equal(config.allowedTenantId, DEMO_TENANT.tenantId);
    assert.deepEqual(config.adminObjectIds, [
      DEMO_TENANT.requester.aadObjectId,
      DEMO_TENANT.approver.aadObjectId,
    ]);
    assert.equal(config.graphBaseUrl, 'http://127.0.0.1:3979');
  });

  it('keeps demo mode on loopback even when HOST says otherwise', () => {
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '127.0.0.1');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(PRODUCTION);
    assert.equal(config.mode, 'production');
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.botAuth.MicrosoftAppId, PRODUCTION.MicrosoftAppId);
    assert.deepEqual(config.adminObjectIds, [
      '22222222-3333-4444-8555-666666666666',
      '33333333-4444-4555-8666-777777777777',
    ]);
    assert.equal(config.graphBaseUrl, 'https://graph.microsoft.com');
  });

  it('refuses production without MicrosoftAppId and names it with an example', () => {
    const env: Record<string, string | undefined> = { ...PRODUCTION, MicrosoftAppId: undefined };
    assert.throws(
      () => loadConfig(env),
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
    const config = loadConfig({
      ...PRODUCTION,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppPassword: '',
    });
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

  describe('directory settings', () => {
    it('reads the LDAP connection with safe defaults', () => {
      const { ldap, sourceAnchor } = loadConfig(PRODUCTION);
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
      const { ldap } = loadConfig({
        ...PRODUCTION,
        LDAP_SYNC_OUS: 'OU=Staff,DC=corp,DC=contoso,DC=com; OU=Contractors,DC=corp,DC=contoso,DC=com;',
      });
      assert.deepEqual(ldap?.syncScopeOus, [
        'OU=Staff,DC=corp,DC=contoso,DC=com',
        'OU=Contractors,DC=corp,DC=contoso,DC=com',
      ]);
    });

    it('turns certificate checks off only for the literal LDAP_TLS_INSECURE=true', () => {
      assert.equal(loadConfig({ ...PRODUCTION, LDAP_TLS_INSECURE: 'true' }).ldap?.tlsInsecure, true);
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
      assert.equal(loadConfig({}).ldap, undefined);
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
      assert.equal(loadConfig({ SOURCE_ANCHOR: 'objectGUID' }).sourceAnchor, 'objectGUID');
    });

    it('never puts the bind password in an error message', () => {
      try {
        loadConfig({ ...PRODUCTION, LDAP_URL: 'nope' });
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.doesNotMatch(err.message, /not-a-real-password/);
      }
    });
  });
});
