import { isDirectoryOperation } from '../../shared/relay-protocol/directory-jobs';
import type { z } from 'zod';
import { isGuid } from '../../shared/guid';
import type { Logger } from '../../shared/logger';
import type { RelaySettings } from '../../config/relay';
import { signJob } from '../../shared/relay-protocol/job-signing';
import type { RelayEventLog } from './event-log';
import { JobResultRefusedError } from './job-queue';
import type { RelayJobQueue, RelayJobRecord } from './job-queue';
import { HeldPolls } from './held-polls';
import type { RelayPresence } from './presence';
import type { NonceRegistry } from './nonce-ledger';
import type { PollResponse } from '../../shared/relay-protocol/messages';
import { jobResultSchema, pollRequestSchema, relayEventSchema } from '../../shared/relay-protocol/schemas';
import {
  SIGNATURE_HEADERS,
  SignatureError,
  checkSignature,
  replayedError,
  signatureFromHeaders,
} from '../../shared/relay-protocol/request-signing';
import type { Signature } from '../../shared/relay-protocol/request-signing';

/** A relay's HTTP request as the gateway needs it: the exact body text, as it was signed. */
export interface RelayHttpRequest {
  method: string;
  /** Path and query as sent (what the relay signed). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Ties the answer to the log lines about it. */
  correlationId: string;
  /** Fires when the caller is gone (its connection closed): a held poll stops waiting. */
  signal?: AbortSignal;
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
  /**
   * Where used nonces are remembered: the shared store ({@link NonceLedger}), so a request
   * replayed to another instance is refused there too.
   */
  nonces: NonceRegistry;
  /**
   * How often a held poll re-reads the store for a job another instance queued (default 1 s): the
   * longest such a job waits. Jobs this instance queues wake the poll at once.
   */
  recheckMs?: number;
}

/** A request the gateway answers with a status instead of the normal reply. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What only the log gets (a schema's own words). */
    readonly detail: string = message,
  ) {
    super(message);
  }
}

/**
 * The bot's half of the relay protocol, apart from HTTP. A request is checked in this order, and
 * nothing is read or stored before the last check holds: the relay's signature over the exact
 * body (401), the shape of the path's job id and of the body (400) and whose it is (403), then
 * the nonce in the shared store (401 for a replay). Neither a forgery nor a malformed request
 * burns a nonce, records a heartbeat or claims a job.
 */
export class RelayGateway {
  private readonly held: HeldPolls;

  constructor(private readonly options: RelayGatewayOptions) {
    this.held = new HeldPolls(options.queue, options.recheckMs);
  }

  /** How many long polls are held open right now. */
  get heldPolls(): number {
    return this.held.size;
  }

  /**
   * Lets every held poll go with an empty answer and holds no more (the bot is shutting down): the
   * HTTP server can close without waiting out the relays' waits.
   */
  close(): void {
    this.held.release();
  }

  /**
   * `POST /api/relay/poll`: records the heartbeat and hands out at most one job, signed. A poll
   * with `wait` is held until a job for its relay is queued or `wait` runs out (see
   * {@link HeldPolls}); it keeps the relay counted as seen while held.
   */
  poll(req: RelayHttpRequest): Promise<RelayHttpReply> {
    return this.handle(
      req,
      (relayId) => {
        const poll = parse(pollRequestSchema, req.body, 'poll');
        sameRelay(relayId, poll.relayId);
        return poll;
      },
      async (relayId, poll) => {
        const { queue, presence } = this.options;
        await presence.record(poll);
        const waitMs = (poll.wait ?? 0) * 1000;
        // A busy relay runs a sync-server job already: it takes directory reads only, meanwhile.
        const accepts = poll.busy ? isDirectoryOperation : () => true;
        let claimed: RelayJobRecord | null;
        let held = false;
        if (waitMs > 0 && !this.held.closed) {
          let looks = 0;
          const outcome = await this.held.hold(
            relayId,
            waitMs,
            async () => {
              // Every re-check is also a sign of life: the relay is there, waiting on this poll.
              if (looks++ > 0) await presence.record(poll);
              return queue.claimNext(relayId, { accepts });
            },
            req.signal,
          );
          claimed = outcome.found;
          held = outcome.held;
        } else {
          claimed = await queue.claimNext(relayId, { accepts });
        }
        if (claimed && req.signal?.aborted) {
          // The connection is gone: the relay will never see this job. Back in the queue for its next poll.
          await queue.unclaim(claimed.job.id, claimed.claimedAt ?? '');
          this.options.logger.info(
            { relayId, jobId: claimed.job.id, correlationId: req.correlationId },
            'relay poll gone before its job was sent; the job is queued again',
          );
          return { status: 200, body: { job: null } };
        }
        const { botKeyId, botSigningKey } = this.options.settings;
        const body: PollResponse = {
          job: claimed ? signJob(claimed.job, botKeyId, botSigningKey) : null,
          ...(held ? { held: true } : {}),
        };
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
      },
    );
  }

