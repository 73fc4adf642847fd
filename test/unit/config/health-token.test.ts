import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { PRODUCTION } from '../../support/production-env';

describe('HEALTH_TOKEN', () => {
  const TOKEN = 'a'.repeat(16) + '0123456789abcdef';

  it('is optional: without it no token unlocks the details of /healthz', () => {
    assert.equal(loadConfig(PRODUCTION, DEMO_DEFAULTS).healthToken, undefined);
    assert.equal(loadConfig({ ...PRODUCTION, HEALTH_TOKEN: ' ' }, DEMO_DEFAULTS).healthToken, undefined);
  });

  it('is taken in production and in demo mode', () => {
    assert.equal(loadConfig({ ...PRODUCTION, HEALTH_TOKEN: TOKEN }, DEMO_DEFAULTS).healthToken, TOKEN);
    assert.equal(loadConfig({ HEALTH_TOKEN: TOKEN }, DEMO_DEFAULTS).healthToken, TOKEN);
  });

  for (const [what, value, message] of [
    ['shorter than 32 characters', 'short-but-not-empty', /at least 32 characters/],
    ['with a space in it', `${TOKEN} ${TOKEN}`, /must not contain spaces/],
  ] as const) {
    it(`is refused ${what}, with an example and without echoing it`, () => {
      assert.throws(
        () => loadConfig({ ...PRODUCTION, HEALTH_TOKEN: value }, DEMO_DEFAULTS),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.some((p) => p.name === 'HEALTH_TOKEN' && message.test(p.message)) &&
          /example: HEALTH_TOKEN=.*openssl rand -hex 32/.test(err.message) &&
          !err.message.includes(value),
      );
    });
  }
});
