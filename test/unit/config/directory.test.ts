import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { PRODUCTION } from '../../support/production-env';

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
});
