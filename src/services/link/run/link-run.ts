import { AdminFacingError, adminMessage } from '../../../shared/admin-facing-error';
import type { CloudDirectory } from '../../entra/cloud-directory';
import type { CloudUserDetail } from '../../entra/cloud-user';
import { GraphRequestError } from '../../entra/graph-errors';
import { adviceFor, LinkStepError } from './advice';
import type { LinkJournal } from './journal';
import { recheckProblems } from './recheck';
import type { LinkFailure, LinkRequest, LinkStepName } from '../link-request';
import type { PreflightReport } from '../preflight/report';
import { RelayError } from '../../relay/relay-client';
import type { RelayClient } from '../../relay/relay-client';
import type { JobResult, RelayOperation, SchedulerState } from '../../../shared/relay-protocol/messages';
import {
  pauseNotTakenMessage,
  schedulerAccessDeniedMessage,
  stillPausedInstruction,
  stillPausedMessage,
} from '../../../shared/relay-protocol/scheduler-checks';
import { sleep } from '../../../shared/sleep';
import { formatTime } from '../../../shared/time-text';
import { plural } from '../../../shared/plural';

/** What a run needs besides its journal. */
export interface LinkRunDeps {
  cloud: CloudDirectory;
  relay: RelayClient | null;
  recheck: (request: LinkRequest) => Promise<PreflightReport>;
  verifyTimeoutMs: number;
  verifyIntervalMs: number;
  /** How long to wait, after the pause, for a sync cycle that was already running to end. */
  cycleWaitMs: number;
  /** How often the relay is asked meanwhile. */
  cycleCheckIntervalMs: number;
  now: () => Date;
  /**
   * `set-anchor`: step 4 of a synced-twin fix — pause, (wait for a cycle), re-check, write, resume,
   * and stop there: the delta and the verify wait until the AD user is back in scope (step 6).
   * Default `link`.
   */
  mode?: 'link' | 'set-anchor';
  /** What in the re-check stops the write; default {@link recheckProblems}. */
  recheckProblems?: (request: LinkRequest, report: PreflightReport) => string[];
}

/** What a step hands back: its one line for the card and audit, and the ImmutableId around it. */
interface StepOutcome {
  detail: string;
  immutableIdBefore?: string | null;
  immutableIdAfter?: string | null;
}

/** Whether the PATCH may have changed the cloud user. */
type WriteState = 'not-sent' | 'refused' | 'unknown' | 'written';

/** Where the cloud user's value stands once a failed run has tidied up. */
interface ValueOutcome {
  /** A sync cycle linked the user after all. */
  linked: boolean;
  /** The value as last known. */
  immutableIdAfter: string | null;
  /** For the admin, when the value is not back where it was. */
  note: string | null;
}

/**
 * One run of one approved request: pause → (wait for a running cycle) → preflight →
 * set-immutable-id → resume → delta → verify. The scheduler state each relay result carries is
 * checked against what was asked: a pause or resume reported `done` is not trusted alone. On any
 * failure the scheduler is resumed first, then a value this run wrote is cleared again (unless a
 * sync cycle already took the user over, which is the link the admins approved).
 */
export class LinkRun {
  private readonly request: LinkRequest;
  private readonly cloudId: string;
  private readonly expected: string;
  private current: LinkStepName = 'pause';
  /** `unreached`: the pause certainly never got to the sync server (offline, refused). */
  private pause: 'not-tried' | 'tried' | 'unreached' = 'not-tried';
  /** A resume read back as enabled. */
  private resumed = false;
  private cleanupResumeTried = false;
  /** The pause's result did not rule out a sync cycle still running. */
  private cycleMayRun = false;
  /** `syncCycleEnabled` as the last relay answer reported it; null when it gave no state. */
  private enabled: boolean | null = null;
  private write: WriteState = 'not-sent';
  /** The value read just before the PATCH; undefined until read. */
  private before: string | null | undefined;
  /** The last scheduler state a relay result reported. */
  private scheduler: SchedulerState | null = null;

