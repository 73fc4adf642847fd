import { sleep } from '../../shared/sleep';
import type { GraphApi, GraphVersion } from './graph-api';
import { graphAnswer } from './graph-answer';
import type { GraphCall } from './graph-call';
import { toDomainError } from './graph-error-mapping';
import type { ErrorContext } from './graph-error-mapping';
import { GraphDeadlineError, GraphThrottledError } from './graph-errors';
import type { GraphRequestError } from './graph-errors';
import { RETRYABLE, retryAfterMs } from './graph-retry-handler';

/** Graph accepts at most 20 requests in one $batch. */
export const BATCH_LIMIT = 20;
/** How often throttled steps are sent again at most, should Graph keep asking for no wait. */
const MAX_BATCH_ROUNDS = 8;
/** First wait for a throttled step without Retry-After; doubled per round. */
const BATCH_BACKOFF_MS = 500;

/** One read inside a $batch. */
export interface BatchRead {
  /** Unique within the batch; echoed in the answer. */
  id: string;
  /** Relative to the version, e.g. `/users/{id}?$select=id`. */
  url: string;
  /** Advanced queries need ConsistencyLevel on each sub-request, not on the $batch POST. */
  headers?: Record<string, string>;
  errorContext?: ErrorContext;
}

/** A sub-request's outcome: its body, or the typed error Graph's answer maps to. */
export type BatchOutcome<T> =
  { id: string; ok: true; body: T } | { id: string; ok: false; error: GraphRequestError };

type BatchResponse = { id: string; status: number; headers?: Record<string, string>; body?: unknown };
type ThrottledStep = { read: BatchRead; response: BatchResponse };

interface BatchResponseBody {
  responses: BatchResponse[];
}

/** Splits requests into chunks Graph accepts. */
export function batchChunks<T>(items: T[], size = BATCH_LIMIT): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Sends GETs as $batch POSTs of at most 20, one after another (Graph meters each sub-request, so
 * parallel batches would only be throttled), and returns one outcome per request, in order.
 * Graph throttles steps one by one (429, 503 or 504 inside a 200 batch answer): those steps are
 * sent again once the longest Retry-After among them has passed, within the call's deadline. A
 * wait that would cross the deadline ends the call with GraphDeadlineError.
 */
export async function batchGet<T>(
  api: GraphApi,
  reads: BatchRead[],
  call: GraphCall,
  version: GraphVersion = 'v1.0',
): Promise<BatchOutcome<T>[]> {
  const outcomes = new Map<string, BatchOutcome<T>>();
  const posts = { count: 0 };
  for (const chunk of batchChunks(reads)) await sendChunk(api, chunk, call, version, outcomes, posts);
  return reads.map((r) => outcomes.get(r.id) as BatchOutcome<T>);
}

/** Posts one chunk, then its throttled steps again, until every step has an outcome. */
async function sendChunk<T>(
  api: GraphApi,
  chunk: BatchRead[],
  call: GraphCall,
  version: GraphVersion,
  outcomes: Map<string, BatchOutcome<T>>,
  posts: { count: number },
): Promise<void> {
  let pending = chunk;
  for (let round = 0; ; round++) {
    const answer = await postBatch(api, pending, call, version);
    posts.count++;
    const throttled: ThrottledStep[] = [];
    for (const read of pending) {
      const response = answer.responses.find((r) => r.id === read.id);
      if (response && RETRYABLE.has(response.status)) throttled.push({ read, response });
      else outcomes.set(read.id, outcome<T>(read, response));
    }
    if (throttled.length === 0) return;
    // One wait for all of them: the longest Retry-After, as a direct request would wait.
    const waitMs = Math.max(
      ...throttled.map((t) => retryAfterMs(t.response.headers) ?? BATCH_BACKOFF_MS * 2 ** round),
    );
    const { read, response } = throttled[0];
    if (Date.now() + waitMs >= call.deadline) {
      throw new GraphDeadlineError(call.timeoutMs, posts.count, { cause: stepError(read, response) });
    }
    if (round + 1 >= MAX_BATCH_ROUNDS) {
      throw new GraphThrottledError(stepAnswer(read, response), waitMs, posts.count);
    }
    await sleep(waitMs, call.signal);
    pending = throttled.map((t) => t.read);
  }
}

function postBatch(
  api: GraphApi,
  reads: BatchRead[],
  call: GraphCall,
  version: GraphVersion,
): Promise<BatchResponseBody> {
  return api.send<BatchResponseBody>(
    {
      method: 'POST',
      path: '/$batch',
      version,
      body: { requests: reads.map((r) => ({ id: r.id, method: 'GET', url: r.url, headers: r.headers })) },
    },
    call,
  );
}

function outcome<T>(
  read: BatchRead,
  response: BatchResponseBody['responses'][number] | undefined,
): BatchOutcome<T> {
  if (!response) {
    const answer = graphAnswer(502, {
      error: { code: 'BatchResponseMissing', message: 'Graph did not answer this sub-request.' },
    });
    return { id: read.id, ok: false, error: toDomainError(answer, read.errorContext) };
  }
  if (response.status >= 200 && response.status < 300)
    return { id: read.id, ok: true, body: response.body as T };
  return { id: read.id, ok: false, error: stepError(read, response) };
}

function stepAnswer(read: BatchRead, response: BatchResponse) {
  return graphAnswer(response.status, response.body, response.headers, `GET ${read.url.split('?')[0]}`);
}

function stepError(read: BatchRead, response: BatchResponse): GraphRequestError {
  return toDomainError(stepAnswer(read, response), read.errorContext);
}
