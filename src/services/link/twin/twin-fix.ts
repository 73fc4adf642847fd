import { adminMessage } from '../../../shared/admin-facing-error';
import type { CloudUserDetail, DeletedCloudUser, ImmutableIdHolders } from '../../entra/cloud-user';
import { inSyncScope } from './parking-ou';
import type { TwinObjectStates } from './twin-advice';
import { nextSafeAction, statesBefore, TwinFixError } from './twin-advice';
import type { TwinJournalEntry } from './twin-journal';
import { resumePoint } from './twin-journal';
import type { TwinPlan } from './twin-plan';
import type { TwinObservation, TwinProblem, TwinStepName, Verification } from './twin-steps';
import {
  TWIN_STEPS,
  verifyHardDeleted,
  verifyHardMatched,
  verifyLinked,
  verifyOriginalUnchanged,
  verifyParked,
  verifyReturned,
  verifySoftDeleted,
  verifyStillParked,
} from './twin-steps';

/** Read access to AD: the DN of the user with this objectGUID, null when none has it. */
export interface TwinDirectory {
  readDn(objectGuid: string): Promise<string | null>;
}

/** The relay: start a delta sync cycle (resolves once the relay has started it). */
export interface TwinRelay {
  delta(): Promise<void>;
}

/** What the fix needs from Graph (the lead wires it to CloudDirectory). */
export interface TwinCloud {
  /** The live user, null when Graph answers 404. */
  getUser(id: string): Promise<CloudUserDetail | null>;
  /** The user in Deleted users, null when it is not there. */
  getDeletedUser(id: string): Promise<DeletedCloudUser | null>;
  /** DELETE /directory/deletedItems/{id}: the permanent delete. */
  hardDeleteDeletedUser(id: string): Promise<void>;
  /** Live and deleted holders of an ImmutableId. */
  findHolders(immutableId: string): Promise<ImmutableIdHolders>;
}

/** How the link run of step 4 ended. */
export type TwinLinkResult =
  | { ok: true; detail: string }
  | {
      ok: false;
      message: string;
      /** The run's own advice (run/advice.ts). */
      advice: string;
      /** The scheduler as the run left it. */
      scheduler?: 'enabled' | 'paused' | 'unknown';
    };

/**
 * Step 4 as the lead wires it to LinkWorkflow/LinkRun: pause, wait for no cycle, re-check, PATCH,
 * resume — and stop there. The run's usual delta and verify belong to step 6 here, after the AD user
 * is back in scope; and its re-check must expect the AD user outside the scope and the twin gone
 * (the normal preflight would fail `ad-user-ready`). It must be idempotent per fix: LinkWorkflow
 * takes the run exactly once and recovers a run a stopped instance left behind.
 */
export interface TwinLinkRunner {
  setAnchor(plan: TwinPlan): Promise<TwinLinkResult>;
}

/** How long each kind of step may wait, and how often it looks. */
export interface TwinFixTiming {
  /** Steps 1 and 5, the admin's moves. Default 2 h. */
  adminWaitMs: number;
  /** Steps 2 and 6, a delta cycle and Graph catching up. Default 30 min. */
  syncWaitMs: number;
  /** Step 3, Deleted users no longer listing the twin. Default 5 min. */
  deleteWaitMs: number;
  /** Between two looks. Default 30 s. */
  pollMs: number;
}

/** Defaults of {@link TwinFixTiming}. */
export const DEFAULT_TWIN_FIX_TIMING: TwinFixTiming = {
  adminWaitMs: 2 * 3600_000,
  syncWaitMs: 30 * 60_000,
  deleteWaitMs: 5 * 60_000,
  pollMs: 30_000,
};

/** What the executor runs on. */
export interface TwinFixDeps {
  directory: TwinDirectory;
  relay: TwinRelay;
  cloud: TwinCloud;
  linkRun: TwinLinkRunner;
  clock: { now(): Date };
  sleep(ms: number): Promise<void>;
  /** Called for every change of a step; the lead stores it on the request, audits it and updates the card. */
  journal(entry: TwinJournalEntry): Promise<void>;
  timing?: Partial<TwinFixTiming>;
}

/** How a fix ended (this time). */
export type TwinFixOutcome = { state: 'done' } | { state: 'stopped'; error: TwinFixError };

interface StepResult {
  verification: Verification;
  deletedTwin?: TwinJournalEntry['deletedTwin'];
  /** Extra words for the next safe action (the link run's advice). */
  advice?: string;
}

/**
 * Runs an approved twin fix step by step, each verified before the next, and journals every step.
 * It goes on from the journal's last entry, so an instance that took over after a restart calls
 * {@link TwinFix.run} with the journal and the fix continues where it was.
 */
export class TwinFix {
  private readonly timing: TwinFixTiming;

  constructor(private readonly deps: TwinFixDeps) {
    this.timing = { ...DEFAULT_TWIN_FIX_TIMING, ...deps.timing };
  }