  constructor(
    private readonly deps: LinkRunDeps,
    private readonly journal: LinkJournal,
  ) {
    this.request = journal.request;
    this.cloudId = this.request.preflight.cloud.id;
    this.expected = this.request.preflight.immutableId;
  }

  /** Runs every step and settles the request; returns it as finished. */
  async execute(): Promise<LinkRequest> {
    try {
      return await this.runAndSettle();
    } finally {
      // Whatever threw above, Anchor never leaves the scheduler paused behind it.
      if (this.mustResume()) await this.resumeAfterFailure();
    }
  }

  /**
   * Ends a run another instance left behind at `step`: as if that step had failed with `error`,
   * the scheduler is resumed (whether or not the pause happened, resume is safe) and the cloud user
   * is read, so a value that run may have written is cleared again, or the request ends linked
   * when a sync cycle already completed it.
   */
  async recover(step: LinkStepName, error: LinkStepError): Promise<LinkRequest> {
    this.current = step;
    this.pause = 'tried';
    // Whatever step it stopped in, the PATCH may have gone out just before: read the user.
    this.write = 'unknown';
    return this.settleFailure({ step, error });
  }

  private async runAndSettle(): Promise<LinkRequest> {
    let failure: { step: LinkStepName; error: unknown } | undefined;
    try {
      await this.steps();
    } catch (error) {
      failure = { step: this.current, error };
    }
    if (!failure) return this.finishLinked();
    return this.settleFailure(failure);
  }

  /**
   * After a failure: resume the scheduler, settle the value, and finish failed, or linked after
   * all when a sync cycle completed the link and the scheduler is known to run again. A run that
   * leaves the scheduler paused (or unconfirmed) never shows ✓ Linked.
   */
  private async settleFailure(failure: { step: LinkStepName; error: unknown }): Promise<LinkRequest> {
    this.logFailure(failure.error);
    const schedulerNote = this.mustResume() ? await this.resumeAfterFailure() : null;
    const value = await this.settleValue();
    const scheduler = this.schedulerAfter();
    if (value.linked && scheduler !== 'paused' && scheduler !== 'unknown') return this.finishLinked();
    const message = adminMessage(failure.error);
    const problem = failure.error instanceof LinkStepError ? failure.error.problem : undefined;
    const linkedNote = value.linked
      ? `Entra ID reports the cloud user synced with onPremisesImmutableId ${this.expected}: the link itself completed.`
      : null;
    // A failure that is itself "still paused" already says what the scheduler note would.
    const note = problem === 'scheduler-still-paused' ? null : schedulerNote;
    const advice = [
      linkedNote,
      value.note,
      note,
      adviceFor(failure.step, failure.error, this.adviceContext()),
    ]
      .filter((s): s is string => !!s)
      .join(' ');
    const record: LinkFailure = {
      step: failure.step,
      message,
      advice,
      ...(problem ? { problem } : {}),
      ...(scheduler ? { scheduler } : {}),
    };
    return this.journal.finished(
      {
        state: 'failed',
        failure: record,
        immutableIdAfter: value.immutableIdAfter,
        immutableIdBefore: this.before,
      },
      `Failed at ${failure.step}: ${message}`,
    );
  }

  /** The scheduler as this run leaves it; undefined when the pause never reached the sync server. */
  private schedulerAfter(): LinkFailure['scheduler'] {
    if (this.pause !== 'tried') return undefined;
    if (this.resumed) return 'enabled';
    if (this.enabled === true) return 'enabled';
    return this.enabled === false ? 'paused' : 'unknown';
  }

