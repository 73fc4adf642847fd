import assert from 'node:assert/strict';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import sinon from 'sinon';
import { GraphCallOption, startCall } from '../../../../src/services/entra/graph-call';
import {
  GraphDeadlineError,
  GraphThrottledError,
  GraphUnreachableError,
} from '../../../../src/services/entra/graph-errors';
import { GraphRetryHandler, retryAfterMs } from '../../../../src/services/entra/graph-retry-handler';

const THROTTLED = JSON.stringify({
  error: { code: 'TooManyRequests', message: 'Too many requests', innerError: { 'request-id': 'req-429' } },
});

/** A chain end that answers from a script and records when each attempt came. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const times: number[] = [];
  const next: Middleware = {
    async execute(context: Context) {
      times.push(Date.now());
      const answer = answers.shift();
      if (!answer) throw new Error('no more scripted answers');
      context.response = await answer();
    },
  };
  return { next, times };
}

const status = (code: number, retryAfter?: string) => () =>
  new Response(code === 200 ? '{}' : THROTTLED, {
    status: code,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });

function contextFor(option: GraphCallOption, method = 'GET'): Context {
  return {
    request: 'https://graph.microsoft.com/v1.0/organization',
    options: { method, headers: {} },
    // The SDK looks options up by their class, as this stand-in does.
    middlewareControl: {
      getMiddlewareOptions: (fn: unknown) => (fn === GraphCallOption ? option : undefined),
    } as unknown as Context['middlewareControl'],
  };
}

describe('GraphRetryHandler', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(
    () => (clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] })),
  );
  afterEach(() => clock.restore());

  function handler(next: Middleware, maxRetries = 4) {
    const h = new GraphRetryHandler({ maxRetries, baseDelayMs: 500, defaultTimeoutMs: 20_000 });
    h.setNext(next);
    return h;
  }

  it('waits exactly as Retry-After says (seconds) for 429, 503 and 504', async () => {
    const { next, times } = scripted([status(429, '2'), status(503, '1'), status(504, '0'), status(200)]);
    const option = new GraphCallOption(startCall(20_000));
    const done = handler(next).execute(contextFor(option));
    await clock.tickAsync(3000);
    await done;
    assert.deepEqual(
      times.map((t) => t - 1_000_000),
      [0, 2000, 3000, 3000],
    );
    assert.equal(option.attempts, 4);
  });

  it('backs off exponentially when Graph gives no Retry-After', async () => {
    const { next, times } = scripted([status(503), status(503), status(200)]);
    const done = handler(next).execute(contextFor(new GraphCallOption(startCall(20_000))));
    await clock.tickAsync(1500);
    await done;
    assert.deepEqual(
      times.map((t) => t - 1_000_000),
      [0, 500, 1500],
    );
  });

  it('does not start a wait that would cross the deadline', async () => {
    const { next, times } = scripted([status(429, '30')]);
    const option = new GraphCallOption(startCall(10_000));
    await assert.rejects(handler(next).execute(contextFor(option)), (err: unknown) => {
      assert.ok(err instanceof GraphThrottledError);
      assert.equal(err.retryAfterMs, 30_000);
      assert.equal(err.requestId, 'req-429');
      assert.equal(err.attempts, 1);
      return true;
    });
    assert.equal(times.length, 1);
    assert.equal(option.failure?.name, 'GraphThrottledError');
  });

  it('gives up after maxRetries with the last throttling answer', async () => {
    const { next, times } = scripted([status(429, '0'), status(429, '0'), status(429, '0')]);
    await assert.rejects(
      handler(next, 2).execute(contextFor(new GraphCallOption(startCall(10_000)))),
      GraphThrottledError,
    );
    assert.equal(times.length, 3);
  });

  it('aborts an attempt that outlives the deadline', async () => {
    let signal: AbortSignal | undefined;
    const next: Middleware = {
      execute: (context) => {
        signal = context.options?.signal ?? undefined;
        return new Promise(() => undefined);
      },
    };
    const done = assert.rejects(
      handler(next).execute(contextFor(new GraphCallOption(startCall(5000)))),
      GraphDeadlineError,
    );
    await clock.tickAsync(5000);
    await done;
    assert.equal(signal?.aborted, true);
  });

  it('retries a lost connection on GET, but not on PATCH', async () => {
    const lost = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }));
    const get = scripted([lost, status(200)]);
    const done = handler(get.next).execute(contextFor(new GraphCallOption(startCall(10_000))));
    await clock.tickAsync(500);
    await done;
    assert.equal(get.times.length, 2);

    const patch = scripted([lost]);
    await assert.rejects(
      handler(patch.next).execute(contextFor(new GraphCallOption(startCall(10_000)), 'PATCH')),
      (err: unknown) => err instanceof GraphUnreachableError && /ECONNRESET/.test(err.message),
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '7' })), 7000);
    const now = Date.parse('2026-11-25T10:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 10:00:05 GMT' }), now), 5000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(new Headers()), undefined);
  });

  it('reads Retry-After from the header record of a $batch step, whatever its case', () => {
    assert.equal(retryAfterMs({ 'Retry-After': '2' }), 2000);
    assert.equal(retryAfterMs({ 'retry-after': '0' }), 0);
    assert.equal(retryAfterMs({ 'Content-Type': 'application/json' }), undefined);
  });
});
