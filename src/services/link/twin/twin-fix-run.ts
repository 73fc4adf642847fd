import { AdminFacingError, adminMessage } from '../../../shared/admin-facing-error';
import type { Logger } from '../../../shared/logger';
import { sleep as realSleep } from '../../../shared/sleep';
import type { DirectoryService } from '../../../shared/directory/ad-directory';
import type { AuditAction, AuditLog } from '../../audit/audit-log';
import type { CloudDirectory, TwinCleanupDirectory } from '../../entra/cloud-directory';
import type { CloudUserDetail } from '../../entra/cloud-user';
import { UserNotFoundError } from '../../entra/graph-errors';
import type { RelayClient } from '../../relay/relay-client';
import { ANCHOR_ACTOR } from '../link-request';
import type { LinkFailure, LinkRequest, TwinFixRecord } from '../link-request';
import type { LinkRequestStore } from '../request-store';
import type { LinkRunDeps } from '../run/link-run';
import type { TwinFixError } from './twin-advice';
import type { TwinCloud, TwinDirectory, TwinFixTiming, TwinLinkResult, TwinRelay } from './twin-fix';
import { TwinFix } from './twin-fix';
import type { TwinJournalEntry } from './twin-journal';
import { SetAnchorRunner } from './twin-link-runner';
import { TWIN_STEPS } from './twin-steps';

/** A running request that carries a twin fix. */
export type RunningTwinFix = LinkRequest & { twinFix: TwinFixRecord };

/** What running a twin fix takes: the request store and audit, and the services the steps use. */
export interface TwinFixRunOptions {
  requests: LinkRequestStore;
  audit: AuditLog;
  logger: Logger;
  onChange?: (request: LinkRequest) => Promise<void> | void;
  now: () => Date;
  cloud: CloudDirectory;
  cleanup: Pick<TwinCleanupDirectory, 'getDeletedUser' | 'hardDeleteDeletedUser'>;
  directory: Pick<DirectoryService, 'find'>;
  relay: RelayClient | null;
  /** What step 4's link run needs (its mode and re-check judgement are the fix's own). */
  linkRun: Omit<LinkRunDeps, 'mode' | 'recheckProblems'>;
  timing?: Partial<TwinFixTiming>;
  sleep?: (ms: number) => Promise<void>;
}

/** The relay is missing or did not run a delta: the step cannot go on. */
class TwinRelayError extends AdminFacingError {}

/**
 * Runs (or resumes) one approved synced-twin fix: {@link TwinFix} over the real services, each
 * step stored on the request's journal, audited and shown on its card, and the request ended
 * linked or failed with the next safe action. The caller holds the run's lease meanwhile.
 */
export class TwinFixRun {
  private latest: RunningTwinFix;
  private readonly log: Logger;
  /** Step 4's last result, for the scheduler state a failure leaves. */
  private lastLink: TwinLinkResult | null = null;

  constructor(
    private readonly options: TwinFixRunOptions,
    request: RunningTwinFix,
  ) {
    this.latest = request;
    this.log = options.logger.child({ correlationId: request.correlationId, requestId: request.id });
  }

  /**
   * Runs the fix from its journal and ends the request.
   * @param recovering The request was taken over from an instance that stopped: a step 4 it left
   *   unfinished may have paused the scheduler, so a resume (idempotent) is sent first.
   */
  async run(recovering = false): Promise<LinkRequest> {
    const { plan, journal } = this.latest.twinFix;
    const last = journal.at(-1);
    if (recovering && last?.step === 'link' && last.state !== 'done' && last.state !== 'failed') {
      await this.resumeLeftPaused();
    }
    let outcome: Awaited<ReturnType<TwinFix['run']>>;
    try {
      outcome = await new TwinFix(this.deps()).run(plan, journal);
    } catch (err) {
      // TwinFix turns every step's error into a stop; only a fault in Anchor itself lands here.
      this.log.error({ err }, 'the twin fix hit an unexpected error');
      return this.end('failed', {
        step: this.latest.twinFix.journal.at(-1)?.step ?? TWIN_STEPS[0],
        message: `The fix stopped on an unexpected error: ${adminMessage(err)}`,
        advice: 'Look at every object in AD and the Entra admin center before moving anything.',
      });
    }
    if (outcome.state === 'done') return this.end('linked', null);
    return this.end('failed', this.failureOf(outcome.error));
  }

  private deps() {
    const { options } = this;
    return {
      directory: this.directory(),
      relay: this.relay(),
      cloud: this.cloud(),
      linkRun: {
        setAnchor: async (plan: RunningTwinFix['twinFix']['plan']) => {
          const runner = new SetAnchorRunner({
            requestId: this.latest.id,
            requests: options.requests,
            journal: {
              audit: options.audit,
              logger: options.logger,
              onChange: options.onChange,
              now: options.now,
            },
            run: options.linkRun,
          });
          this.lastLink = await runner.setAnchor(plan);
          return this.lastLink;
        },
      },
      clock: { now: options.now },
      sleep: options.sleep ?? realSleep,
      journal: (entry: TwinJournalEntry) => this.record(entry),
      ...(options.timing ? { timing: options.timing } : {}),
    };
  }