  private async steps(): Promise<void> {
    await this.step('pause', () => this.pauseScheduler());
    if (this.cycleMayRun) {
      const seconds = Math.round(this.deps.cycleWaitMs / 1000);
      await this.step('wait-for-cycle', () => this.waitForIdle(), {
        running: `a sync cycle started before the pause is still running; waiting up to ${seconds} s for it to end`,
      });
    }
    await this.step('preflight', () => this.recheck());
    await this.step('set-immutable-id', () => this.setImmutableId());
    await this.step('resume', async () => {
      const result = await this.resumeScheduler();
      return { detail: result.message };
    });
    if (this.deps.mode === 'set-anchor') return;
    await this.step('delta', async () => ({ detail: (await this.relayRun('delta')).message }));
    await this.step('verify', () => this.verify());
  }

  /**
   * Runs one step: marks it running, then done with its detail or failed with the error's
   * message (and rethrows). Recording a failure never hides the failure itself.
   */
  private async step(
    name: LinkStepName,
    action: () => Promise<StepOutcome>,
    options: { running?: string } = {},
  ): Promise<void> {
    this.current = name;
    const startedAt = await this.journal.started(name, options.running ?? null);
    let outcome: StepOutcome;
    try {
      outcome = await action();
    } catch (error) {
      await this.quietly(`recording the failed ${name} step`, () =>
        this.journal.ended(
          name,
          startedAt,
          'failed',
          error instanceof LinkStepError ? error.detail : adminMessage(error),
        ),
      );
      throw error;
    }
    const { detail, ...values } = outcome;
    await this.journal.ended(name, startedAt, 'done', detail, values);
  }

  private async pauseScheduler(): Promise<StepOutcome> {
    if (!this.deps.relay) {
      throw new LinkStepError(
        'no-relay',
        'No relay is configured, so Anchor cannot pause the Entra Connect scheduler; nothing was changed.',
      );
    }
    this.pause = 'tried';
    let result: JobResult;
    try {
      result = await this.relayRun('pause');
    } catch (error) {
      // Offline: nothing was queued. Refused: the relay ran nothing. Anything else may have paused it.
      if (error instanceof RelayError && (error.kind === 'offline' || error.kind === 'refused')) {
        this.pause = 'unreached';
      }
      // The relay's account lacks the rights: the admin has a group to change, not a fault to chase.
      // Worded here, without PowerShell's own text (it stays in the step's detail and the relay's log).
      if (error instanceof RelayError && error.result?.reason === 'scheduler-access-denied') {
        const words = schedulerAccessDeniedMessage(error.result.relayId);
        throw new LinkStepError(
          'scheduler-access-denied',
          `${capitalized(words)}.`,
          `${capitalized(error.result.message)}.`,
        );
      }
      // The relay read the scheduler back as still enabled: whatever the cmdlet said, it did not pause.
      if (
        error instanceof RelayError &&
        error.kind === 'failed' &&
        error.result?.scheduler.syncCycleEnabled === true
      ) {
        throw new LinkStepError('pause-not-taken', error.message);
      }
      throw error;
    }
    const { scheduler } = result;
    if (scheduler.syncCycleEnabled !== false) {
      // Defense in depth: a relay that says `done` must also show the scheduler paused.
      throw new LinkStepError(
        'pause-not-taken',
        scheduler.syncCycleEnabled === true
          ? `${capitalized(pauseNotTakenMessage(result.relayId))} (the relay reported the pause done).`
          : `The relay reported the pause done on ${result.relayId} but could not read the scheduler back; ` +
              'the pause is not confirmed.',
      );
    }
    this.cycleMayRun = scheduler.cycleInProgress !== false;
    const lease = scheduler.pauseLeaseExpiresAt;
    return {
      detail: lease
        ? `${result.message}; the relay resumes it by itself at ${formatTime(lease)}`
        : result.message,
    };
  }

