import { randomUUID } from 'node:crypto';

/** Graph's error envelope: `{ error: { code, message, innerError: { request-id, date } } }`. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { 'request-id': string; 'client-request-id': string; date: string };
  };
}

/** An error the simulator answers with, in Graph's own status, code and message. */
export class GraphSimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphSimError';
  }

  /** The body Graph sends for this error. */
  body(requestId: string, clientRequestId: string = randomUUID()): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          'request-id': requestId,
          'client-request-id': clientRequestId,
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        },
      },
    };
  }
}
