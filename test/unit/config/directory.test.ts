import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { PRODUCTION } from '../../support/production-env';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';

/** The ConfigError `env` gives; fails the test if the configuration is accepted. */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, DEMO_DEFAULTS);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('configuration was accepted');
}

describe('directory settings', () => {
  describe('LDAP_URL with credentials in it', () => {
    const PASSWORD = 'Sup3r-Secret!';
    const urls = [
      `ldaps://svc-anchor:${PASSWORD}@dc1.corp.contoso.com`,
      `ldap://CORP%5Csvc-anchor:${PASSWORD}@dc1.corp.contoso.com:389`,
      `ldaps://${PASSWORD}@dc1.corp.contoso.com/`,
      `https://svc:${PASSWORD}@dc1.corp.contoso.com`,
    ];

    for (const url of urls) {
      it(`is refused at start-up in production without echoing the password: ${url.replace(PASSWORD, '…')}`, () => {
        const err = refusal({ ...PRODUCTION, LDAP_URL: url });
        const problem = err.problems.find(
          (p) => p.name === 'LDAP_URL' && /user name or password/.test(p.message),
        );
        assert.ok(problem, `no credentials problem for LDAP_URL in:\n${err.message}`);
        assert.match(problem.message, /LDAP_BIND_DN.*LDAP_BIND_PASSWORD/);
        assert.ok(!err.message.includes(PASSWORD), `the password is printed:\n${err.message}`);
        assert.ok(!err.message.includes('svc-anchor:'), `the URL is echoed:\n${err.message}`);
      });
    }

    it('is refused in demo mode too (the demo can read a real DC)', () => {
      const err = refusal({
        LDAP_URL: `ldaps://svc:${PASSWORD}@127.0.0.1:636`,
        LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example,DC=test',
        LDAP_BIND_PASSWORD: 'x',
        LDAP_BASE_DN: 'DC=corp,DC=example,DC=test',
      });
      assert.deepEqual(
        err.problems.map((p) => p.name),
        ['LDAP_URL'],
      );
      assert.ok(!err.message.includes(PASSWORD));
    });
  });

  it('still accepts a plain LDAP_URL, with or without a port', () => {
    for (const url of ['ldaps://dc1.corp.contoso.com', 'ldap://10.0.0.4:389', 'LDAPS://DC1:636/']) {
      assert.equal(
        loadConfig({ ...PRODUCTION, LDAP_URL: url }, DEMO_DEFAULTS).ldap?.url,
        url.replace(/\/$/, ''),
      );
    }
  });

  describe('DIRECTORY_SOURCE', () => {
    const {
      LDAP_URL: _u,
      LDAP_BIND_DN: _d,
      LDAP_BIND_PASSWORD: _p,
      LDAP_BASE_DN: _b,
      ...NO_LDAP
    } = PRODUCTION;
    const relay = generateSigningKeyPair();
    const bot = generateSigningKeyPair();
    const RELAY = { RELAY_KEYS: `sync01=${relay.publicKey}`, BOT_SIGNING_KEY: bot.privateKey };

    it('production reads AD through the relay when a relay is configured and LDAP_URL is not, holding no LDAP settings', () => {
      const config = loadConfig(
        { ...NO_LDAP, ...RELAY, LDAP_SYNC_OUS: 'OU=Staff,DC=x;OU=B,DC=x' },
        DEMO_DEFAULTS,
      );
      assert.deepEqual(config.directory, { source: 'relay', syncScopeOus: ['OU=Staff,DC=x', 'OU=B,DC=x'] });
      assert.equal(config.ldap, undefined);
    });

    it('production reads AD directly with LDAP_URL, relay or not', () => {
      assert.equal(loadConfig({ ...PRODUCTION, ...RELAY }, DEMO_DEFAULTS).directory.source, 'ldap');
      assert.equal(loadConfig(PRODUCTION, DEMO_DEFAULTS).ldap?.url, 'ldaps://dc1.corp.contoso.com');
    });

    it('refuses relay without a relay, an LDAP password the bot would not use, and an unknown source', () => {
      const names = (env: Record<string, string>) => refusal(env).problems.map((p) => p.name);
      assert.deepEqual(names({ ...NO_LDAP, DIRECTORY_SOURCE: 'relay' }), ['DIRECTORY_SOURCE']);
      const extra = refusal({
        ...NO_LDAP,
        ...RELAY,
        DIRECTORY_SOURCE: 'relay',
        LDAP_BIND_PASSWORD: 'Secret-1!',
      });
      assert.deepEqual(
        extra.problems.map((p) => p.name),
        ['LDAP_BIND_PASSWORD'],
      );
      assert.doesNotMatch(extra.message, /Secret-1!/);
      assert.ok(names({ ...PRODUCTION, DIRECTORY_SOURCE: 'vpn' }).includes('DIRECTORY_SOURCE'));
    });

    it('production without a relay still needs the LDAP settings', () => {
      assert.ok(refusal(NO_LDAP).problems.some((p) => p.name === 'LDAP_URL'));
    });

    it('the demo reads its memory AD, a DC with LDAP_URL, and needs LDAP_URL for its own relay to read', () => {
      assert.equal(loadConfig({}, DEMO_DEFAULTS).directory.source, 'demo');
      const dc = {
        LDAP_URL: 'ldaps://127.0.0.1:636',
        LDAP_BIND_DN: 'CN=a,DC=x',
        LDAP_BIND_PASSWORD: 'p',
        LDAP_BASE_DN: 'DC=x',
      };
      assert.equal(loadConfig(dc, DEMO_DEFAULTS).directory.source, 'ldap');
      const viaRelay = loadConfig({ ...dc, DIRECTORY_SOURCE: 'relay' }, DEMO_DEFAULTS);
      assert.equal(viaRelay.directory.source, 'relay');
      assert.equal(viaRelay.ldap?.url, 'ldaps://127.0.0.1:636');
      assert.deepEqual(
        refusal({ DIRECTORY_SOURCE: 'relay' }).problems.map((p) => p.name),
        ['DIRECTORY_SOURCE'],
      );
    });
  });
});