  /**
   * Pausing does not stop a cycle already running, and that cycle may export the AD user before
   * the ImmutableId is set (the duplicate Anchor exists to prevent). Asks the relay until no cycle
   * runs, the scheduler still paused, within {@link LinkRunDeps.cycleWaitMs}.
   */
  private async waitForIdle(): Promise<StepOutcome> {
    const { cycleWaitMs, cycleCheckIntervalMs, now } = this.deps;
    const started = now().getTime();
    const deadline = started + cycleWaitMs;
    const server = this.server();
    for (;;) {
      const left = deadline - now().getTime();
      if (left > 0) await sleep(Math.min(cycleCheckIntervalMs, left));
      const state = (await this.relayRun('status')).scheduler;
      if (state.syncCycleEnabled !== false) {
        throw new LinkStepError(
          'pause-lost',
          `The sync scheduler on ${server} is no longer paused (` +
            (state.syncCycleEnabled === null
              ? 'it could not be read back'
              : 'it shows SyncCycleEnabled True') +
            ') while Anchor waited for a sync cycle to end; Anchor wrote nothing.',
        );
      }
      const seconds = Math.round((now().getTime() - started) / 1000);
      if (state.cycleInProgress === false) {
        return {
          detail: `the sync cycle that was running when the scheduler was paused ended (after ${seconds} s)`,
        };
      }
      if (now().getTime() >= deadline) {
        throw new LinkStepError(
          'cycle-still-running',
          `A sync cycle was still running on ${server} ${Math.round(cycleWaitMs / 1000)} s after the scheduler ` +
            'was paused (LINK_CYCLE_WAIT_SECONDS); Anchor wrote nothing, since that cycle could export the AD ' +
            'user before the ImmutableId is set.',
        );
      }
    }
  }

  /**
   * Resumes the scheduler and checks the relay's read-back: only a scheduler shown enabled counts.
   * @throws LinkStepError `scheduler-still-paused` when it is not (the relay keeps trying by itself).
   */
  private async resumeScheduler(): Promise<JobResult> {
    let result: JobResult;
    try {
      result = await this.relayRun('resume');
    } catch (error) {
      // A failure whose read-back shows the scheduler enabled is an ordinary relay failure.
      if (error instanceof RelayError && error.result && error.result.scheduler.syncCycleEnabled !== true) {
        throw stillPaused(error.result, error.message);
      }
      throw error;
    }
    if (result.scheduler.syncCycleEnabled !== true) throw stillPaused(result, null);
    this.resumed = true;
    return result;
  }

  private async recheck(): Promise<StepOutcome> {
    const report = await this.deps.recheck(this.request);
    const problems = (this.deps.recheckProblems ?? recheckProblems)(this.request, report);
    if (problems.length > 0) {
      throw new LinkStepError('preflight-changed', `The re-check stopped the link: ${problems.join('; ')}.`);
    }
    const warnings = report.checks.filter((c) => c.status === 'warn').length;
    const passed = report.checks.length - warnings;
    // Never "all pass" beside a warning: the admin compares this line with the card's preflight.
    return {
      detail: warnings
        ? `${passed} of ${report.checks.length} checks pass again; ${plural(warnings, 'warning')}, as acknowledged at request time`
        : `all ${report.checks.length} checks pass again`,
    };
  }

  private async setImmutableId(): Promise<StepOutcome> {
    const user = await this.deps.cloud.getUser(this.cloudId);
    this.before = user.onPremisesImmutableId;
    if (user.onPremisesImmutableId !== null) {
      throw new LinkStepError(
        'already-set',
        `Cloud user ${user.userPrincipalName} already has onPremisesImmutableId ` +
          `${user.onPremisesImmutableId}; Anchor changed nothing.`,
      );
    }
    this.write = 'unknown';
    try {
      await this.deps.cloud.setImmutableId(this.cloudId, this.expected);
    } catch (error) {
      // Graph answered 4xx: it refused the write. A 5xx or no answer may still have applied it.
      if (error instanceof GraphRequestError && error.status < 500) this.write = 'refused';
      throw error;
    }
    this.write = 'written';
    return {
      detail: `onPremisesImmutableId of ${user.userPrincipalName} set to ${this.expected} (it had none)`,
      immutableIdBefore: null,
      immutableIdAfter: this.expected,
    };
  }

