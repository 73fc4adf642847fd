import { AdminFacingError } from '../../shared/admin-facing-error';
import { randomUUID } from 'node:crypto';
import { updateItem } from '../state/conditional-update';
import { FINAL_REQUEST_STATES, isRequester, isTwinFix } from './link-request';
import type { CardLocation, LinkFailure, LinkRequest, LinkStep, Person } from './link-request';
import type { PreflightReport } from './preflight/report';
import type { TwinJournalEntry } from './twin/twin-journal';
import type { TwinPlan } from './twin/twin-plan';
import { planWarnings, twinPlanVerdict } from './twin/twin-plan';
import { ETagConflictError } from '../state/state-store';
import type { StateStore } from '../state/state-store';
import { formatTime } from '../../shared/time-text';

/** Why a decision, a cancellation or a start was refused. */
export type RequestRefusal =
  'unknown-request' | 'not-admin' | 'self-approval' | 'not-requester' | 'not-pending' | 'expired' | 'blocked';

/** A change to a request that was refused; the message can be shown in the chat as is. */
export class LinkRequestError extends AdminFacingError {
  constructor(
    readonly reason: RequestRefusal,
    message: string,
    readonly request: LinkRequest | null = null,
  ) {
    super(message);
    this.name = 'LinkRequestError';
  }
}

/** What an admin is told about a request id Anchor does not know, or a value that is no id at all. */
export const UNKNOWN_REQUEST = 'Anchor has no such link request.';

/** The longest reason a request may carry; the preflight card's reason input stops there too. */
export const MAX_REASON_LENGTH = 500;

// Text an admin typed may hold line breaks and tabs, never other control characters.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Embeddings, overrides and isolates reorder what the approver reads ("Trojan Source").
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The reason as filed: trimmed, at most {@link MAX_REASON_LENGTH} characters of words the
 * approver reads as they were typed.
 * @throws LinkRequestError `blocked` saying what is wrong with it.
 */
function checkedReason(text: string): string {
  const reason = text.trim();
  const refuse = (message: string) => new LinkRequestError('blocked', message);
  if (!reason) throw refuse('Say why this link is needed: the reason is required.');
  if (reason.length > MAX_REASON_LENGTH) {
    throw refuse(
      `The reason is ${reason.length} characters long; keep it to ${MAX_REASON_LENGTH} (a ticket number and a sentence).`,
    );
  }
  const hidden = CONTROL_CHARACTER.exec(reason) ?? BIDI_CONTROL.exec(reason);
  if (hidden) {
    throw refuse(
      `The reason contains an invisible character (U+${codePoint(hidden[0])}) that could make it read ` +
        'differently to the approver; type it again as plain text.',
    );
  }
  if (!LETTER_OR_DIGIT.test(reason))
    throw refuse('Say why this link is needed in words: the reason has no letter or digit.');
  return reason;
}

/**
 * A plain link may be filed when no preflight check failed and every warning was acknowledged.
 * @throws LinkRequestError `blocked` saying which checks stand in the way.
 */
function checkPreflight(preflight: PreflightReport, acknowledged: readonly string[]): void {
  const failed = preflight.checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    throw new LinkRequestError('blocked', `The preflight failed: ${failed.map((c) => c.title).join('; ')}.`);
  }
  checkAcknowledged(
    preflight.checks.filter((c) => c.status === 'warn'),
    acknowledged,
  );
}

/**
 * A synced-twin fix may be filed when its plan's verdict is not ✗ (the twin's checks, the parking
 * OU and the original's preflight but the no-synced-twin check it supersedes) and every warning
 * of the plan was acknowledged.
 * @throws LinkRequestError `blocked` naming what stands in the way.
 */
