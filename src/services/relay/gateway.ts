import type { z } from 'zod';
import type { Logger } from '../../shared/logger';
import type { RelaySettings } from '../../config/relay';
import { signJob } from '../../shared/relay-protocol/job-signing';
import type { RelayEventLog } from './event-log';
import { JobResultRefusedError } from './job-queue';
import type { RelayJobQueue } from './job-queue';
import type { RelayPresence } from './presence';
import type { PollResponse } from '../../shared/relay-protocol/messages';
import { jobResultSchema, pollRequestSchema, relayEventSchema } from '../../shared/relay-protocol/schemas';
import {
  NonceCache,
  SIGNATURE_HEADERS,
  SignatureError,
  signatureFromHeaders,
  verifySignature,
} from '../../shared/relay-protocol/request-signing';

/** A relay's HTTP request as the gateway needs it: the exact body text, as it was signed. */
export interface RelayHttpRequest {
  method: string;
  /** Path and query as sent (what the relay signed). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Ties the answer to the log lines about it. */
  correlationId: string;
}

/** What to answer: a status and an optional JSON body. */
export interface RelayHttpReply {
  status: number;
  body?: unknown;
}

/** What the gateway works with. */
export interface RelayGatewayOptions {
  settings: RelaySettings;
  queue: RelayJobQueue;
  presence: RelayPresence;
  events: RelayEventLog;
  logger: Logger;
  /** One per process; replays to another instance are limited by the ±5 min window. */
  nonces?: NonceCache;
}

/** A request the gateway answers with a status instead of the normal reply. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The bot's half of the relay protocol, apart from HTTP: checks the relay's signature over the
 * exact body, then the body's shape, then acts. Nothing changes (no heartbeat, no claim, no nonce
 * burnt by a forgery) unless the signature holds.
 */
export class RelayGateway {
  private readonly nonces: NonceCache;

  constructor(private readonly options: RelayGatewayOptions) {
    this.nonces = options.nonces ?? new NonceCache();
  }

  /** `POST /api/relay/poll`: records the heartbeat and hands out at most one job, signed. */
  poll(req: RelayHttpRequest): Promise<RelayHttpReply> {
    return this.handle(req, async (relayId) => {
      const poll = parse(pollRequestSchema, req.body);
      sameRelay(relayId, poll.relayId);
      await this.options.presence.record(poll);
      const claimed = await this.options.queue.claimNext(relayId);
      const { botKeyId, botSigningKey } = this.options.settings;
      const body: PollResponse = { job: claimed ? signJob(claimed.job, botKeyId, botSigningKey) : null };
      if (claimed) {
        this.options.logger.info(
          {
            relayId,
            jobId: claimed.job.id,
            operation: claimed.job.operation,
            correlationId: req.correlationId,
          },
          'relay job handed out',
        );
      }
      return { status: 200, body };
    });
  }

  /** `POST /api/relay/jobs/{jobId}/result`: records the outcome of a running job of this relay. */
  result(req: RelayHttpRequest, jobId: string): Promise<RelayHttpReply> {
    return this.handle(req, async (relayId) => {
      const result = parse(jobResultSchema, req.body);
      if (result.jobId !== jobId) throw new Refusal(400, 'bad-request', 'jobId does not match the path');
      sameRelay(relayId, result.relayId);
      try {
        const record = await this.options.queue.complete(jobId, result, relayId);
        this.options.logger.info(
          { relayId, jobId, state: record.state, outcome: result.outcome, correlationId: req.correlationId },
          'relay job finished',
        );
      } catch (err) {
        if (!(err instanceof JobResultRefusedError)) throw err;
        const status = { 'unknown-job': 404, 'other-relay': 403, 'not-running': 409 }[err.reason];
        throw new Refusal(status, err.reason, err.message);
      }
      return { status: 204 };
    });
  }

  /** `POST /api/relay/events`: logs and keeps something the relay did on its own. */
  event(req: RelayHttpRequest): Promise<RelayHttpReply> {
    return this.handle(req, async (relayId) => {
      const event = parse(relayEventSchema, req.body);
      sameRelay(relayId, event.relayId);
      await this.options.events.append(event);
      // A lease that ran out means a link workflow lost track of a pause: someone should look.
      this.options.logger.warn(
        { relayEvent: event, correlationId: req.correlationId },
        `relay event: ${event.kind}`,
      );
      return { status: 204 };
    });
  }

  /** Verifies the signature, runs `act` with the verified relay id, and maps refusals to replies. */
  private async handle(
    req: RelayHttpRequest,
    act: (relayId: string) => Promise<RelayHttpReply>,
  ): Promise<RelayHttpReply> {
    const { logger } = this.options;
    let relayId: string;
    try {
      relayId = this.verify(req);
    } catch (err) {
      if (!(err instanceof SignatureError)) throw err;
      const claimed = req.headers[SIGNATURE_HEADERS.keyId];
      logger.warn(
        {
          relayId: claimed,
          reason: err.reason,
          detail: err.message,
          path: req.path,
          correlationId: req.correlationId,
        },
        'relay request refused: signature',
      );
      return reply(401, 'unauthorized', 'The request is not signed by a known relay.', req.correlationId);
    }
    try {
      return await act(relayId);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      logger.warn(
        {
          relayId,
          status: err.status,
          detail: err.message,
          path: req.path,
          correlationId: req.correlationId,
        },
        'relay request refused',
      );
      return reply(err.status, err.code, err.message, req.correlationId);
    }
  }

  private verify(req: RelayHttpRequest): string {
    const sig = signatureFromHeaders(req.headers);
    verifySignature(
      { method: req.method, path: req.path, body: req.body },
      sig,
      this.options.settings.publicKeys,
      this.nonces,
    );
    return sig.keyId;
  }
}

function reply(status: number, code: string, message: string, correlationId: string): RelayHttpReply {
  return { status, body: { code, message, correlationId } };
}

/** The body as `schema` describes it. @throws Refusal 400 naming the first mismatch. */
function parse<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Refusal(400, 'bad-request', 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Refusal(400, 'bad-request', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A relay speaks only for itself. @throws Refusal 403 when the body names another relay. */
function sameRelay(signer: string, claimed: string): void {
  if (signer !== claimed) {
    throw new Refusal(403, 'forbidden', `relay "${signer}" cannot speak for relay "${claimed}"`);
  }
}