  /** `POST /api/relay/jobs/{jobId}/result`: records the outcome of a running job of this relay. */
  result(req: RelayHttpRequest, jobId: string): Promise<RelayHttpReply> {
    return this.handle(
      req,
      (relayId) => {
        if (!isGuid(jobId)) throw new Refusal(400, 'bad-request', 'the path does not name a job');
        const result = parse(jobResultSchema, req.body, 'job result');
        if (result.jobId !== jobId) throw new Refusal(400, 'bad-request', 'jobId does not match the path');
        sameRelay(relayId, result.relayId);
        return result;
      },
      async (relayId, result) => {
        try {
          const record = await this.options.queue.complete(jobId, result, relayId);
          this.options.logger.info(
            {
              relayId,
              jobId,
              state: record.state,
              outcome: result.outcome,
              correlationId: req.correlationId,
            },
            'relay job finished',
          );
        } catch (err) {
          if (!(err instanceof JobResultRefusedError)) throw err;
          const status = { 'unknown-job': 404, 'other-relay': 403, 'not-running': 409 }[err.reason];
          throw new Refusal(status, err.reason, err.message);
        }
        return { status: 204 };
      },
    );
  }

  /** `POST /api/relay/events`: logs and keeps something the relay did on its own. */
  event(req: RelayHttpRequest): Promise<RelayHttpReply> {
    return this.handle(
      req,
      (relayId) => {
        const event = parse(relayEventSchema, req.body, 'event');
        sameRelay(relayId, event.relayId);
        return event;
      },
      async (_relayId, event) => {
        await this.options.events.append(event);
        // A lease that ran out means a link workflow lost track of a pause: someone should look.
        this.options.logger.warn(
          { relayEvent: event, correlationId: req.correlationId },
          `relay event: ${event.kind}`,
        );
        return { status: 204 };
      },
    );
  }

  /**
   * Authenticates the request, `check`s it (no store is touched), takes its nonce, then `act`s;
   * maps every refusal to its reply.
   */
  private async handle<T>(
    req: RelayHttpRequest,
    check: (relayId: string) => T,
    act: (relayId: string, body: T) => Promise<RelayHttpReply>,
  ): Promise<RelayHttpReply> {
    let sig: Signature;
    try {
      sig = this.authenticate(req);
    } catch (err) {
      return this.unauthorized(req, err);
    }
    const relayId = sig.keyId;
    try {
      const body = check(relayId);
      if (!(await this.options.nonces.use(relayId, sig.nonce, sig.timestamp))) {
        return this.unauthorized(req, replayedError(sig));
      }
      return await act(relayId, body);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.options.logger.warn(
        {
          relayId,
          status: err.status,
          detail: err.detail,
          path: req.path,
          correlationId: req.correlationId,
        },
        'relay request refused',
      );
      return reply(err.status, err.code, err.message, req.correlationId);
    }
  }

  /** The signature, checked over the exact body; its nonce is taken later. @throws SignatureError */
  private authenticate(req: RelayHttpRequest): Signature {
    const sig = signatureFromHeaders(req.headers);
    checkSignature(
      { method: req.method, path: req.path, body: req.body },
      sig,
      this.options.settings.publicKeys,
    );
    return sig;
  }

  /** 401 with a body that says nothing about why; the log says why. */
  private unauthorized(req: RelayHttpRequest, err: unknown): RelayHttpReply {
    if (!(err instanceof SignatureError)) throw err;
    this.options.logger.warn(
      {
        relayId: req.headers[SIGNATURE_HEADERS.keyId],
        reason: err.reason,
        detail: err.message,
        path: req.path,
        correlationId: req.correlationId,
      },
      'relay request refused: signature',
    );
    return reply(401, 'unauthorized', 'The request is not signed by a known relay.', req.correlationId);
  }
}

function reply(status: number, code: string, message: string, correlationId: string): RelayHttpReply {
  return { status, body: { code, message, correlationId } };
}

/**
 * The body as `schema` describes it.
 * @throws Refusal 400 naming the first field that does not match (a name from the schema, never
 *   the relay's text); the schema's own words go to the log only.
 */
function parse<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Refusal(400, 'bad-request', 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.').slice(0, 100) || 'body';
    throw new Refusal(
      400,
      'bad-request',
      `the body is not a valid ${what} (at ${field})`,
      `${field}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** A relay speaks only for itself. @throws Refusal 403 when the body names another relay. */
function sameRelay(signer: string, claimed: string): void {
  if (signer !== claimed) {
    throw new Refusal(403, 'forbidden', `relay "${signer}" cannot speak for relay "${claimed}"`);
  }
}