function checkTwinPlan(plan: TwinPlan, acknowledged: readonly string[]): void {
  const verdict = twinPlanVerdict(plan.twinChecks, plan.preflight.checks, plan.parkingProblem);
  if (verdict === 'fail') {
    const blocking = [
      ...plan.twinChecks
        .filter((c) => c.status === 'fail' || (c.status === 'unknown' && !c.informative))
        .map((c) => c.title),
      ...plan.preflight.checks
        .filter((c) => c.id !== 'no-synced-twin' && c.status === 'fail')
        .map((c) => c.title),
      ...(plan.parkingProblem ? [`No parking OU: ${plan.parkingProblem}`] : []),
    ];
    throw new LinkRequestError('blocked', `The fix plan failed: ${blocking.join('; ')}.`);
  }
  checkAcknowledged(planWarnings(plan), acknowledged);
}

function checkAcknowledged(
  warnings: readonly { id: string; title: string }[],
  acknowledged: readonly string[],
): void {
  const unacknowledged = warnings.filter((w) => !acknowledged.includes(w.id));
  if (unacknowledged.length > 0) {
    throw new LinkRequestError(
      'blocked',
      `Acknowledge every warning first: ${unacknowledged.map((w) => w.title).join('; ')}.`,
    );
  }
}

function codePoint(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** What a new request is made of. */
export interface NewLinkRequest {
  /** The request's id; the preflight draft's id, so filing the same draft twice files it once. */
  id?: string;
  requester: Person;
  reason: string;
  preflight: PreflightReport;
  /** Ids of the ⚠ checks the requester acknowledged; every one must be. */
  acknowledged: string[];
  correlationId: string;
  /**
   * A synced-twin fix: the plan, judged by its own verdict instead of the preflight's (whose
   * no-synced-twin check it supersedes). `preflight` must be the plan's preflight.
   */
  twinPlan?: TwinPlan;
}

/** Settings of {@link LinkRequestStore}. */
export interface LinkRequestStoreOptions {
  /** How long a pending request waits for a decision. Default 24 h. */
  ttlMs?: number;
  /** Whether a person is an Anchor admin now; decisions re-check it (the chat guard checks first). */
  isAdmin: (aadObjectId: string) => boolean;
  /** How many finished requests `recent` keeps. Default 500. */
  recentLimit?: number;
  now?: () => Date;
  /**
   * Told once about each request that expired, whoever noticed it first (the sweeper or a read),
   * to audit it and update its cards. Its errors do not undo the expiry.
   */
  onExpired?: (request: LinkRequest) => Promise<void>;
}

/** How long a run's owner may go without renewing before another instance takes the run over. */
export const DEFAULT_RUN_LEASE_MS = 60_000;

/** The default time a request waits for approval. */
export const DEFAULT_REQUEST_TTL_MS = 24 * 3600_000;

const REQUEST_KEY = (id: string) => `link/requests/${id}`;
const OPEN_KEY = 'link/open';
const RECENT_KEY = 'link/recent';

interface IdList {
  ids: string[];
}

/**
 * Link requests on the {@link StateStore}: one item per request plus the lists of open and recent
 * ones (the store cannot list keys). Every change is read-decide-write on the request's eTag, so
 * a decision delivered twice, or to two instances at once, takes effect once.
 */
export class LinkRequestStore {
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: StateStore,
    private readonly options: LinkRequestStoreOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_REQUEST_TTL_MS;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Files a new pending request.
   * @throws LinkRequestError `blocked` when the preflight failed or a warning was not acknowledged.
   */
  async create(input: NewLinkRequest): Promise<LinkRequest> {
    if (input.twinPlan) checkTwinPlan(input.twinPlan, input.acknowledged);
    else checkPreflight(input.preflight, input.acknowledged);
    const reason = checkedReason(input.reason);
    const now = this.now();
    const request: LinkRequest = {
      id: input.id ?? randomUUID(),
      state: 'pending',
      correlationId: input.correlationId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
      requester: input.requester,
      reason,
      preflight: input.preflight,
      acknowledged: [...input.acknowledged],
      decision: null,
      cancelled: null,
      run: null,
      immutableIdBefore: input.preflight.cloud.onPremisesImmutableId,
      immutableIdAfter: null,
      cards: [],
      ...(input.twinPlan ? { twinFix: { plan: input.twinPlan, journal: [], deletedTwin: null } } : {}),
    };
    try {
      await this.store.write(REQUEST_KEY(request.id), request, null);
    } catch (err) {
      if (!(err instanceof ETagConflictError)) throw err;
      throw new LinkRequestError('not-pending', 'This preflight was already filed as a request.', null);
    }
    await this.addTo(OPEN_KEY, request.id);
    return request;
  }

  /** The request as stored, or undefined. A pending request past its time reads as expired. */
  async get(id: string): Promise<LinkRequest | undefined> {
    const request = (await this.store.read<LinkRequest>(REQUEST_KEY(id)))?.value;
    if (request && this.isDue(request)) return (await this.expire(id)) ?? request;
    return request;
  }

  /**
   * Approves or rejects a pending request. Only an admin who is not the requester may.
   * @throws LinkRequestError saying why nothing changed (a second decision, a stale card, …).
   */
  async decide(
    id: string,
    by: Person,
    verdict: 'approved' | 'rejected',
    note: string | null = null,
  ): Promise<LinkRequest> {
    if (!this.options.isAdmin(by.aadObjectId)) {
      throw new LinkRequestError('not-admin', 'Only an Anchor admin can decide on a link request.');
    }
    return this.change(id, (request) => {
      this.assertPending(request);
      if (isRequester(request, by)) {
        throw new LinkRequestError(
          'self-approval',
          'You asked for this link, so another admin has to approve or reject it.',
          request,
        );
      }
      return { ...request, state: verdict, decision: { by, at: this.now().toISOString(), verdict, note } };
    });
  }

  /**
   * Withdraws a pending request; only its requester may.
   * @throws LinkRequestError saying why nothing changed.
   */
  async cancel(id: string, by: Person): Promise<LinkRequest> {
    return this.change(id, (request) => {
      if (!isRequester(request, by)) {
        throw new LinkRequestError(
          'not-requester',
          `Only ${request.requester.name}, who asked for this link, can cancel it.`,
          request,
        );
      }
      this.assertPending(request);
      return { ...request, state: 'cancelled', cancelled: { by, at: this.now().toISOString() } };
    });
  }

  /**
   * Moves an approved request to running. Exactly one caller wins, across instances.
   * @returns the running request, or undefined when it was not approved (or already started).
   */
  async start(
    id: string,
    owner: string | null = null,
    leaseMs = DEFAULT_RUN_LEASE_MS,
  ): Promise<LinkRequest | undefined> {
    let started: LinkRequest | undefined;
    await updateItem<LinkRequest>(this.store, REQUEST_KEY(id), (request) => {
      started = undefined;
      if (!request || request.state !== 'approved') return undefined;
      started = {
        ...request,
        state: 'running',
        run: {
          startedAt: this.now().toISOString(),
          finishedAt: null,
          steps: [],
          failure: null,
          owner,
          leaseUntil: this.leaseEnd(leaseMs),
        },
      };
      return started;
    });
    return started;
  }

  /**
   * Extends the lease of a run `owner` still owns.
   * @returns false when the run is over or another instance took it over.
   */
  async renew(id: string, owner: string, leaseMs = DEFAULT_RUN_LEASE_MS): Promise<boolean> {
    const renewed = await updateItem<LinkRequest>(this.store, REQUEST_KEY(id), (request) => {
      if (request?.state !== 'running' || !request.run || request.run.owner !== owner) return undefined;
      return { ...request, run: { ...request.run, leaseUntil: this.leaseEnd(leaseMs) } };
    });
    return renewed !== undefined;
  }

  /**
   * Takes over a running request whose owner's lease ran out (the instance died mid-run).
   * Exactly one instance wins, across instances.
   * @returns the request now owned by `owner`, or undefined when it is not orphaned.
   */
  async claimOrphan(
    id: string,
    owner: string,
    leaseMs = DEFAULT_RUN_LEASE_MS,
  ): Promise<LinkRequest | undefined> {
    let claimed: LinkRequest | undefined;
    await updateItem<LinkRequest>(this.store, REQUEST_KEY(id), (request) => {
      claimed = undefined;
      if (!request?.run || !this.isOrphaned(request)) return undefined;
      claimed = { ...request, run: { ...request.run, owner, leaseUntil: this.leaseEnd(leaseMs) } };
      return claimed;
    });
    return claimed;
  }

  /** True for a running request whose owner stopped renewing its lease. */
  isOrphaned(request: LinkRequest): boolean {
    const until = request.run?.leaseUntil;
    return request.state === 'running' && !!until && Date.parse(until) < this.now().getTime();
  }

  private leaseEnd(leaseMs: number): string {
    return new Date(this.now().getTime() + leaseMs).toISOString();
  }

  /** Records a step of a running request: replaces the last step of that name, or appends it. */
  async recordStep(id: string, step: LinkStep): Promise<LinkRequest> {
    return this.change(id, (request) => {
      if (!request.run) throw new LinkRequestError('not-pending', 'This request is not running.', request);
      const steps = [...request.run.steps];
      const at = steps.map((s) => s.name).lastIndexOf(step.name);
      if (at >= 0 && steps[at].state === 'running') steps[at] = step;
      else steps.push(step);
      return { ...request, run: { ...request.run, steps } };
    });
  }

  /**
   * Appends a step of a running synced-twin fix to its journal; step 3's `done` with the deleted
   * twin also keeps the twin as deleted for good (for history and the audit).
   */
  async recordTwinStep(id: string, entry: TwinJournalEntry): Promise<LinkRequest> {
    return this.change(id, (request) => {
      if (!isTwinFix(request) || request.state !== 'running') {
        throw new LinkRequestError('not-pending', 'This request is not a running synced-twin fix.', request);
      }
      const fix = request.twinFix;
      const deleted = entry.step === 'hard-delete' && entry.state === 'done' ? entry.deletedTwin : undefined;
      return {
        ...request,
        twinFix: { ...fix, journal: [...fix.journal, entry], deletedTwin: deleted ?? fix.deletedTwin },
      };
    });
  }

  /**
   * Ends a running request as linked or failed. `immutableIdBefore`, when given, is the value the
   * run read just before writing (it replaces the one the preflight saw).
   */
  async finish(
    id: string,
    outcome: {
      state: 'linked' | 'failed';
      failure: LinkFailure | null;
      immutableIdAfter: string | null;
      immutableIdBefore?: string | null;
    },
  ): Promise<LinkRequest> {
    const finished = await this.change(id, (request) => {
      if (request.state !== 'running' || !request.run) {
        throw new LinkRequestError('not-pending', `This request is ${request.state}, not running.`, request);
      }
      return {
        ...request,
        state: outcome.state,
        immutableIdBefore:
          outcome.immutableIdBefore === undefined ? request.immutableIdBefore : outcome.immutableIdBefore,
        immutableIdAfter: outcome.immutableIdAfter,
        run: { ...request.run, finishedAt: this.now().toISOString(), failure: outcome.failure },
      };
    });
    return finished;
  }

  /** Remembers where cards about the request were posted, for in-place updates. */
  async addCards(id: string, cards: CardLocation[]): Promise<LinkRequest> {
    return this.change(id, (request) => ({ ...request, cards: [...request.cards, ...cards] }));
  }

  /** Open requests (pending, approved or running), oldest first; due ones are expired on the way. */
  async listOpen(): Promise<LinkRequest[]> {
    const ids = (await this.store.read<IdList>(OPEN_KEY))?.value.ids ?? [];
    const requests = await Promise.all(ids.map((id) => this.get(id)));
    return requests.filter((r): r is LinkRequest => !!r && !FINAL_REQUEST_STATES.includes(r.state));
  }

  /** Finished requests, newest first. */
  async listRecent(limit = 20): Promise<LinkRequest[]> {
    const ids = (await this.store.read<IdList>(RECENT_KEY))?.value.ids ?? [];
    const requests = await Promise.all(ids.slice(0, limit).map((id) => this.get(id)));
    return requests.filter((r): r is LinkRequest => !!r);
  }

  /** Expires every pending request past its time; returns those this call expired. */
  async expireDue(): Promise<LinkRequest[]> {
    const ids = (await this.store.read<IdList>(OPEN_KEY))?.value.ids ?? [];
    const expired: LinkRequest[] = [];
    for (const id of ids) {
      const request = (await this.store.read<LinkRequest>(REQUEST_KEY(id)))?.value;
      if (!request) await this.removeFrom(OPEN_KEY, id);
      else if (this.isDue(request)) {
        const done = await this.expire(id);
        if (done) expired.push(done);
      }
    }
    return expired;
  }

  private async expire(id: string): Promise<LinkRequest | undefined> {
    let expired: LinkRequest | undefined;
    await updateItem<LinkRequest>(this.store, REQUEST_KEY(id), (request) => {
      expired = undefined;
      if (!request || !this.isDue(request)) return undefined;
      expired = { ...request, state: 'expired' };
      return expired;
    });
    if (expired) {
      await this.settle(expired);
      await this.options.onExpired?.(expired).catch(() => undefined);
    }
    return expired;
  }

  private isDue(request: LinkRequest): boolean {
    return request.state === 'pending' && Date.parse(request.expiresAt) <= this.now().getTime();
  }

  private assertPending(request: LinkRequest): void {
    if (this.isDue(request)) {
      throw new LinkRequestError(
        'expired',
        `This request expired at ${formatTime(request.expiresAt)}; file a new one.`,
        request,
      );
    }
    if (request.state !== 'pending')
      throw new LinkRequestError('not-pending', alreadyMessage(request), request);
  }

  /**
   * Read-decide-write on one request; `decide` throws to refuse. A request that reached a final
   * state is moved from the open list to the recent one.
   */
  private async change(id: string, decide: (request: LinkRequest) => LinkRequest): Promise<LinkRequest> {
    let changed: LinkRequest | undefined;
    await updateItem<LinkRequest>(this.store, REQUEST_KEY(id), (request) => {
      if (!request) throw new LinkRequestError('unknown-request', UNKNOWN_REQUEST);
      changed = decide(request);
      return changed;
    });
    const result = changed as LinkRequest;
    if (FINAL_REQUEST_STATES.includes(result.state)) await this.settle(result);
    return result;
  }

  private async settle(request: LinkRequest): Promise<void> {
    await this.removeFrom(OPEN_KEY, request.id);
    await this.addTo(RECENT_KEY, request.id, true);
  }

  private async addTo(key: string, id: string, newestFirst = false): Promise<void> {
    const limit = this.options.recentLimit ?? 500;
    await updateItem<IdList>(this.store, key, (list) => {
      const ids = list?.ids ?? [];
      if (ids.includes(id)) return undefined;
      return { ids: newestFirst ? [id, ...ids].slice(0, limit) : [...ids, id] };
    });
  }

  private async removeFrom(key: string, id: string): Promise<void> {
    await updateItem<IdList>(this.store, key, (list) =>
      list?.ids.includes(id) ? { ids: list.ids.filter((x) => x !== id) } : undefined,
    );
  }
}

/** What a second decision, a stale card or a replayed click is told. */
function alreadyMessage(request: LinkRequest): string {
  const d = request.decision;
  switch (request.state) {
    case 'approved':
    case 'running':
    case 'linked':
    case 'failed':
      return `Already approved by ${d?.by.name ?? 'another admin'} at ${formatTime(d?.at) || '?'}; it is ${request.state} now.`;
    case 'rejected':
      return `Already rejected by ${d?.by.name ?? 'another admin'} at ${formatTime(d?.at) || '?'}.`;
    case 'cancelled':
      return `${request.cancelled?.by.name ?? 'The requester'} cancelled this request at ${formatTime(request.cancelled?.at) || '?'}.`;
    case 'expired':
      return `This request expired at ${formatTime(request.expiresAt)}; file a new one.`;
    default:
      return `This request is ${request.state}.`;
  }
}