  /**
   * Runs the fix from where `history` left it.
   * @param options.retryFailed Run a failed step again (an admin chose to resume after fixing the cause).
   */
  async run(
    plan: TwinPlan,
    history: readonly TwinJournalEntry[],
    options: { retryFailed?: boolean } = {},
  ): Promise<TwinFixOutcome> {
    const point = resumePoint(history, options.retryFailed);
    if (point.kind === 'finished') return { state: 'done' };
    if (point.kind === 'stopped') return { state: 'stopped', error: errorFrom(point.entry) };
    for (const step of TWIN_STEPS.slice(TWIN_STEPS.indexOf(point.step))) {
      const startedAt = (step === point.step ? point.startedAt : null) ?? this.now();
      await this.record({ step, state: 'running', startedAt, at: this.now(), detail: 'started' });
      let result: StepResult;
      try {
        result = await this.runStep(step, plan, startedAt);
      } catch (err) {
        result = { verification: { state: 'stop', problem: 'service-failed', detail: adminMessage(err) } };
      }
      const v = result.verification;
      if (v.state !== 'done') {
        const problem = v.state === 'stop' ? v.problem : 'wait-timeout';
        const error = await this.fail(step, plan, startedAt, problem, v.detail, result.advice);
        return { state: 'stopped', error };
      }
      await this.record({
        step,
        state: 'done',
        startedAt,
        at: this.now(),
        detail: v.detail,
        ...(result.deletedTwin ? { deletedTwin: result.deletedTwin } : {}),
      });
    }
    return { state: 'done' };
  }

  private async runStep(step: TwinStepName, plan: TwinPlan, startedAt: string): Promise<StepResult> {
    const { directory, cloud } = this.deps;
    switch (step) {
      case 'park':
        if (!plan.parking) {
          return {
            verification: stop('no-parking-ou', plan.parkingProblem ?? 'the plan names no parking OU'),
          };
        }
        return {
          verification: await this.waitFor(step, startedAt, this.timing.adminWaitMs, async () =>
            verifyParked(await directory.readDn(plan.ad.objectGuid), plan),
          ),
        };
      case 'soft-delete':
        return { verification: await this.syncAndWait(step, startedAt, () => this.softDeleted(plan)) };
      case 'hard-delete':
        return this.hardDelete(plan, startedAt);
      case 'link':
        return this.link(plan);
      case 'return':
        return {
          verification: await this.waitFor(step, startedAt, this.timing.adminWaitMs, async () =>
            verifyReturned(await directory.readDn(plan.ad.objectGuid), plan),
          ),
        };
      case 'hard-match':
        return {
          verification: await this.syncAndWait(step, startedAt, async () =>
            verifyHardMatched(
              await cloud.getUser(plan.original.id),
              await cloud.findHolders(plan.ad.immutableId),
              plan,
            ),
          ),
        };
    }
  }

  /**
   * Looks first (a resumed step may already be done), starts a delta cycle only when needed, then
   * waits for the result.
   */
  private async syncAndWait(
    step: TwinStepName,
    startedAt: string,
    look: () => Promise<Verification>,
  ): Promise<Verification> {
    const first = await look();
    if (first.state !== 'waiting') return first;
    await this.deps.relay.delta();
    return this.waitFor(step, startedAt, this.timing.syncWaitMs, look);
  }

  /**
   * Step 3. The permanent delete is the one step nothing undoes, so right before it Anchor
   * confirms again that the sync soft-deleted exactly the named twin, that the original is still
   * as approved and that the AD user is still parked; a resumed step whose delete already went
   * through finds the twin gone.
   */
  private async hardDelete(plan: TwinPlan, startedAt: string): Promise<StepResult> {
    const deletedTwin = { id: plan.twin.id, userPrincipalName: plan.twin.userPrincipalName };
    const observation = await this.observeTwin(plan);
    const already = verifyHardDeleted(observation, plan);
    if (already.state === 'done') return { verification: already, deletedTwin };
    const soft = verifySoftDeleted(observation, plan);
    if (soft.state !== 'done') {
      return {
        verification:
          soft.state === 'waiting'
            ? stop('twin-restored', `${plan.twin.userPrincipalName} is live again; Anchor deleted nothing`)
            : soft,
      };
    }
    const original = verifyOriginalUnchanged(await this.deps.cloud.getUser(plan.original.id), plan);
    if (original.state !== 'done') return { verification: original };
    const parked = verifyStillParked(await this.deps.directory.readDn(plan.ad.objectGuid), plan);
    if (parked.state !== 'done') return { verification: parked };
    try {
      await this.deps.cloud.hardDeleteDeletedUser(plan.twin.id);
    } catch (err) {
      return { verification: stop('delete-failed', `the permanent delete failed: ${adminMessage(err)}`) };
    }
    const gone = await this.waitFor('hard-delete', startedAt, this.timing.deleteWaitMs, () =>
      this.observeTwin(plan).then((o) => verifyHardDeleted(o, plan)),
    );
    return { verification: gone, deletedTwin };
  }

