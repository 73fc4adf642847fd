import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { verifyJob } from '../shared/relay-protocol/job-signing';
import { RELAY_OPERATIONS, RELAY_PATHS } from '../shared/relay-protocol/messages';
import { isDirectoryOperation } from '../shared/relay-protocol/directory-jobs';
import type { DirectoryParams } from '../shared/relay-protocol/directory-jobs';
import { DIRECTORY_PARAMS_SCHEMAS } from '../shared/relay-protocol/directory-schemas';
import type {
  JobFailureReason,
  JobResult,
  PollRequest,
  RelayEvent,
  RelayJob,
  SignedJob,
} from '../shared/relay-protocol/messages';
import { NonceCache, SignatureError } from '../shared/relay-protocol/request-signing';
import { BotUnreachableError, SignedHttp } from './signed-http';
import { formatTime } from '../shared/time-text';

/** Options of {@link BotClient}. */
export interface BotClientOptions {
  botUrl: string;
  relayId: string;
  privateKey: KeyObject;
  botKeyId: string;
  botPublicKey: KeyObject;
  ca?: Buffer;
  timeoutMs?: number;
}

/** A job that passed every check. */
export interface AcceptedJob {
  accepted: true;
  job: RelayJob;
}

/**
 * A job that did not. `reportAsResult` says whether a `refused` result may be posted for it: only
 * when the bot's signature holds and the job is addressed to this relay (anything else is not a
 * job of ours, and its id may be forged). Such a refusal carries its `failure` for the bot to word.
 */
export type RefusedJob = {
  accepted: false;
  jobId: string | null;
  operation: string | null;
  reason: string;
} & ({ reportAsResult: true; failure: JobFailureReason } | { reportAsResult: false });

const signedJobSchema = z.object({
  job: z.object({
    id: z.string().min(1).max(200),
    relayId: z.string(),
    operation: z.string(),
    requestId: z.string().nullable(),
    params: z.unknown().optional(),
    issuedAt: z.string(),
    expiresAt: z.string(),
  }),
  keyId: z.string(),
  timestamp: z.number(),
  nonce: z.string(),
  signature: z.string(),
});
const pollResponseSchema = z.object({
  job: z.unknown().nullable().optional(),
  held: z.boolean().optional(),
});

/** How much longer than its wait a long poll may stay silent before the relay gives up on it. */
const LONG_POLL_MARGIN_MS = 15_000;

/** What a poll brought: the job as received (unchecked) or null, and whether the bot held the poll. */
export interface PollAnswer {
  job: unknown;
  /** True when the bot held the poll as asked (see PollResponse.held); false from an older bot. */
  held: boolean;
}

/** Options of {@link BotClient.poll}. */
export interface PollOptions {
  /** Seconds the bot may hold the poll (a long poll); 0 or absent: a short poll. */
  waitSeconds?: number;
  /** Aborts the poll (the relay is stopping). */
  signal?: AbortSignal;
}

/**
 * The relay's side of `/api/relay/*`: signed requests out, and every job checked before it may
 * run (the bot's signature, freshness and nonce, the relay id, expiry, the allowlist).
 */
export class BotClient {
  private readonly http: SignedHttp;
  private readonly botKeys: ReadonlyMap<string, KeyObject>;
  private readonly nonces = new NonceCache();

  constructor(private readonly options: BotClientOptions) {
    this.http = new SignedHttp({
      botUrl: options.botUrl,
      keyId: options.relayId,
      privateKey: options.privateKey,
      ca: options.ca,
      timeoutMs: options.timeoutMs,
    });
    this.botKeys = new Map([[options.botKeyId, options.botPublicKey]]);
  }

