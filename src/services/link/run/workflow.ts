import type { Logger } from '../../../shared/logger';
import type { AuditLog } from '../../audit/audit-log';
import type { CloudDirectory, TwinCleanupDirectory } from '../../entra/cloud-directory';
import { LinkStepError } from './advice';
import { LinkJournal } from './journal';
import { ANCHOR_ACTOR, isTwinFix } from '../link-request';
import type { LinkRequest } from '../link-request';
import type { DirectoryService } from '../../../shared/directory/ad-directory';
import { TwinFixRun } from '../twin/twin-fix-run';
import type { RunningTwinFix } from '../twin/twin-fix-run';
import type { TwinFixTiming } from '../twin/twin-fix';
import { DEFAULT_RUN_LEASE_MS } from '../request-store';
import type { LinkRequestStore } from '../request-store';
import { LinkRun } from './link-run';
import type { PreflightReport } from '../preflight/report';
import type { RelayClient } from '../../relay/relay-client';
import { formatTime } from '../../../shared/time-text';

/** What the link workflow works with. */
export interface LinkWorkflowOptions {
  requests: LinkRequestStore;
  audit: AuditLog;
  cloud: CloudDirectory;
  /** Pauses, resumes and runs delta cycles on the sync server; null when no relay is configured. */
  relay: RelayClient | null;
  /** Runs the preflight checks again for the request's pair, just before the write. */
  recheck: (request: LinkRequest) => Promise<PreflightReport>;
  /** How long to wait for Entra ID to report the user synced after the delta cycle. */
  verifyTimeoutMs: number;
  /** How often Graph is read while waiting. */
  verifyIntervalMs: number;
  /** How long to wait after the pause for a sync cycle that was already running to end. */
  cycleWaitMs: number;
  /** How often the relay is asked whether that cycle still runs. */
  cycleCheckIntervalMs?: number;
  logger: Logger;
  /** Told after every change to the request (to update the progress card); its errors are ignored. */
  onChange?: (request: LinkRequest) => Promise<void> | void;
  /** This instance, as run owner; runs of other instances are only taken over when their lease ran out. */
  instanceId?: string;
  /** How long a run stays owned without renewal; renewed every third of it while the run goes on. */
  leaseMs?: number;
  now?: () => Date;
  /**
   * What a synced-twin fix needs besides the link run's services; without it, an approved fix ends
   * failed before any step (this instance cannot run one).
   */
  twin?: {
    cleanup: Pick<TwinCleanupDirectory, 'getDeletedUser' | 'hardDeleteDeletedUser'>;
    directory: Pick<DirectoryService, 'find'>;
    timing?: Partial<TwinFixTiming>;
    sleep?: (ms: number) => Promise<void>;
  };
}

/** An approved request not started within this time was approved by an instance that died. */
const UNSTARTED_AFTER_MS = 30_000;

/** How often the relay is asked whether a sync cycle still runs, unless the options say otherwise. */
export const DEFAULT_CYCLE_CHECK_INTERVAL_MS = 5000;

/**
 * Runs approved link requests: pause the Entra Connect scheduler (relay) → wait for a sync cycle
 * that was already running to end → re-check preflight →
 * set the cloud user's onPremisesImmutableId → resume → delta cycle → verify the user became
 * synced. Every step is recorded on the request and in the audit log. On any failure the
 * scheduler is resumed and a value the run wrote is cleared again, so a failed run leaves
 * nothing changed (see LinkRun). A run holds a lease while it goes on; when its instance dies,
 * another one takes it over with {@link recoverOrphans} and ends it cleanly. A request that
 * carries a synced-twin fix runs its six steps instead (TwinFixRun), step 4 being this run in
 * set-anchor mode; a taken-over fix goes on from its journal.
 */
export class LinkWorkflow {
  private readonly instanceId: string;
  private readonly leaseMs: number;

  constructor(private readonly options: LinkWorkflowOptions) {
    this.instanceId = options.instanceId ?? 'anchor';
    this.leaseMs = options.leaseMs ?? DEFAULT_RUN_LEASE_MS;
  }

  /**
   * Runs the request if it is approved and nobody started it yet (across instances, exactly
   * once). Expected failures (relay, Graph, a changed preflight) end the request `failed`; they
   * are not thrown.
   * @returns the finished request, or undefined when this call did not start it.
   */
  async run(requestId: string): Promise<LinkRequest | undefined> {
    const started = await this.options.requests.start(requestId, this.instanceId, this.leaseMs);
    if (!started) return undefined;
    if (isTwinFix(started)) return this.whileLeased(requestId, () => this.runTwin(started, false));
    const journal = this.journalFor(started);
    journal.logger.info(
      { cloudUserId: started.preflight.cloud.id, owner: this.instanceId },
      'link run started',
    );
    return this.whileLeased(requestId, () => new LinkRun(this.runDeps(), journal).execute());
  }

