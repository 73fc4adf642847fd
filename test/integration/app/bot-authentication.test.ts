import assert from 'node:assert/strict';
import { BotConnector } from '../../support/bot-connector';
import {
  channelClaims,
  garbledToken,
  hmacToken,
  rsaKeyPair,
  rsaToken,
  unsignedToken,
} from '../../support/forged-tokens';
import { PRODUCTION } from '../../support/production-env';
import { startProductionAnchor } from '../../support/production-process';
import type { ProductionAnchor } from '../../support/production-process';

const APP_ID = PRODUCTION.MicrosoftAppId;
const OTHER_APP = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';

/** One request to /api/messages and the reason its refusal must be logged with. */
interface Attempt {
  name: string;
  authorization?: string;
  /** The raw body; a Teams message to the bot unless given. */
  body?: string;
  /** Accepted reasons (a wrong key is `rejected` with Microsoft's keys at hand, `unverifiable` offline). */
  reasons: string[];
}

/**
 * Bot Framework authentication of Anchor in production mode, as a real process over HTTP: every
 * token failure is a 401 with one generic body, the reason is logged once (never the token), the
 * bot never runs, and nothing reaches stdout or stderr outside pino's JSON lines.
 */
describe('Bot Framework authentication (real process, production mode)', function () {
  this.timeout(60_000);
  let prod: ProductionAnchor;
  let connector: BotConnector;
  let serviceUrl: string;
  const key = rsaKeyPair();
  const now = Math.floor(Date.now() / 1000);

  before(async () => {
    connector = new BotConnector();
    serviceUrl = await connector.start();
    prod = await startProductionAnchor({ LOG_LEVEL: 'debug' });
  });

  after(async () => {
    await prod?.stop();
    await connector?.stop();
  });

  const teamsMessage = () =>
    JSON.stringify({
      type: 'message',
      id: 'activity-1',
      text: 'help',
      channelId: 'msteams',
      serviceUrl,
      from: { id: '29:x', aadObjectId: PRODUCTION.ANCHOR_ADMIN_IDS.split(',')[0] },
      conversation: { id: 'a:personal', conversationType: 'personal', tenantId: PRODUCTION.ANCHOR_TENANT_ID },
      recipient: { id: `28:${APP_ID}` },
      channelData: { tenant: { id: PRODUCTION.ANCHOR_TENANT_ID } },
    });
  const claims = (overrides: Record<string, unknown> = {}) => channelClaims(APP_ID, serviceUrl, overrides);
  const bearer = (token: string) => `Bearer ${token}`;

  const attempts = (): Attempt[] => [
    { name: 'no Authorization header', reasons: ['no-token'] },
    { name: 'an empty Authorization header', authorization: '', reasons: ['no-token'] },
    { name: 'Basic credentials', authorization: 'Basic YWRtaW46YWRtaW4=', reasons: ['malformed'] },
    { name: 'a bearer that is not a JWT', authorization: 'Bearer abc.def', reasons: ['malformed'] },
    { name: 'a JWT whose header is not JSON', authorization: bearer(garbledToken()), reasons: ['malformed'] },
    {
      name: 'a lower-case scheme',
      authorization: `bearer ${rsaToken(key.privateKey, claims())}`,
      reasons: ['malformed'],
    },
    { name: 'a 10 kB bearer', authorization: bearer('x'.repeat(10_000)), reasons: ['malformed'] },
    {
      name: 'alg: none (no signature)',
      authorization: bearer(unsignedToken(claims())),
      reasons: ['algorithm'],
    },
    {
      name: 'HS256 keyed with the app password',
      authorization: bearer(hmacToken(PRODUCTION.MicrosoftAppPassword, claims())),
      reasons: ['algorithm'],
    },
    {
      name: 'RS256 without a key id',
      authorization: bearer(rsaToken(key.privateKey, claims(), { kid: undefined })),
      reasons: ['malformed'],
    },
    {
      name: 'RS256 with a key that is not Microsoft’s',
      authorization: bearer(rsaToken(key.privateKey, claims())),
      reasons: ['rejected', 'unverifiable'],
    },
    {
      name: 'RS512 with a key that is not Microsoft’s and a key id of Microsoft’s form',
      authorization: bearer(
        rsaToken(key.privateKey, claims(), { alg: 'RS512', kid: 'kJ-qvC1kN-GhMBJ4jEvzTDz6KyU' }),
      ),
      reasons: ['rejected', 'unverifiable'],
    },
    {
      name: 'another app as the audience',
      authorization: bearer(rsaToken(key.privateKey, claims({ aud: OTHER_APP }))),
      reasons: ['audience'],
    },
    {
      name: 'the app id in appid but not in aud',
      authorization: bearer(rsaToken(key.privateKey, claims({ aud: OTHER_APP, appid: APP_ID }))),
      reasons: ['audience'],
    },
    {
      name: 'an issuer that is not Bot Framework',
      authorization: bearer(rsaToken(key.privateKey, claims({ iss: 'https://login.example.test/' }))),
      reasons: ['rejected'],
    },
    {
      name: 'expired an hour ago',
      authorization: bearer(rsaToken(key.privateKey, claims({ exp: now - 3600, nbf: now - 7200 }))),
      reasons: ['lifetime'],
    },
    {
      name: 'not valid for another hour',
      authorization: bearer(rsaToken(key.privateKey, claims({ nbf: now + 3600 }))),
      reasons: ['lifetime'],
    },
    {
      name: 'without an expiry',
      authorization: bearer(rsaToken(key.privateKey, claims({ exp: undefined }))),
      reasons: ['lifetime'],
    },
    { name: 'no token and a body that is not JSON', body: '{"type": "message", ', reasons: ['no-token'] },
    { name: 'no token and an activity without a type', body: '{"type": 5}', reasons: ['no-token'] },
    { name: 'no token and a JSON array', body: '[]', reasons: ['no-token'] },
    {
      name: 'a forged token and a body that is not JSON',
      authorization: bearer(rsaToken(key.privateKey, claims())),
      body: 'not json',
      reasons: ['rejected', 'unverifiable'],
    },
  ];

  for (const attempt of attempts()) {
    it(`answers 401 with the generic body, and logs why once: ${attempt.name}`, async () => {
      const res = await fetch(`${prod.base}/api/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(attempt.authorization === undefined ? {} : { authorization: attempt.authorization }),
        },
        body: attempt.body ?? teamsMessage(),
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['code', 'correlationId', 'message']);
      assert.equal(body.code, 'unauthorized');
      assert.equal(body.message, 'The request does not carry a valid Bot Framework token for this bot.');

      const lines = await logLinesOf(String(body.correlationId));
      assert.equal(lines.length, 1, `one log line per refusal:\n${JSON.stringify(lines)}`);
      assert.ok(attempt.reasons.includes(String(lines[0].reason)), `reason ${lines[0].reason}`);
      if (attempt.authorization) {
        const secret = attempt.authorization.split(/[ .]/).at(-1) ?? '';
        if (secret.length > 8) assert.ok(!prod.anchor.text.includes(secret), 'the token is logged');
      }
    });
  }

  it('never ran the bot: nothing reached the connector', () => {
    assert.deepEqual(connector.calls, []);
    assert.doesNotMatch(prod.anchor.text, /activity received|unhandled error in turn/);
  });

  it('printed nothing but pino JSON lines, and no library message or stack', () => {
    const lines = prod.anchor.text.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length > 0);
    for (const line of lines) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        assert.fail(`a line outside the logger: ${line}`);
      }
      assert.equal(typeof parsed.level, 'string', line);
      assert.equal(typeof parsed.time, 'string', line);
      assert.equal(parsed.name, 'anchor', line);
    }
    assert.doesNotMatch(prod.anchor.text, /JsonWebTokenError|invalid signature|Error finding key|\n\s+at /);
  });

  /** The log lines carrying `correlationId`, once the process has written them. */
  async function logLinesOf(correlationId: string): Promise<Record<string, unknown>[]> {
    await prod.anchor.waitFor(new RegExp(`"correlationId":"${correlationId}"`), 5000);
    return prod.anchor.text
      .split('\n')
      .filter((l) => l.includes(correlationId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
});
