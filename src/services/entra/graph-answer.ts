import type { GraphAnswer, GraphErrorDetail } from './graph-errors';

/** Graph's error envelope, as far as Anchor reads it. */
interface GraphErrorEnvelope {
  error?: {
    code?: string;
    message?: string;
    details?: GraphErrorDetail[];
    innerError?: { 'request-id'?: string; 'client-request-id'?: string; date?: string };
    innererror?: { 'request-id'?: string; 'client-request-id'?: string; date?: string };
  };
}

/** Headers as fetch gives them, or as a $batch sub-response lists them. */
export type HeaderSource = Headers | Record<string, string> | undefined;

/**
 * Reads what Graph said from an error response body (text or parsed JSON), falling back to the
 * response headers for the request id when the body has none.
 */
export function graphAnswer(
  status: number,
  body: unknown,
  headers?: HeaderSource,
  request?: string,
): GraphAnswer {
  const envelope = parse(body);
  const error = envelope?.error;
  const inner = error?.innerError ?? error?.innererror;
  return {
    status,
    code: error?.code ?? `HTTP${status}`,
    message:
      error?.message ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : 'no message'),
    requestId: inner?.['request-id'] ?? header(headers, 'request-id'),
    clientRequestId: inner?.['client-request-id'] ?? header(headers, 'client-request-id'),
    date: inner?.date ?? header(headers, 'date'),
    details: Array.isArray(error?.details) ? error.details : [],
    request,
  };
}

function parse(body: unknown): GraphErrorEnvelope | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as GraphErrorEnvelope;
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? (body as GraphErrorEnvelope) : undefined;
}

/** One header by (case-insensitive) name, from fetch's Headers or a $batch step's header record. */
export function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key ? record[key] : undefined;
}
