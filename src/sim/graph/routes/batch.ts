import { GraphSimError } from '../graph-errors';
import type { SimRequest, SimResponse } from '../sim-request';

/** Graph's limit on requests in one JSON batch. */
export const MAX_BATCH_REQUESTS = 20;

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

const bad = (message: string) => new GraphSimError(400, 'BadRequest', message);

/**
 * `POST /$batch`: runs each step through `dispatch` (the same pipeline as a direct request:
 * faults, throttling, routes, errors) with its own headers, and collects the answers. Steps
 * run in order; a step whose dependency failed answers 424 as Graph does.
 */
export async function runBatch(
  req: SimRequest,
  dispatch: (sub: SimRequest) => Promise<SimResponse>,
): Promise<SimResponse> {
  const steps = validate(req.body);
  const results = new Map<string, SimResponse>();
  const responses: Record<string, unknown>[] = [];
  for (const step of steps) {
    let res: SimResponse;
    const failedDependency = (step.dependsOn ?? []).find((d) => (results.get(d)?.status ?? 424) >= 400);
    const headers = Object.fromEntries(
      Object.entries(step.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    if (failedDependency !== undefined) {
      res = errorStep(req, new GraphSimError(424, 'BadRequest', 'Failed dependency'));
    } else if (step.body !== undefined && !headers['content-type']) {
      // Graph's text when a step carries a body without its Content-Type.
      res = errorStep(
        req,
        bad(`Write request id : ${step.id} does not contain Content-Type header or body.`),
      );
    } else {
      const url = new URL(step.url.replace(/^\/?/, '/'), 'http://batch.invalid');
      res = await dispatch({
        method: step.method.toUpperCase(),
        path: url.pathname,
        version: req.version,
        query: url.searchParams,
        headers,
        body: step.body,
        rawBody: step.body === undefined ? '' : JSON.stringify(step.body),
        requestId: req.requestId,
        app: req.app,
        inBatch: true,
      });
    }
    results.set(step.id, res);
    responses.push({
      id: step.id,
      status: res.status,
      headers: res.headers ?? {},
      ...(res.body === undefined ? {} : { body: res.body }),
    });
  }
  return { status: 200, body: { responses } };
}

function errorStep(req: SimRequest, err: GraphSimError): SimResponse {
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json' },
    body: err.body(req.requestId),
  };
}

function validate(body: unknown): BatchStep[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw bad('Invalid batch payload format.');
  // Graph refuses an oversized batch as a whole (limit documented; the text is plausible).
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw bad(`Number of batch request steps exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
  }
  const ids = new Set<string>();
  for (const r of requests as Partial<BatchStep>[]) {
    if (typeof r?.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw bad('Invalid batch payload format.');
    }
    if (ids.has(r.id)) throw bad(`Batch request ids must be unique. Duplicate id: '${r.id}'.`);
    if (/^https?:/i.test(r.url)) throw bad('Batch request step URLs must be relative.');
    ids.add(r.id);
  }
  return requests as BatchStep[];
}
