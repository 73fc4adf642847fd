import type { MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { CloudCallOptions } from './cloud-directory';
import type { CloudDirectoryError } from './graph-errors';

/** One directory operation's budget: every request, retry and page of it shares the deadline. */
export interface GraphCall {
  /** Epoch milliseconds after which nothing more is sent. */
  deadline: number;
  /** The budget the deadline came from, for messages. */
  timeoutMs: number;
  /** Cancels the operation early (shutdown, a chat turn abandoned). */
  signal?: AbortSignal;
}

/** Starts the clock of one operation. */
export function startCall(timeoutMs: number, signal?: AbortSignal): GraphCall {
  return { deadline: Date.now() + timeoutMs, timeoutMs, signal };
}

/**
 * The call of one service operation: the caller's deadline when it gave one (a chat turn shares
 * its budget), otherwise a fresh one of `timeoutMs`.
 */
export function callFor(options: CloudCallOptions, timeoutMs: number): GraphCall {
  if (options.deadline === undefined) return startCall(timeoutMs, options.signal);
  return {
    deadline: options.deadline,
    timeoutMs: Math.max(0, options.deadline - Date.now()),
    signal: options.signal,
  };
}

/**
 * Carries a GraphCall through the SDK's middleware chain, and brings back what the chain learnt.
 * The SDK wraps anything a middleware throws into its own GraphError, so the typed error is left
 * here for GraphApi to rethrow as it was.
 */
export class GraphCallOption implements MiddlewareOptions {
  /** Requests sent for this call so far, retries included. */
  attempts = 0;
  /** The typed failure a middleware raised, if any. */
  failure?: CloudDirectoryError;

  constructor(readonly call: GraphCall) {}

  /** Records the failure and returns it, so a middleware can `throw option.fail(err)`. */
  fail(error: CloudDirectoryError): CloudDirectoryError {
    this.failure = error;
    return error;
  }
}
