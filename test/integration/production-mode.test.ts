import assert from 'node:assert/strict';
import { AnchorProcess, freePort } from '../support/anchor-process';

const PRODUCTION = {
  ANCHOR_MODE: 'production',
  MicrosoftAppId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  MicrosoftAppPassword: 'integration-test-secret-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
  ANCHOR_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  ANCHOR_ADMIN_IDS: '22222222-3333-4444-8555-666666666666',
};

describe('production mode (real process)', () => {
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
    for (const name of ['MicrosoftAppId', 'MicrosoftAppType', 'ANCHOR_TENANT_ID', 'ANCHOR_ADMIN_IDS']) {
      assert.match(anchor.text, new RegExp(`- ${name}: `));
    }
  });

  describe('with a complete configuration', () => {
    let anchor: AnchorProcess;
    let base: string;

    before(async () => {
      const port = await freePort();
      anchor = AnchorProcess.start({
        ...PRODUCTION,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
      });
      await anchor.waitFor(/Anchor listening/);
      base = `http://127.0.0.1:${port}`;
    });

    after(async () => {
      await anchor?.stop();
    });

    it('rejects Bot Framework traffic without a token with 401, and runs no handler', async () => {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          text: 'help',
          channelId: 'msteams',
          serviceUrl: 'http://127.0.0.1:9/',
          from: { id: 'x', aadObjectId: '22222222-3333-4444-8555-666666666666' },
          conversation: { id: 'c' },
          recipient: { id: 'bot' },
          channelData: { tenant: { id: PRODUCTION.ANCHOR_TENANT_ID } },
        }),
      });
      assert.equal(res.status, 401);
      assert.doesNotMatch(anchor.text, /activity received/);
    });

    it('rejects a forged token with 401', async () => {
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
        body: JSON.stringify({ type: 'message', text: 'help', serviceUrl: 'http://127.0.0.1:9/' }),
      });
      assert.equal(res.status, 401);
    });

    it('reports each dependency on /healthz, including what is not available yet', async () => {
      const res = await fetch(`${base}/healthz`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        status: string;
        mode: string;
        dependencies: Record<string, { state: string }>;
      };
      assert.equal(body.mode, 'production');
      assert.equal(body.status, 'degraded');
      assert.deepEqual(Object.keys(body.dependencies).sort(), ['directory', 'graph', 'relay', 'storage']);
      assert.equal(body.dependencies.directory.state, 'down');
      assert.equal(body.dependencies.relay.state, 'unknown');
    });

    it('never logs the app password', () => {
      assert.doesNotMatch(anchor.text, new RegExp(PRODUCTION.MicrosoftAppPassword));
    });
  });
});