  /** Step 4: the normal link run, unless a run before a restart already set the value. */
  private async link(plan: TwinPlan): Promise<StepResult> {
    const before = await this.deps.cloud.getUser(plan.original.id);
    const already = verifyLinked(before, plan);
    if (already.state === 'done') return { verification: already };
    const unchanged = verifyOriginalUnchanged(before, plan);
    if (unchanged.state !== 'done') return { verification: unchanged };
    const parked = verifyStillParked(await this.deps.directory.readDn(plan.ad.objectGuid), plan);
    if (parked.state !== 'done') return { verification: parked };
    const result = await this.deps.linkRun.setAnchor(plan);
    if (!result.ok) {
      return {
        verification: stop('link-failed', `the link run stopped: ${result.message}`),
        advice: result.advice,
      };
    }
    return { verification: verifyLinked(await this.deps.cloud.getUser(plan.original.id), plan) };
  }

  private async softDeleted(plan: TwinPlan): Promise<Verification> {
    return verifySoftDeleted(await this.observeTwin(plan), plan);
  }

  private async observeTwin(plan: TwinPlan): Promise<TwinObservation> {
    const { cloud } = this.deps;
    return {
      live: await cloud.getUser(plan.twin.id),
      deleted: await cloud.getDeletedUser(plan.twin.id),
      holders: await cloud.findHolders(plan.ad.immutableId),
    };
  }

  /**
   * Looks until done, stopped or the bound (counted from the step's first start, so a restart
   * does not extend it) has passed; journals `waiting` whenever what it waits for reads differently.
   */
  private async waitFor(
    step: TwinStepName,
    startedAt: string,
    boundMs: number,
    look: () => Promise<Verification>,
  ): Promise<Verification> {
    const deadline = Date.parse(startedAt) + boundMs;
    let said = '';
    for (;;) {
      const v = await look();
      if (v.state !== 'waiting') return v;
      if (this.deps.clock.now().getTime() >= deadline) {
        return stop('wait-timeout', `gave up after ${minutes(boundMs)}: ${v.detail}`);
      }
      if (v.detail !== said) {
        said = v.detail;
        await this.record({ step, state: 'waiting', startedAt, at: this.now(), detail: v.detail });
      }
      await this.deps.sleep(this.timing.pollMs);
    }
  }

  private async fail(
    step: TwinStepName,
    plan: TwinPlan,
    startedAt: string,
    problem: TwinProblem,
    detail: string,
    advice: string | undefined,
  ): Promise<TwinFixError> {
    const states = await this.readStates(step, plan);
    const action = nextSafeAction(states, plan, problem) + (advice ? ` About the link run: ${advice}` : '');
    const message = `Step ${TWIN_STEPS.indexOf(step) + 1} (${step}) stopped: ${detail}`;
    await this.record({
      step,
      state: 'failed',
      startedAt,
      at: this.now(),
      detail: message,
      failure: { problem, states, nextSafeAction: action },
    });
    return new TwinFixError(step, problem, message, states, action);
  }

  /**
   * Where every object stands after a failure, read afresh rather than assumed, so the next safe
   * action matches what the admin will find (an admin may have moved the user meanwhile). A read
   * that fails leaves that object `unknown`, which the advice treats with care.
   */
  private async readStates(step: TwinStepName, plan: TwinPlan): Promise<TwinObjectStates> {
    const states = statesBefore(step, plan);
    const { directory, cloud } = this.deps;
    await attempt(
      async () => {
        const dn = await directory.readDn(plan.ad.objectGuid);
        states.adDn = dn;
        states.adUser = dn === null ? 'missing' : inSyncScope(dn, plan.syncScopeOus) ? 'in-scope' : 'parked';
      },
      () => (states.adUser = 'unknown'),
    );
    await attempt(
      async () => {
        const live = await cloud.getUser(plan.twin.id);
        const deleted = live ? null : await cloud.getDeletedUser(plan.twin.id);
        states.twin = live ? 'live' : deleted ? 'soft-deleted' : 'deleted-for-good';
      },
      () => (states.twin = 'unknown'),
    );
    await attempt(
      async () => {
        const original = await cloud.getUser(plan.original.id);
        states.original =
          original === null
            ? 'unknown'
            : original.onPremisesImmutableId !== plan.ad.immutableId
              ? 'unlinked'
              : original.onPremisesSyncEnabled === true
                ? 'linked'
                : 'anchor-set';
      },
      () => (states.original = 'unknown'),
    );
    return states;
  }

  private async record(entry: TwinJournalEntry): Promise<void> {
    await this.deps.journal(entry);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** The error a stopped journal entry describes, for a fix that is asked to run again without retry. */
function errorFrom(entry: TwinJournalEntry): TwinFixError {
  const failure = entry.failure;
  return new TwinFixError(
    entry.step,
    failure?.problem ?? 'service-failed',
    entry.detail,
    failure?.states ?? { adUser: 'unknown', adDn: null, twin: 'unknown', original: 'unknown' },
    failure?.nextSafeAction ??
      'Look at every object in AD and the Entra admin center before moving anything.',
  );
}

function stop(problem: TwinProblem, detail: string): Verification {
  return { state: 'stop', problem, detail };
}

async function attempt(read: () => Promise<void>, onError: () => void): Promise<void> {
  try {
    await read();
  } catch {
    onError();
  }
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 120 && m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}