  /** Reads the cloud user until Entra ID reports it synced with the value, or the time is up. */
  private async verify(): Promise<StepOutcome> {
    const started = this.deps.now().getTime();
    const deadline = started + this.deps.verifyTimeoutMs;
    let last: CloudUserDetail | undefined;
    let lastError: unknown;
    for (;;) {
      try {
        last = await this.deps.cloud.getUser(this.cloudId);
        lastError = undefined;
        if (this.isLinked(last)) {
          const seconds = Math.round((this.deps.now().getTime() - started) / 1000);
          return {
            detail: `Entra ID reports ${last.userPrincipalName} synced with onPremisesImmutableId ${this.expected} (after ${seconds} s)`,
            immutableIdAfter: this.expected,
          };
        }
      } catch (error) {
        lastError = error;
        this.journal.logger.debug({ err: error }, 'reading the cloud user while verifying failed');
      }
      const left = deadline - this.deps.now().getTime();
      if (left <= 0) break;
      await sleep(Math.min(this.deps.verifyIntervalMs, left));
    }
    const seen = last
      ? `it shows onPremisesSyncEnabled ${String(last.onPremisesSyncEnabled)}, onPremisesImmutableId ${last.onPremisesImmutableId ?? 'none'}`
      : 'it could not be read';
    const failedRead = lastError ? `; the last read failed: ${adminMessage(lastError)}` : '';
    throw new LinkStepError(
      'verify-timeout',
      `Entra ID did not report the cloud user as synced with onPremisesImmutableId ${this.expected} within ` +
        `${Math.round(this.deps.verifyTimeoutMs / 1000)} s (${seen})${failedRead}.`,
    );
  }

  /** Resume is owed when a pause may have taken effect and no resume has succeeded yet. */
  private mustResume(): boolean {
    return this.pause === 'tried' && !this.resumed && !this.cleanupResumeTried;
  }

  /**
   * Resumes the scheduler after a failure (resume is idempotent, so also after a pause whose
   * outcome is unknown). Never throws; returns a note for the admin when the scheduler may still
   * be paused.
   */
  private async resumeAfterFailure(): Promise<string | null> {
    this.cleanupResumeTried = true;
    let startedAt = this.deps.now().toISOString();
    await this.quietly('recording the resume step', async () => {
      startedAt = await this.journal.started('resume');
    });
    try {
      const result = await this.resumeScheduler();
      await this.quietly('recording the resume step', () =>
        this.journal.ended('resume', startedAt, 'done', result.message),
      );
      return null;
    } catch (error) {
      this.journal.logger.error({ err: error }, 'resuming the scheduler after a failed link failed');
      const message = adminMessage(error);
      await this.quietly('recording the resume step', () =>
        this.journal.ended('resume', startedAt, 'failed', message),
      );
      if (error instanceof LinkStepError) return `${message} ${stillPausedInstruction(this.server())}`;
      const lease = await this.leaseExpiry(error);
      return (
        `The scheduler could not be resumed (${message}): the relay's pause lease resumes it by itself ` +
        `${lease ? `at ${formatTime(lease)}` : 'when the lease runs out'}, or run Set-ADSyncScheduler -SyncCycleEnabled $true ` +
        'on the Entra Connect server now.'
      );
    }
  }

  /** When the relay's pause lease runs out, as the freshest report knows it. */
  private async leaseExpiry(error: unknown): Promise<string | null> {
    const fromResult = error instanceof RelayError ? error.result?.scheduler.pauseLeaseExpiresAt : null;
    if (fromResult) return fromResult;
    let fromHeartbeat: string | null | undefined;
    await this.quietly('reading the relay heartbeat', async () => {
      fromHeartbeat = (await this.deps.relay?.lastHeartbeat())?.poll?.scheduler.pauseLeaseExpiresAt;
    });
    return fromHeartbeat ?? this.scheduler?.pauseLeaseExpiresAt ?? null;
  }

