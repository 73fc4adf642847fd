import type { Logger } from '../../shared/logger';
import type { AuditAction, AuditEntry, AuditLog } from '../audit/audit-log';
import type { StateStore } from '../state/state-store';
import type { LinkDraft } from './drafts';
import { LinkDrafts } from './drafts';
import { ANCHOR_ACTOR } from './link-request';
import type { CardLocation, LinkRequest, Person } from './link-request';
import type { PreflightReport } from './preflight/report';
import type { TwinPlan } from './twin/twin-plan';
import { LinkRequestError, LinkRequestStore } from './request-store';
import { formatTime } from '../../shared/time-text';

/** What happened to a request; told to every {@link LinkChangeListener}. `progress` is a run's step or outcome. */
export type LinkChange = 'filed' | 'approved' | 'rejected' | 'cancelled' | 'expired' | 'progress';

/** Told after a request changed (to update its cards, or to start an approved run). */
export type LinkChangeListener = (change: LinkChange, request: LinkRequest) => Promise<void> | void;

/** What filing a request from a preflight draft takes. */
export interface FileRequest {
  /** The draft the requester's preflight card was made from (see {@link LinkService.draft}). */
  draft: LinkDraft;
  requester: Person;
  reason: string;
  /** Ids of the ⚠ checks the requester ticked. */
  acknowledged: string[];
  correlationId: string;
}

/** Settings of {@link LinkService}. */
export interface LinkServiceOptions {
  store: StateStore;
  audit: AuditLog;
  /** Whether a person is an Anchor admin now; decisions re-check it (the chat guard checks first). */
  isAdmin: (aadObjectId: string) => boolean;
  logger: Logger;
  /** How long a pending request waits for a decision. Default 24 h. */
  ttlMs?: number;
  now?: () => Date;
}

/**
 * The link requests' rules in one place: filing, deciding, cancelling and expiring a request each
 * change its state, write the audit entry for it and then tell the listeners (the chat refreshes
 * the request's cards; an approval starts the run). Refusals are audited too when they concern a
 * known request. The chat layer only turns the results and {@link LinkRequestError}s into cards.
 */
export class LinkService {
  /** The stored requests, for the run (start, steps, outcome) and the lists. */
  readonly requests: LinkRequestStore;
  private readonly drafts: LinkDrafts;
  private readonly listeners: LinkChangeListener[] = [];

  constructor(private readonly options: LinkServiceOptions) {
    this.requests = new LinkRequestStore(options.store, {
      ttlMs: options.ttlMs,
      isAdmin: options.isAdmin,
      now: options.now,
      onExpired: (request) => this.expired(request),
    });
    this.drafts = new LinkDrafts(options.store, options.now);
  }

  /** Adds a listener told after every change; its failures are logged and never undo the change. */
  onChange(listener: LinkChangeListener): void {
    this.listeners.push(listener);
  }

  /** Keeps a preflight its owner may file within the hour; returns the draft id the card carries. */
  saveDraft(ownerAadObjectId: string, report: PreflightReport): Promise<string> {
    return this.drafts.save(ownerAadObjectId, report);
  }

  /**
   * Keeps a synced-twin fix plan its owner may file within the hour, like a preflight: the plan
   * card carries only the returned draft id.
   */
  saveTwinDraft(ownerAadObjectId: string, plan: TwinPlan): Promise<string> {
    return this.drafts.save(ownerAadObjectId, plan.preflight, plan);
  }

  /**
   * The draft `ownerAadObjectId` may file.
   * @throws LinkDraftError when it is unknown, someone else's, or stale.
   */
  draft(id: string, ownerAadObjectId: string): Promise<LinkDraft> {
    return this.drafts.get(id, ownerAadObjectId);
  }

  /**
   * Files the draft as a pending request, once: the draft id becomes the request id and the draft
   * is removed, so a replayed click files nothing more.
   * @throws LinkRequestError `blocked` (failed check, unacknowledged warning, no reason) or
   *   `not-pending` (already filed; the error then carries the request).
   */
  async file(input: FileRequest): Promise<LinkRequest> {
    const { draft, requester } = input;
    let request: LinkRequest;
    try {
      request = await this.requests.create({
        id: draft.id,
        requester,
        reason: input.reason,
        preflight: draft.twinPlan?.preflight ?? draft.report,
        acknowledged: input.acknowledged,
        correlationId: input.correlationId,
        ...(draft.twinPlan ? { twinPlan: draft.twinPlan } : {}),
      });
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      this.log(input.correlationId).info({ reason: err.reason }, 'link request refused');
      const existing = await this.requests.get(draft.id);
      throw existing ? new LinkRequestError(err.reason, err.message, existing) : err;
    }
    await this.drafts.remove(draft.id);
    const { ad, cloud } = request.preflight;
    const acknowledged = `reason: ${request.reason}; acknowledged: ${request.acknowledged.join(', ') || 'none'}`;
    const twin = request.twinFix?.plan.twin;
    await this.audit(request, twin ? 'twin.requested' : 'link.requested', requester, {
      detail: twin
        ? `synced-twin fix for ${ad.sAMAccountName}: keep the original ${cloud.userPrincipalName} (${cloud.id}), ` +
          `permanently delete the synced twin ${twin.userPrincipalName} (${twin.id}); approving it approves that ` +
          `permanent deletion; ${acknowledged}`
        : `${ad.sAMAccountName} → ${cloud.userPrincipalName}; ${acknowledged}`,
      cloudUserId: cloud.id,
      immutableIdBefore: request.immutableIdBefore,
      immutableIdAfter: request.preflight.immutableId,
    });
    this.log(request.correlationId).info({ requestId: request.id }, 'link requested');
    void this.announce('filed', request);
    return request;
  }