  private directory(): TwinDirectory {
    return {
      readDn: async (objectGuid) => {
        const { users } = await this.options.directory.find('objectGuid', objectGuid);
        // objectGUID is unique; two answers would mean a directory Anchor must not act on.
        if (users.length > 1) throw new Error(`${users.length} AD users have objectGUID ${objectGuid}`);
        return users[0]?.dn ?? null;
      },
    };
  }

  private relay(): TwinRelay {
    return {
      delta: async () => {
        const relay = this.options.relay;
        if (!relay) throw new TwinRelayError('No relay is configured, so Anchor cannot run a delta sync.');
        const result = await relay.run('delta', { requestId: this.latest.id });
        if (result.outcome !== 'done') {
          throw new TwinRelayError(`The delta sync on ${result.relayId} did not run: ${result.message}`);
        }
      },
    };
  }

  private cloud(): TwinCloud {
    const { cloud, cleanup } = this.options;
    return {
      getUser: async (id): Promise<CloudUserDetail | null> => {
        try {
          return await cloud.getUser(id);
        } catch (err) {
          if (err instanceof UserNotFoundError) return null;
          throw err;
        }
      },
      getDeletedUser: (id) => cleanup.getDeletedUser(id),
      hardDeleteDeletedUser: (id) => cleanup.hardDeleteDeletedUser(id),
      findHolders: (immutableId) => cloud.findImmutableIdHolders(immutableId),
    };
  }

  /** Stores a step on the request, audits it (and the permanent delete), and updates the card. */
  private async record(entry: TwinJournalEntry): Promise<void> {
    this.latest = (await this.options.requests.recordTwinStep(this.latest.id, entry)) as RunningTwinFix;
    const step = `${TWIN_STEPS.indexOf(entry.step) + 1} (${entry.step})`;
    this.log.info({ step: entry.step, state: entry.state }, `twin fix step ${entry.step} ${entry.state}`);
    await this.audit('twin.step', `step ${step} ${entry.state}: ${entry.detail}`);
    if (entry.step === 'hard-delete' && entry.state === 'done' && entry.deletedTwin) {
      const { id, userPrincipalName } = entry.deletedTwin;
      await this.audit(
        'twin.deleted',
        `permanently deleted the synced twin ${userPrincipalName} (${id}) from deleted items, as approved by ` +
          `${this.approver()}`,
      );
    }
    await this.notify();
  }

  private failureOf(error: TwinFixError): LinkFailure {
    const scheduler =
      error.step === 'link' && this.lastLink && !this.lastLink.ok ? this.lastLink.scheduler : undefined;
    return {
      step: error.step,
      message: error.message,
      advice: error.nextSafeAction,
      ...(scheduler ? { scheduler } : {}),
    };
  }

  private async end(state: 'linked' | 'failed', failure: LinkFailure | null): Promise<LinkRequest> {
    const { plan } = this.latest.twinFix;
    const original = this.latest.twinFix.journal.some((e) => e.step === 'link' && e.state === 'done');
    const finished = await this.options.requests.finish(this.latest.id, {
      state,
      failure,
      // On a stop after step 4, the original keeps the value (the next safe action says so).
      immutableIdAfter: state === 'linked' || original ? plan.ad.immutableId : this.latest.immutableIdBefore,
    });
    const twin = `${plan.twin.userPrincipalName} (${plan.twin.id})`;
    const approved = `approved by ${this.approver()}`;
    if (state === 'linked') {
      this.log.info('twin fix finished');
      await this.audit(
        'twin.fixed',
        `the synced twin ${twin} is deleted and ${plan.original.userPrincipalName} is hard-matched to ` +
          `${plan.ad.sAMAccountName} (onPremisesImmutableId ${plan.ad.immutableId}); ${approved}`,
      );
    } else {
      this.log.warn({ failure }, 'twin fix stopped');
      await this.audit(
        'twin.failed',
        `the fix of the synced twin ${twin} stopped: ${failure?.message ?? ''}; ${approved}; next: ${failure?.advice ?? ''}`,
      );
    }
    this.latest = finished as RunningTwinFix;
    await this.notify();
    return finished;
  }

  /** A stopped instance may have left step 4's pause behind: resume (idempotent), never fatal here. */
  private async resumeLeftPaused(): Promise<void> {
    const relay = this.options.relay;
    if (!relay) return;
    try {
      await relay.run('resume', { requestId: this.latest.id });
    } catch (err) {
      // Step 4 runs again and resumes at its end; the relay's pause lease is the last resort.
      this.log.error({ err }, 'resuming the scheduler a stopped twin fix may have left paused failed');
    }
  }

  private approver(): string {
    return this.latest.decision?.by.name ?? 'unknown';
  }

  private async audit(action: AuditAction, detail: string): Promise<void> {
    await this.options.audit.append({
      action,
      actor: ANCHOR_ACTOR,
      requestId: this.latest.id,
      correlationId: this.latest.correlationId,
      detail,
      cloudUserId: this.latest.twinFix.plan.original.id,
    });
  }

  private async notify(): Promise<void> {
    try {
      await this.options.onChange?.(this.latest);
    } catch (err) {
      this.log.warn({ err }, 'updating the progress of a twin fix failed; the fix goes on');
    }
  }
}