  /**
   * After a failure: where the cloud user's value stands. A value this run wrote is cleared again
   * (rollback) unless a sync cycle already took the user over with it; a value someone else set is
   * left alone.
   */
  private async settleValue(): Promise<ValueOutcome> {
    const before = this.before ?? this.request.immutableIdBefore;
    if (this.write === 'not-sent' || this.write === 'refused') {
      return { linked: false, immutableIdAfter: before, note: null };
    }
    let user: CloudUserDetail;
    try {
      user = await this.deps.cloud.getUser(this.cloudId);
    } catch (error) {
      const message = `Anchor could not read the cloud user to roll back: ${adminMessage(error)}`;
      await this.recordRollback('failed', message);
      return { linked: false, immutableIdAfter: this.expected, note: `${message}. ${this.valueLeftSet()}` };
    }
    if (this.isLinked(user)) return this.linkedAfterAll();
    if (user.onPremisesImmutableId === null) return { linked: false, immutableIdAfter: null, note: null };
    if (user.onPremisesImmutableId !== this.expected) {
      const note = `Cloud user ${this.cloudId} now holds onPremisesImmutableId ${user.onPremisesImmutableId}, which Anchor did not write; Anchor left it as it is.`;
      return { linked: false, immutableIdAfter: user.onPremisesImmutableId, note };
    }
    return this.rollback();
  }

  /** Clears the value this run wrote, so a failed run changes nothing. */
  private async rollback(): Promise<ValueOutcome> {
    let startedAt = this.deps.now().toISOString();
    await this.quietly('recording the rollback step', async () => {
      startedAt = await this.journal.started('rollback');
    });
    try {
      await this.deps.cloud.clearImmutableId(this.cloudId);
    } catch (error) {
      this.journal.logger.error({ err: error }, 'clearing the ImmutableId after a failed link failed');
      // Graph refuses to change a user a sync cycle has just taken over: that is the link itself.
      const now = await this.deps.cloud.getUser(this.cloudId).catch(() => undefined);
      if (now && this.isLinked(now)) {
        await this.recordRollback(
          'skipped',
          'not needed: a sync cycle took the user over meanwhile',
          startedAt,
        );
        return this.linkedAfterAll();
      }
      const message = `clearing onPremisesImmutableId ${this.expected} failed: ${adminMessage(error)}`;
      await this.recordRollback('failed', message, startedAt);
      return {
        linked: false,
        immutableIdAfter: this.expected,
        note: `Anchor could not clear the value it wrote (${adminMessage(error)}). ${this.valueLeftSet()}`,
      };
    }
    await this.recordRollback('done', `onPremisesImmutableId cleared again (back to none)`, startedAt, {
      immutableIdBefore: this.expected,
      immutableIdAfter: null,
    });
    return { linked: false, immutableIdAfter: null, note: null };
  }

  private async recordRollback(
    state: 'done' | 'failed' | 'skipped',
    detail: string,
    startedAt?: string,
    values: Omit<StepOutcome, 'detail'> = {},
  ): Promise<void> {
    await this.quietly('recording the rollback step', async () => {
      const at = startedAt ?? (await this.journal.started('rollback'));
      await this.journal.ended('rollback', at, state, detail, values);
    });
  }

  /** A failed step turned out linked: a sync cycle took the user over with the approved value. */
  private async linkedAfterAll(): Promise<ValueOutcome> {
    await this.quietly('recording the verify step', async () => {
      const at = await this.journal.started('verify');
      await this.journal.ended(
        'verify',
        at,
        'done',
        `Entra ID reports the cloud user synced with onPremisesImmutableId ${this.expected} after all (a sync cycle completed the link)`,
        { immutableIdAfter: this.expected },
      );
    });
    return { linked: true, immutableIdAfter: this.expected, note: null };
  }