  /**
   * Ends the runs other instances left behind: a running request whose owner stopped renewing
   * its lease is taken over (by exactly one instance), the scheduler is resumed first, and the
   * request ends `linked` if Entra ID already shows the link, otherwise `failed` with any value
   * written cleared again. An approved request nobody started is started.
   * @returns the requests this call ended or started.
   */
  async recoverOrphans(): Promise<LinkRequest[]> {
    const { requests, logger } = this.options;
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const recovered: LinkRequest[] = [];
    for (const open of await requests.listOpen()) {
      if (open.state === 'approved' && now - Date.parse(open.decision?.at ?? '') > UNSTARTED_AFTER_MS) {
        const done = await this.run(open.id);
        if (done) recovered.push(done);
        continue;
      }
      if (!requests.isOrphaned(open)) continue;
      const claimed = await requests.claimOrphan(open.id, this.instanceId, this.leaseMs);
      if (!claimed?.run) continue;
      if (isTwinFix(claimed)) {
        // A fix goes on from its journal: every step first looks whether its result already holds.
        logger.warn(
          { requestId: claimed.id, correlationId: claimed.correlationId, lastLease: open.run?.leaseUntil },
          'taking over a synced-twin fix whose instance stopped',
        );
        recovered.push(await this.whileLeased(claimed.id, () => this.runTwin(claimed, true)));
        continue;
      }
      logger.warn(
        { requestId: claimed.id, correlationId: claimed.correlationId, lastLease: open.run?.leaseUntil },
        'taking over a link run whose instance stopped',
      );
      const step = claimed.run.steps.at(-1)?.name ?? 'pause';
      const error = new LinkStepError(
        'instance-stopped',
        `The Anchor instance running this link (${open.run?.owner ?? 'unknown'}) stopped during the ${step} ` +
          `step; its lease ran out at ${formatTime(open.run?.leaseUntil)}. Instance ${this.instanceId} took over.`,
      );
      const journal = this.journalFor(claimed);
      recovered.push(
        await this.whileLeased(claimed.id, () => new LinkRun(this.runDeps(), journal).recover(step, error)),
      );
    }
    return recovered;
  }

  /** Runs `work` while renewing this instance's lease on the request. */
  private async whileLeased<T>(requestId: string, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      this.options.requests
        .renew(requestId, this.instanceId, this.leaseMs)
        .catch((err: unknown) => this.options.logger.warn({ err, requestId }, 'renewing a run lease failed'));
    }, this.leaseMs / 3);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs (or, `recovering`, resumes from its journal) a synced-twin fix and ends the request. */
  private async runTwin(request: RunningTwinFix, recovering: boolean): Promise<LinkRequest> {
    const { requests, audit, logger, onChange, cloud, relay, twin } = this.options;
    const now = this.options.now ?? (() => new Date());
    if (!twin) {
      const message = 'This Anchor instance is not set up to run a synced-twin fix; nothing was changed.';
      const finished = await requests.finish(request.id, {
        state: 'failed',
        failure: {
          step: 'park',
          message,
          advice: 'Ask whoever runs Anchor to check its deployment, then plan the fix again.',
        },
        immutableIdAfter: request.immutableIdBefore,
      });
      await audit.append({
        action: 'twin.failed',
        actor: ANCHOR_ACTOR,
        requestId: request.id,
        correlationId: request.correlationId,
        detail: message,
        cloudUserId: request.preflight.cloud.id,
      });
      try {
        await onChange?.(finished);
      } catch (err) {
        logger.warn({ err, requestId: request.id }, 'updating the card of a twin fix failed');
      }
      return finished;
    }
    const run = new TwinFixRun(
      {
        requests,
        audit,
        logger,
        onChange,
        now,
        cloud,
        relay,
        cleanup: twin.cleanup,
        directory: twin.directory,
        linkRun: this.runDeps(),
        ...(twin.timing ? { timing: twin.timing } : {}),
        ...(twin.sleep ? { sleep: twin.sleep } : {}),
      },
      request,
    );
    return run.run(recovering);
  }

  private journalFor(request: LinkRequest): LinkJournal {
    const { requests, audit, logger, onChange } = this.options;
    const now = this.options.now ?? (() => new Date());
    return new LinkJournal({ requests, audit, logger, onChange, now }, request);
  }

  private runDeps() {
    const { cloud, relay, recheck, verifyTimeoutMs, verifyIntervalMs, cycleWaitMs } = this.options;
    return {
      cloud,
      relay,
      recheck,
      verifyTimeoutMs,
      verifyIntervalMs,
      cycleWaitMs,
      cycleCheckIntervalMs: this.options.cycleCheckIntervalMs ?? DEFAULT_CYCLE_CHECK_INTERVAL_MS,
      now: this.options.now ?? (() => new Date()),
    };
  }
}
