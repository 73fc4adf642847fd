import type { GraphApi, GraphVersion } from './graph-api';
import { graphAnswer } from './graph-answer';
import type { GraphCall } from './graph-call';
import { toDomainError } from './graph-error-mapping';
import type { ErrorContext } from './graph-error-mapping';
import type { GraphRequestError } from './graph-errors';

/** Graph accepts at most 20 requests in one $batch. */
export const BATCH_LIMIT = 20;

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

interface BatchResponseBody {
  responses: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
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
 */
export async function batchGet<T>(
  api: GraphApi,
  reads: BatchRead[],
  call: GraphCall,
  version: GraphVersion = 'v1.0',
): Promise<BatchOutcome<T>[]> {
  const outcomes = new Map<string, BatchOutcome<T>>();
  for (const chunk of batchChunks(reads)) {
    const answer = await api.send<BatchResponseBody>(
      {
        method: 'POST',
        path: '/$batch',
        version,
        body: { requests: chunk.map((r) => ({ id: r.id, method: 'GET', url: r.url, headers: r.headers })) },
      },
      call,
    );
    for (const read of chunk) {
      const response = answer.responses.find((r) => r.id === read.id);
      outcomes.set(read.id, outcome<T>(read, response));
    }
  }
  return reads.map((r) => outcomes.get(r.id) as BatchOutcome<T>);
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
  const answer = graphAnswer(
    response.status,
    response.body,
    response.headers,
    `GET ${read.url.split('?')[0]}`,
  );
  return { id: read.id, ok: false, error: toDomainError(answer, read.errorContext) };
}