  private valueLeftSet(): string {
    return (
      `onPremisesImmutableId ${this.expected} may still be set on cloud user ${this.cloudId}: the next ` +
      'sync cycle would then hard-match the AD user onto it (the link that was approved, unverified). To ' +
      'undo it instead, clear it before that cycle: PATCH /users/{id} with {"onPremisesImmutableId": null}.'
    );
  }

  private finishLinked(): Promise<LinkRequest> {
    const { preflight } = this.request;
    const outcome = {
      state: 'linked' as const,
      failure: null,
      immutableIdAfter: this.expected,
      immutableIdBefore: this.before,
    };
    if (this.deps.mode === 'set-anchor') {
      return this.journal.finished(
        outcome,
        `onPremisesImmutableId of ${preflight.cloud.userPrincipalName} set to ${this.expected} and the ` +
          'scheduler resumed; the sync matches it once the AD user is back in scope.',
      );
    }
    return this.journal.finished(
      outcome,
      `Linked AD user ${preflight.ad.sAMAccountName} to cloud user ${preflight.cloud.userPrincipalName} ` +
        `(onPremisesImmutableId ${this.expected}).`,
    );
  }

  private isLinked(user: CloudUserDetail): boolean {
    return user.onPremisesSyncEnabled === true && user.onPremisesImmutableId === this.expected;
  }

  private async relayRun(operation: RelayOperation): Promise<JobResult> {
    const relay = this.deps.relay;
    if (!relay) throw new LinkStepError('no-relay', `No relay is configured to ${operation} the scheduler.`);
    let result: JobResult;
    try {
      result = await relay.run(operation, { requestId: this.request.id });
    } catch (error) {
      this.enabled = error instanceof RelayError ? (error.result?.scheduler.syncCycleEnabled ?? null) : null;
      throw error;
    }
    this.scheduler = result.scheduler;
    this.enabled = result.scheduler.syncCycleEnabled;
    return result;
  }

  /** The sync server as admins know it: the relay's id. */
  private server(): string {
    return this.deps.relay?.relayId ?? 'the Entra Connect server';
  }

  private adviceContext() {
    return {
      cloudUserId: this.cloudId,
      immutableId: this.expected,
      correlationId: this.request.correlationId,
      server: this.server(),
    };
  }

  private logFailure(error: unknown): void {
    if (error instanceof AdminFacingError) return;
    this.journal.logger.error({ err: error, step: this.current }, 'link run hit an unexpected error');
  }

  /** Runs bookkeeping that must not stop the clean-up: a failure is logged and swallowed. */
  private async quietly(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.journal.logger.error({ err }, `${what} failed`);
    }
  }
}

/**
 * The resume did not take: the relay's read-back shows the scheduler paused, or could not read it.
 * `relayMessage` is the relay's own account when it reported a failure (its headline and
 * instruction, which Anchor says itself, are left out).
 */
function stillPaused(result: JobResult, relayMessage: string | null): LinkStepError {
  const server = result.relayId;
  const detail = relayMessage
    ?.replace(`${stillPausedMessage(server)}: `, '')
    .replace(` ${stillPausedInstruction(server)}`, '')
    .replace(/\.$/, '');
  if (result.scheduler.syncCycleEnabled === false) {
    const how = detail
      ? `the relay: ${detail}`
      : 'the relay reported the resume done, but Get-ADSyncScheduler shows SyncCycleEnabled False';
    return new LinkStepError(
      'scheduler-still-paused',
      `${capitalized(stillPausedMessage(server))} (${how}).`,
    );
  }
  const how = detail
    ? `the relay: ${detail}`
    : 'the relay reported the resume done but could not read the scheduler back';
  return new LinkStepError(
    'scheduler-still-paused',
    `The sync scheduler may still be paused on ${server} (${how}).`,
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
