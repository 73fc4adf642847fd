import assert from 'node:assert/strict';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';
import { PACKAGE_VERSION } from '../../../src/shared/paths';
import { TEST_HEALTH_TOKEN, fetchHealth, healthReport } from '../../support/health';
import { PRODUCTION } from '../../support/production-env';
import { startProductionAnchor } from '../../support/production-process';
import type { ProductionAnchor } from '../../support/production-process';

const BASE_DN = 'DC=health-check,DC=example,DC=test';
const RELAYS = ['relay-health-a', 'relay-health-b'];

/**
 * `/healthz` of Anchor in production mode, as a real process: anonymous callers (App Service's
 * health check among them) learn that the instance is up and nothing else; the configured
 * HEALTH_TOKEN unlocks the details.
 */
describe('/healthz (real process, production mode)', function () {
  this.timeout(60_000);
  let prod: ProductionAnchor;

  before(async () => {
    const bot = generateSigningKeyPair();
    prod = await startProductionAnchor({
      LDAP_BASE_DN: BASE_DN,
      RELAY_KEYS: RELAYS.map((id) => `${id}=${generateSigningKeyPair().publicKey}`).join(','),
      BOT_SIGNING_KEY: bot.privateKey,
    });
  });

  after(async () => {
    await prod?.stop();
  });

  /** Everything the details hold that an anonymous caller must not learn. */
  function details(): string[] {
    const ldapHostPort = prod.ldapUrl.replace('ldaps://', '');
    return [ldapHostPort, BASE_DN, ...RELAYS, prod.dataDir, PACKAGE_VERSION, 'production', 'dependencies'];
  }

  async function assertLivenessOnly(res: Response): Promise<void> {
    assert.equal(res.status, 200, 'App Service counts any 2xx as healthy');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { status: 'up' });
    for (const secret of details()) assert.ok(!text.includes(secret), `${secret} leaks: ${text}`);
  }

  it('answers 200 {"status":"up"} without credentials, and nothing more', async () => {
    await assertLivenessOnly(await fetchHealth(prod.base, null));
  });

  it('answers the same to a wrong token, another scheme, an empty bearer or the token with a suffix', async () => {
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer not-the-health-token-but-long-enough-to-look-real' },
      { authorization: `Basic ${Buffer.from(`x:${TEST_HEALTH_TOKEN}`).toString('base64')}` },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${TEST_HEALTH_TOKEN}x` },
      { authorization: `Bearer ${TEST_HEALTH_TOKEN.slice(0, -1)}` },
      { 'x-health-token': TEST_HEALTH_TOKEN },
    ];
    for (const headers of attempts) {
      await assertLivenessOnly(await fetch(`${prod.base}/healthz`, { headers }));
    }
    const refusals = prod.anchor.text.split('\n').filter((l) => l.includes('health details refused'));
    assert.ok(refusals.length >= 3, 'a presented wrong bearer token is logged');
    assert.ok(!prod.anchor.text.includes('not-the-health-token'), 'the presented token is never logged');
  });

  it('gives the details (dependencies, LDAP URL, base DN, relays, data folder, errors) to the right token', async () => {
    const res = await fetchHealth(prod.base);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const report = await healthReport(prod.base);
    assert.equal(report.mode, 'production');
    assert.equal(report.version, PACKAGE_VERSION);
    assert.equal(report.status, 'degraded');
    assert.deepEqual(Object.keys(report.dependencies).sort(), ['directory', 'graph', 'relay', 'storage']);
    assert.equal(report.dependencies.directory.state, 'down');
    assert.match(report.dependencies.directory.detail, new RegExp(prod.ldapUrl.replace(/[.]/g, '\\.')));
    assert.equal(report.dependencies.storage.state, 'ok');
    assert.equal(report.dependencies.storage.detail, `file (${prod.dataDir})`);
    const relays = (report.dependencies.relay as { relays?: Record<string, unknown> }).relays;
    assert.deepEqual(Object.keys(relays ?? {}), RELAYS);
    assert.ok(!JSON.stringify(report).includes(PRODUCTION.LDAP_BIND_PASSWORD));
  });

  it('never gives the details when no HEALTH_TOKEN is configured, whatever is presented', async () => {
    const bare = await startProductionAnchor({ HEALTH_TOKEN: '' });
    try {
      for (const token of [null, TEST_HEALTH_TOKEN, '']) {
        const res = await fetchHealth(bare.base, token);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { status: 'up' });
      }
    } finally {
      await bare.stop();
    }
  });
});