  /**
   * Approves or rejects a pending request for `by`, who must be an admin other than the requester.
   * @throws LinkRequestError saying why nothing changed; a refusal about a known request is
   *   audited and the error carries the request as it is now.
   */
  async decide(requestId: string, by: Person, verdict: 'approved' | 'rejected'): Promise<LinkRequest> {
    let request: LinkRequest;
    try {
      request = await this.requests.decide(requestId, by, verdict);
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      throw await this.refused(err, requestId, by, verdict === 'approved' ? 'approve' : 'reject');
    }
    await this.audit(request, verdict === 'approved' ? 'link.approved' : 'link.rejected', by, {
      detail: `${verdict} by ${by.name}`,
      cloudUserId: request.preflight.cloud.id,
    });
    this.log(request.correlationId).info({ requestId, verdict }, 'request decided');
    void this.announce(verdict, request);
    return request;
  }

  /**
   * Withdraws a pending request; only its requester may.
   * @throws LinkRequestError saying why nothing changed.
   */
  async cancel(requestId: string, by: Person): Promise<LinkRequest> {
    const request = await this.requests.cancel(requestId, by);
    await this.audit(request, 'link.cancelled', by, { detail: `cancelled by ${by.name}` });
    this.log(request.correlationId).info({ requestId }, 'request cancelled');
    void this.announce('cancelled', request);
    return request;
  }

  /** Expires every pending request past its time (each is audited and announced once). */
  expireDue(): Promise<LinkRequest[]> {
    return this.requests.expireDue();
  }

  /** The request as stored (a pending one past its time reads as expired), or undefined. */
  get(requestId: string): Promise<LinkRequest | undefined> {
    return this.requests.get(requestId);
  }

  /** Open requests (pending, approved or running), oldest first. */
  listOpen(): Promise<LinkRequest[]> {
    return this.requests.listOpen();
  }

  /** Finished requests, newest first. */
  listRecent(limit?: number): Promise<LinkRequest[]> {
    return this.requests.listRecent(limit);
  }

  /** Remembers where cards about the request were posted, so changes update them in place. */
  addCards(requestId: string, cards: CardLocation[]): Promise<LinkRequest> {
    return this.requests.addCards(requestId, cards);
  }

  /**
   * Tells every listener about a change, and resolves once each settled. Also used by the run for
   * its progress, so every copy of a request's card follows one path.
   */
  async announce(change: LinkChange, request: LinkRequest): Promise<void> {
    await Promise.all(
      this.listeners.map(async (listener) => {
        try {
          await listener(change, request);
        } catch (err) {
          this.log(request.correlationId).warn(
            { err, requestId: request.id, change },
            'a listener of link request changes failed',
          );
        }
      }),
    );
  }

  /** The store expired a request (the sweep or a read noticed it first): audit and announce it once. */
  private async expired(request: LinkRequest): Promise<void> {
    await this.audit(request, 'link.expired', ANCHOR_ACTOR, {
      detail: `nobody decided before ${formatTime(request.expiresAt)}`,
    });
    await this.announce('expired', request);
  }

  /** Audits a refused decision about a known request; returns the error to throw, with that request. */
  private async refused(
    err: LinkRequestError,
    requestId: string,
    by: Person,
    attempt: string,
  ): Promise<LinkRequestError> {
    const current = err.request ?? (requestId ? await this.requests.get(requestId) : undefined);
    this.options.logger.warn({ requestId, reason: err.reason }, 'decision refused');
    if (!current) return err;
    await this.audit(current, 'link.refused', by, {
      detail: `${attempt} refused (${err.reason}): ${err.message}`,
    });
    return err.request ? err : new LinkRequestError(err.reason, err.message, current);
  }

  private async audit(
    request: LinkRequest,
    action: AuditAction,
    actor: AuditEntry['actor'],
    entry: Pick<AuditEntry, 'detail' | 'cloudUserId' | 'immutableIdBefore' | 'immutableIdAfter'>,
  ): Promise<void> {
    await this.options.audit.append({
      action,
      actor: { aadObjectId: actor.aadObjectId, name: actor.name },
      requestId: request.id,
      correlationId: request.correlationId,
      ...entry,
    });
  }

  private log(correlationId: string): Logger {
    return this.options.logger.child({ correlationId });
  }
}
