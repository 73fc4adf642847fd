import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { OpenIdMetadata } from 'botframework-connector/lib/auth/openIdMetadata';
import type restify from 'restify';
import sinon from 'sinon';
import { createServer } from '../../../src/app/server';
import { createAdapter } from '../../../src/bot/adapter';
import type { AnchorAdapter } from '../../../src/bot/adapter';
import { UNAUTHORIZED_BODY, messagesEndpoint } from '../../../src/bot/messages-endpoint';
import type { MessagesEndpointParts } from '../../../src/bot/messages-endpoint';
import type { BotAuthConfig } from '../../../src/config/load-config';
import { HealthMonitor } from '../../../src/services/health/health-monitor';
import { routeConsoleToLogger } from '../../../src/shared/console-capture';
import { channelClaims, rsaKeyPair, rsaToken } from '../../support/forged-tokens';
import { memoryLogger } from '../../support/memory-logger';

const APP_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const BOT_AUTH: BotAuthConfig = {
  MicrosoftAppId: APP_ID,
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
};
/** Where the bot would reply; nothing listens, and nothing may be sent in these tests. */
const SERVICE_URL = 'http://127.0.0.1:9/';
const KID = 'microsoft-key-1';

/**
 * The messages endpoint over real HTTP, in-process, with Microsoft's signing keys stood in for:
 * botbuilder's key lookup answers with a key made here, so a token signed with it is genuine as
 * far as botbuilder can tell. This is what shows the endpoint lets a genuine token through, and
 * what happens with a token whose key id is Microsoft's but whose signature is not.
 */
