import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AnchorProcess, freePort } from '../../support/anchor-process';
import { sharedSambaDc } from '../../support/fixtures';
import { fetchHealth } from '../../support/health';
import type { SambaDc } from '../../support/samba-dc';
import { postWithoutToken } from '../../support/production-process';

const PRODUCTION = {
  ANCHOR_MODE: 'production',
  MicrosoftAppId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  MicrosoftAppPassword: 'integration-test-secret-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
  ANCHOR_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  ANCHOR_ADMIN_IDS: '22222222-3333-4444-8555-666666666666',
  AZURE_CLIENT_ID: '44444444-5555-4666-8777-888888888888',
  AZURE_CLIENT_SECRET: 'integration-test-graph-secret',
};

/** The file store of the production processes: a temp folder, not ./data of the checkout. */
const DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'anchor-production-'));

describe('production mode (real process)', () => {
  after(() => rmSync(DATA_DIR, { recursive: true, force: true }));

  it('exits non-zero naming MicrosoftAppId when it is missing', async () => {
    const { MicrosoftAppId: _omitted, ...env } = PRODUCTION;
    const anchor = AnchorProcess.start(env);
    assert.notEqual(await anchor.exitCode(), 0);
    assert.match(anchor.text, /MicrosoftAppId: is required \(example: MicrosoftAppId=/);
    assert.doesNotMatch(anchor.text, /listening/i);
  });

  it('names every missing setting when only ANCHOR_MODE is set', async () => {
    const anchor = AnchorProcess.start({ ANCHOR_MODE: 'production' });
    assert.notEqual(await anchor.exitCode(), 0);
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppType',
      'ANCHOR_TENANT_ID',
      'ANCHOR_ADMIN_IDS',
      'LDAP_URL',
      'LDAP_BIND_DN',
      'LDAP_BIND_PASSWORD',
      'LDAP_BASE_DN',
    ]) {
      assert.match(anchor.text, new RegExp(`- ${name}: `));
    }
  });

  describe('with a complete configuration, against the Samba DC', () => {
    let anchor: AnchorProcess;
    let base: string;
    let dc: SambaDc;

    before(async function () {
      this.timeout(300_000);
      dc = await sharedSambaDc();
      ({ anchor, base } = await startListening({ ...dc.ldapEnv(), LOG_LEVEL: 'debug' }));
    });

    after(async () => {
      await anchor?.stop();
    });

    it('rejects Bot Framework traffic without a token with 401, and runs no handler', async () => {
      const res = await postWithoutToken(base);
      assert.equal(res.status, 401);
      assert.doesNotMatch(anchor.text, /activity received/);
    });

    it('rejects a forged token with 401', async () => {
      const res = await postWithoutToken(base, 'Bearer eyJhbGciOiJub25lIn0.e30.');
      assert.equal(res.status, 401);
    });

    it('reports each dependency on /healthz: the directory is up over LDAPS', async () => {
      const res = await fetchHealth(base);
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        status: string;
        mode: string;
        dependencies: Record<string, { state: string; detail?: string }>;
      };
      assert.equal(body.mode, 'production');
      assert.equal(body.status, 'degraded');
      assert.deepEqual(Object.keys(body.dependencies).sort(), ['directory', 'graph', 'relay', 'storage']);
      assert.equal(body.dependencies.directory.state, 'ok');
      assert.match(JSON.stringify(body.dependencies.directory), /ldaps:\/\/127\.0\.0\.1:636, base DC=corp/);
      assert.equal(body.dependencies.relay.state, 'unknown');
      // Production keeps state in files by default.
      assert.equal(body.dependencies.storage.state, 'ok');
      assert.equal(body.dependencies.storage.detail, `file (${DATA_DIR})`);
    });

    it('never logs the app password or the LDAP bind password', () => {
      assert.doesNotMatch(anchor.text, new RegExp(PRODUCTION.MicrosoftAppPassword));
      assert.ok(!anchor.text.includes(dc.adminPassword));
    });
  });

  describe('with a wrong LDAP bind password', () => {
    let anchor: AnchorProcess;
    let base: string;

    before(async function () {
      this.timeout(300_000);
      const dc = await sharedSambaDc();
      ({ anchor, base } = await startListening({
        ...dc.ldapEnv(),
        LDAP_BIND_PASSWORD: 'Not-The-Password-1!',
      }));
    });

    after(async () => {
      await anchor?.stop();
    });

    it('still starts, and /healthz says the bind was refused and what to check', async () => {
      const body = (await (await fetchHealth(base)).json()) as {
        dependencies: Record<string, { state: string; detail: string }>;
      };
      assert.equal(body.dependencies.directory.state, 'down');
      assert.match(
        body.dependencies.directory.detail,
        /refused the bind as CN=Administrator.*LDAP_BIND_PASSWORD/,
      );
      assert.ok(!anchor.text.includes('Not-The-Password-1!'));
    });
  });

  it('refuses an unreadable LDAP_CA_FILE and a malformed LDAP_URL at start-up', async () => {
    const anchor = AnchorProcess.start({
      ...PRODUCTION,
      LDAP_URL: 'https://dc1.corp.example.test',
      LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example,DC=test',
      LDAP_BIND_PASSWORD: 'x',
      LDAP_BASE_DN: 'DC=corp,DC=example,DC=test',
      LDAP_CA_FILE: '/nonexistent/ca.pem',
    });
    assert.notEqual(await anchor.exitCode(), 0);
    assert.match(anchor.text, /- LDAP_URL: must be ldaps:\/\/host\[:port\] or ldap:\/\/host\[:port\]/);
    assert.match(anchor.text, /- LDAP_CA_FILE: is not a readable file/);
  });
});

/** Starts Anchor in production mode on a free loopback port and waits until it listens. */
async function startListening(env: Record<string, string>): Promise<{ anchor: AnchorProcess; base: string }> {
  const port = await freePort();
  const anchor = AnchorProcess.start({
    ...PRODUCTION,
    DATA_DIR,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await anchor.waitFor(/Anchor listening/);
  return { anchor, base: `http://127.0.0.1:${port}` };
}
