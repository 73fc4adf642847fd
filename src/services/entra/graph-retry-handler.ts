import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { sleep } from '../../shared/sleep';
import { graphAnswer, header } from './graph-answer';
import type { HeaderSource } from './graph-answer';
import { GraphCallOption, startCall } from './graph-call';
import {
  CloudDirectoryError,
  GraphDeadlineError,
  GraphThrottledError,
  GraphUnreachableError,
} from './graph-errors';

/** How hard to try. */
export interface RetryPolicy {
  /** Retries after the first attempt; the deadline may stop them sooner. */
  maxRetries: number;
  /** First back-off when Graph gives no Retry-After; doubled per retry. */
  baseDelayMs: number;
  /** Deadline of a request sent without a GraphCallOption. */
  defaultTimeoutMs: number;
}

/** Statuses Graph documents as "try again later" (also inside a $batch answer, step by step). */
export const RETRYABLE = new Set([429, 503, 504]);

/**
 * Retries 429/503/504 as Graph asks (Retry-After, in seconds or as a date), and bounds the whole
 * call by its deadline: each attempt is aborted when the deadline passes, and a wait that would
 * cross it is not started. Used instead of the SDK's RetryHandler, whose sleeps cannot be bounded
 * or cancelled. It sits first in the chain so token acquisition is bounded too.
 */
export class GraphRetryHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly policy: RetryPolicy) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const option =
      (context.middlewareControl?.getMiddlewareOptions(GraphCallOption) as GraphCallOption | undefined) ??
      new GraphCallOption(startCall(this.policy.defaultTimeoutMs));
    for (let retry = 0; ; retry++) {
      const lostConnection = await this.attempt(context, option);
      const response = context.response as Response | undefined;
      if (response && !RETRYABLE.has(response.status)) return;
      const waitMs = (response && retryAfterMs(response.headers)) ?? this.backoff(retry);
      const { call } = option;
      if (retry >= this.policy.maxRetries || Date.now() + waitMs >= call.deadline) {
        throw option.fail(lostConnection ?? (await this.throttled(context, option, waitMs)));
      }
      // The throttled body is not needed; release the connection without waiting on it.
      void response?.body?.cancel().catch(() => undefined);
      if (waitMs > 0) await sleep(waitMs, call.signal);
    }
  }

  /**
   * One pass down the chain, aborted at the deadline. A lost connection on a GET is returned (and
   * leaves no response) so it can be retried; anything else that fails is thrown.
   */
  private async attempt(
    context: Context,
    option: GraphCallOption,
  ): Promise<GraphUnreachableError | undefined> {
    const { call } = option;
    const remaining = call.deadline - Date.now();
    if (remaining <= 0) throw option.fail(new GraphDeadlineError(call.timeoutMs, option.attempts));
    call.signal?.throwIfAborted();
    option.attempts++;
    context.response = undefined;
    const controller = new AbortController();
    const onCancel = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onCancel, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new GraphDeadlineError(call.timeoutMs, option.attempts));
      }, remaining);
    });
    context.options = { ...context.options, signal: controller.signal };
    const sent = (this.next as Middleware).execute(context);
    // The token step cannot be aborted; once the race is lost its late result is ignored.
    sent.catch(() => undefined);
    try {
      await Promise.race([sent, expired]);
      return undefined;
    } catch (err) {
      if (option.failure) throw option.failure;
      if (err instanceof CloudDirectoryError) throw option.fail(err);
      if (call.signal?.aborted || !isNetworkError(err)) throw err;
      if (!isIdempotent(context)) throw option.fail(unreachable(context, err));
      context.response = undefined;
      return unreachable(context, err);
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onCancel);
    }
  }

  private async throttled(
    context: Context,
    option: GraphCallOption,
    waitMs: number,
  ): Promise<CloudDirectoryError> {
    const response = context.response as Response;
    const body = await response.text().catch(() => '');
    const answer = graphAnswer(response.status, body, response.headers, describeRequest(context));
    return new GraphThrottledError(answer, retryAfterMs(response.headers) ?? waitMs, option.attempts);
  }

  private backoff(retry: number): number {
    return this.policy.baseDelayMs * 2 ** retry;
  }
}

/**
 * Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable.
 * Reads a response's Headers or the header record of a $batch step.
 */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Node's fetch reports a failed connection as `TypeError: fetch failed` with the cause inside. */
function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

function isIdempotent(context: Context): boolean {
  return (context.options?.method ?? 'GET').toUpperCase() === 'GET';
}

function unreachable(context: Context, err: unknown): GraphUnreachableError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new GraphUnreachableError(originOf(context), detail, { cause: err });
}

function originOf(context: Context): string {
  try {
    return new URL(requestUrl(context)).origin;
  } catch {
    return 'Graph';
  }
}

/** The URL of the request, whether the SDK passed a string or a Request. */
export function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

function describeRequest(context: Context): string {
  const url = new URL(requestUrl(context));
  return `${context.options?.method ?? 'GET'} ${url.pathname}`;
}