describe('messages endpoint (Bot Framework authentication, stand-in Microsoft keys)', () => {
  const microsoft = rsaKeyPair();
  const attacker = rsaKeyPair();
  const microsoftPem = microsoft.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let server: restify.Server;
  let base: string;
  let adapter: AnchorAdapter;
  let seen: string[];
  let logs: ReturnType<typeof memoryLogger>;
  let restoreConsole: () => void;

  beforeEach(async () => {
    sinon
      .stub(OpenIdMetadata.prototype, 'getKey')
      .callsFake(async (kid: string) =>
        kid === KID ? { key: microsoftPem, endorsements: ['msteams'] } : null,
      );
    logs = memoryLogger('debug');
    restoreConsole = routeConsoleToLogger(logs.logger);
    seen = [];
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
      seen.push(String(context.activity.text));
      await next();
    });
    adapter = createAdapter(BOT_AUTH, logs.logger);
    const messages = messagesEndpoint({ adapter, bot, appId: APP_ID, logger: logs.logger });
    const health = new HealthMonitor({ mode: 'production', version: 'test', probes: [] });
    server = createServer({ messages, health, logger: logs.logger, relay: null });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    restoreConsole();
    sinon.restore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const activity = (overrides: Record<string, unknown> = {}) => ({
    type: 'message',
    id: 'a1',
    text: 'help',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    timestamp: '2026-01-02T03:04:05.000Z',
    from: { id: '29:x' },
    conversation: { id: 'c1' },
    recipient: { id: `28:${APP_ID}` },
    ...overrides,
  });
  const post = (token: string | undefined, body: unknown) =>
    fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const genuine = (overrides: Record<string, unknown> = {}) =>
    rsaToken(microsoft.privateKey, channelClaims(APP_ID, SERVICE_URL, overrides), { kid: KID });
  const refusalLines = () =>
    logs.lines().filter((l) => String(l.msg).startsWith('Bot Framework request refused'));

  it('runs the bot on an activity whose token Microsoft’s key signed, and answers 200', async () => {
    const res = await post(genuine(), activity());
    assert.equal(res.status, 200);
    assert.deepEqual(seen, ['help']);
    assert.deepEqual(refusalLines(), []);
  });

  it('refuses a token with Microsoft’s key id but another key’s signature: 401, logged once, the library’s print kept at debug', async () => {
    const forged = rsaToken(attacker.privateKey, channelClaims(APP_ID, SERVICE_URL), { kid: KID });
    const stdout = sinon.spy(process.stdout, 'write');
    const stderr = sinon.spy(process.stderr, 'write');
    const res = await post(forged, activity());
    stdout.restore();
    stderr.restore();

    assert.equal(res.status, 401);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(
      { ...body, correlationId: undefined },
      { ...UNAUTHORIZED_BODY, correlationId: undefined },
    );
    assert.deepEqual(seen, []);
    assert.equal(stdout.callCount + stderr.callCount, 0, 'nothing printed outside the logger');

    const refusals = refusalLines();
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0].reason, 'rejected');
    assert.equal(refusals[0].correlationId, body.correlationId);
    const printed = logs.lines().filter((l) => l.source === 'console');
    assert.ok(printed.length > 0, 'botbuilder printed through the console (it does for a bad signature)');
    for (const line of printed) assert.equal(line.level, 'debug');
    assert.ok(!JSON.stringify(logs.lines()).includes(forged.split('.')[2]), 'the token is not logged');
  });

  it('refuses a genuine token presented with another service URL (the token is bound to it)', async () => {
    const res = await post(genuine(), activity({ serviceUrl: 'https://attacker.example.test/' }));
    assert.equal(res.status, 401);
    assert.deepEqual(seen, []);
    assert.equal(refusalLines()[0]?.reason, 'rejected');
  });

  it('answers 400 to an authenticated request whose body is not an activity', async () => {
    for (const body of [
      'not json',
      '[]',
      { type: 5 },
      { text: 'no type' },
      activity({ channelId: 7 }),
      activity({ channelId: undefined }),
    ]) {
      const res = await post(genuine({ serviceurl: undefined }), body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys((await res.json()) as object).sort(), [
        'code',
        'correlationId',
        'message',
      ]);
    }
    assert.deepEqual(seen, []);
  });

  it('answers 500 without the error’s message when the turn fails', async () => {
    sinon.stub(adapter, 'runAuthenticated').rejects(new Error('secret internals'));
    const res = await post(genuine(), activity());
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /secret internals/);
    assert.ok(logs.lines().some((l) => l.msg === 'Bot Framework activity failed' && l.level === 'error'));
  });

  /** The endpoint in demo mode (no app id: anonymous requests), served on loopback while `use` runs. */
  async function withDemoEndpoint(
    bot: ActivityHandler,
    cards: MessagesEndpointParts['cards'],
    use: (send: (body: unknown) => Promise<Response>) => Promise<void>,
  ): Promise<void> {
    const demoLogs = memoryLogger('debug');
    const demoAuth = {
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant' as const,
    };
    const demoAdapter = createAdapter({ ...demoAuth, MicrosoftAppTenantId: '' }, demoLogs.logger);
    const endpoint = messagesEndpoint({
      adapter: demoAdapter,
      bot,
      appId: '',
      logger: demoLogs.logger,
      cards,
    });
    const health = new HealthMonitor({ mode: 'demo', version: 'test', probes: [] });
    const demo = createServer({ messages: endpoint, health, logger: demoLogs.logger, relay: null });
    await new Promise<void>((resolve) => demo.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(demo.address() as AddressInfo).port}/api/messages`;
    try {
      await use((body) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    } finally {
      await new Promise<void>((resolve) => demo.close(() => resolve()));
    }
  }

  it('accepts anonymous requests only when no app id is configured (demo mode)', async () => {
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
      seen.push(`demo:${context.activity.text}`);
      await next();
    });
    await withDemoEndpoint(bot, undefined, async (send) => {
      const res = await send(activity());
      assert.equal(res.status, 200);
      assert.deepEqual(seen, ['demo:help']);
    });
  });

  it('holds back updates of a clicked card until the answer to the click is written', async () => {
    const holds: { conversation: object; activityId: string; answered: boolean }[] = [];
    const cards = {
      holdWhile(conversation: object, activityId: string, answered: Promise<unknown>) {
        const hold = { conversation, activityId, answered: false };
        holds.push(hold);
        void answered.then(() => (hold.answered = true));
      },
    };
    const answeredDuringTurn: boolean[] = [];
    class ClickBot extends ActivityHandler {
      protected override async onAdaptiveCardInvoke(): Promise<AdaptiveCardInvokeResponse> {
        await new Promise((resolve) => setTimeout(resolve, 20));
        answeredDuringTurn.push(...holds.map((h) => h.answered));
        return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: {} };
      }
    }
    await withDemoEndpoint(new ClickBot(), cards, async (send) => {
      const value = { action: { type: 'Action.Execute', verb: 'link.approve', data: {} } };
      const click = activity({ type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-7', value });
      const res = await send(click);
      assert.equal(res.status, 200);
      assert.deepEqual(answeredDuringTurn, [false], 'held while the turn ran');
      assert.equal(holds.length, 1);
      assert.deepEqual(holds[0].conversation, { conversation: { id: 'c1' } });
      assert.equal(holds[0].activityId, 'card-7');
      assert.equal(holds[0].answered, true, 'released once the answer was written');

      await send(activity());
      await send(activity({ type: 'invoke', name: 'adaptiveCard/action', value }));
      assert.equal(holds.length, 1, 'a message, or a click without the card it came from, holds nothing');
    });
  });
});