  /**
   * Polls (and so reports the heartbeat), asking the bot to hold the poll `waitSeconds` when set.
   * @throws BotUnreachableError or BotRefusedError.
   */
  async poll(request: PollRequest, options: PollOptions = {}): Promise<PollAnswer> {
    const wait = options.waitSeconds ?? 0;
    const sent: PollRequest = wait > 0 ? { ...request, wait } : request;
    const answer = await this.http.post(RELAY_PATHS.poll, sent, {
      // The connection is silent while the bot holds the poll: the timeout must outlast the wait.
      ...(wait > 0 ? { timeoutMs: wait * 1000 + LONG_POLL_MARGIN_MS } : {}),
      signal: options.signal,
    });
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new BotUnreachableError(`the bot's poll answer is not JSON (status ${answer.status})`);
    }
    const parsed = pollResponseSchema.safeParse(body);
    if (!parsed.success) throw new BotUnreachableError(`the bot's poll answer has no "job" field`);
    return { job: parsed.data.job ?? null, held: parsed.data.held === true };
  }

  /** Checks a job from a poll answer; see {@link AcceptedJob} and {@link RefusedJob}. */
  check(received: unknown, now: number = Date.now()): AcceptedJob | RefusedJob {
    const parsed = signedJobSchema.safeParse(received);
    if (!parsed.success) {
      const id = (received as { job?: { id?: unknown } } | null)?.job?.id;
      return refuse(typeof id === 'string' ? id : null, null, 'the job is malformed', null);
    }
    // Verify the job exactly as received: zod's copy orders and strips keys, and the signature
    // covers JSON.stringify of the bot's object.
    const signed = received as SignedJob;
    const { job } = signed;
    try {
      verifyJob(signed, this.botKeys, this.nonces, now);
    } catch (err) {
      const why = err instanceof SignatureError ? `${err.reason}: ${err.message}` : String(err);
      return refuse(job.id, job.operation, `the bot's signature on the job was refused (${why})`, null);
    }
    if (job.relayId !== this.options.relayId) {
      return refuse(job.id, job.operation, `the job is for relay "${job.relayId}", not this one`, null);
    }
    if (!(RELAY_OPERATIONS as readonly string[]).includes(job.operation)) {
      const why = `"${job.operation}" is not an allowed operation`;
      return refuse(job.id, job.operation, why, 'operation-not-allowed');
    }
    const expires = Date.parse(job.expiresAt);
    if (!Number.isFinite(expires) || expires <= now) {
      const why = `the job expired at ${formatTime(job.expiresAt)}`;
      return refuse(job.id, job.operation, why, 'job-expired');
    }
    const params = paramsOf(job);
    if (!params.ok) return refuse(job.id, job.operation, params.problem, 'invalid-params');
    return { accepted: true, job: params.value ? { ...job, params: params.value } : job };
  }

  /** Reports what a job gave. @throws BotUnreachableError or BotRefusedError. */
  async sendResult(result: JobResult): Promise<void> {
    await this.http.post(RELAY_PATHS.result(result.jobId), result);
  }

  /** Reports something the relay did by itself. @throws BotUnreachableError or BotRefusedError. */
  async sendEvent(event: RelayEvent): Promise<void> {
    await this.http.post(RELAY_PATHS.events, event);
  }
}

/** A refusal; one with a `failure` may be reported to the bot as the job's result. */
function refuse(
  jobId: string | null,
  operation: string | null,
  reason: string,
  failure: JobFailureReason | null,
): RefusedJob {
  const base = { accepted: false as const, jobId, operation, reason };
  return failure ? { ...base, reportAsResult: true, failure } : { ...base, reportAsResult: false };
}

/**
 * A directory job's parameters, as its schema reads them (unknown keys refused); every other job
 * must carry none.
 */
function paramsOf(
  job: RelayJob,
): { ok: true; value: DirectoryParams | undefined } | { ok: false; problem: string } {
  if (!isDirectoryOperation(job.operation)) {
    return job.params === undefined
      ? { ok: true, value: undefined }
      : { ok: false, problem: `a ${job.operation} job takes no parameters` };
  }
  const parsed = DIRECTORY_PARAMS_SCHEMAS[job.operation].safeParse(job.params ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as DirectoryParams };
  // Zod's messages name the rule, never the value.
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, problem: `the job's parameters are malformed (${where}${issue.message})` };
}
