import type { Logger } from '../../../shared/logger';
import type { AuditLog } from '../../audit/audit-log';
import { ANCHOR_ACTOR } from '../link-request';
import type { LinkRequest, LinkStep, LinkStepName } from '../link-request';
import type { LinkRequestStore } from '../request-store';

/** What the journal writes to. */
export interface LinkJournalOptions {
  requests: LinkRequestStore;
  audit: AuditLog;
  logger: Logger;
  onChange?: (request: LinkRequest) => Promise<void> | void;
  now: () => Date;
}

/**
 * Writes down one run: each step on the request (for the progress card), in the audit log and
 * in the log, and tells `onChange` after every change. A failing `onChange` (a card update) is
 * logged and ignored: it must never change the course of a run.
 */
export class LinkJournal {
  private latest: LinkRequest;
  private readonly log: Logger;

  constructor(
    private readonly options: LinkJournalOptions,
    request: LinkRequest,
  ) {
    this.latest = request;
    this.log = options.logger.child({ correlationId: request.correlationId, requestId: request.id });
  }

  /** The request as last written. */
  get request(): LinkRequest {
    return this.latest;
  }

  /** The run's logger: every line carries the request's correlation id. */
  get logger(): Logger {
    return this.log;
  }

  /** Marks `name` as running; returns its start time. */
  async started(name: LinkStepName, detail: string | null = null): Promise<string> {
    const startedAt = this.options.now().toISOString();
    this.log.info({ step: name }, `link step ${name} started`);
    await this.record({ name, state: 'running', startedAt, finishedAt: null, detail });
    return startedAt;
  }

  /** Ends `name` as done, failed or skipped, with one line of detail, and audits it. */
  async ended(
    name: LinkStepName,
    startedAt: string,
    state: 'done' | 'failed' | 'skipped',
    detail: string,
    extra: { immutableIdBefore?: string | null; immutableIdAfter?: string | null } = {},
  ): Promise<void> {
    const finishedAt = this.options.now().toISOString();
    if (state === 'failed') this.log.warn({ step: name, detail }, `link step ${name} failed`);
    else this.log.info({ step: name, detail }, `link step ${name} ${state}`);
    await this.record({ name, state, startedAt, finishedAt, detail });
    await this.options.audit.append({
      action: 'link.step',
      actor: ANCHOR_ACTOR,
      requestId: this.latest.id,
      correlationId: this.latest.correlationId,
      detail: `${name} ${state}: ${detail}`,
      cloudUserId: this.latest.preflight.cloud.id,
      ...extra,
    });
  }

  /** Ends the run as linked or failed, audits the outcome and tells `onChange`. */
  async finished(outcome: Parameters<LinkRequestStore['finish']>[1], detail: string): Promise<LinkRequest> {
    this.latest = await this.options.requests.finish(this.latest.id, outcome);
    const line = { outcome: outcome.state, failure: outcome.failure };
    if (outcome.state === 'linked') this.log.info(line, 'link run finished');
    else this.log.warn(line, 'link run finished');
    await this.options.audit.append({
      action: outcome.state === 'linked' ? 'link.linked' : 'link.failed',
      actor: ANCHOR_ACTOR,
      requestId: this.latest.id,
      correlationId: this.latest.correlationId,
      detail,
      cloudUserId: this.latest.preflight.cloud.id,
      immutableIdBefore: this.latest.immutableIdBefore,
      immutableIdAfter: this.latest.immutableIdAfter,
    });
    await this.notify();
    return this.latest;
  }

  private async record(step: LinkStep): Promise<void> {
    this.latest = await this.options.requests.recordStep(this.latest.id, step);
    await this.notify();
  }

  private async notify(): Promise<void> {
    if (!this.options.onChange) return;
    try {
      await this.options.onChange(this.latest);
    } catch (err) {
      this.log.warn({ err }, 'updating the progress of a link request failed; the run goes on');
    }
  }
}
