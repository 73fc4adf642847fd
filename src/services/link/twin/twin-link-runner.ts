import type { LinkFailure, LinkRequest } from '../link-request';
import { isTwinFix } from '../link-request';
import type { LinkRequestStore } from '../request-store';
import { LinkJournal } from '../run/journal';
import type { LinkJournalOptions } from '../run/journal';
import { LinkRun } from '../run/link-run';
import type { LinkRunDeps } from '../run/link-run';
import type { TwinLinkResult, TwinLinkRunner } from './twin-fix';
import type { TwinPlan } from './twin-plan';
import { twinRecheckProblems } from './twin-recheck';

/** How a set-anchor run ended, as its journal kept it. */
interface RunOutcome {
  state: 'linked' | 'failed';
  failure: LinkFailure | null;
  detail: string;
}

/**
 * The journal of step 4's link run: every step is recorded on the request and audited like a
 * link's, but the end is only kept — the request stays running, since the fix goes on with steps
 * 5 and 6 and TwinFix ends it.
 */
export class SetAnchorJournal extends LinkJournal {
  /** The run's end, once it ended. */
  outcome: RunOutcome | null = null;

  override finished(
    outcome: Parameters<LinkRequestStore['finish']>[1],
    detail: string,
  ): Promise<LinkRequest> {
    this.outcome = { state: outcome.state, failure: outcome.failure, detail };
    this.logger.info({ outcome: outcome.state, failure: outcome.failure }, 'set-anchor run ended');
    return Promise.resolve(this.request);
  }
}

/** What step 4 runs on. */
export interface SetAnchorRunnerOptions {
  requestId: string;
  requests: LinkRequestStore;
  journal: Omit<LinkJournalOptions, 'requests'>;
  run: Omit<LinkRunDeps, 'mode' | 'recheckProblems'>;
}

/**
 * Step 4 of a synced-twin fix as a link run in `set-anchor` mode: pause, wait for no cycle,
 * re-check (expecting the AD user parked and the twin gone: {@link twinRecheckProblems}), PATCH,
 * resume. A failure resumes the scheduler and clears a value it wrote, as for a link.
 */
export class SetAnchorRunner implements TwinLinkRunner {
  constructor(private readonly options: SetAnchorRunnerOptions) {}

  async setAnchor(plan: TwinPlan): Promise<TwinLinkResult> {
    const { requests, requestId } = this.options;
    const request = await requests.get(requestId);
    if (!request || !isTwinFix(request) || request.state !== 'running') {
      return refused(`request ${requestId} is not a running synced-twin fix`);
    }
    if (
      request.twinFix.plan.original.id !== plan.original.id ||
      request.preflight.immutableId !== plan.ad.immutableId
    ) {
      return refused('the plan given is not the plan this request approved');
    }
    const journal = new SetAnchorJournal({ ...this.options.journal, requests }, request);
    await new LinkRun(
      {
        ...this.options.run,
        mode: 'set-anchor',
        recheckProblems: (r, report) =>
          isTwinFix(r) ? twinRecheckProblems(r, report) : ['the request carries no synced-twin fix'],
      },
      journal,
    ).execute();
    const outcome = journal.outcome;
    if (!outcome) return refused('the link run ended without an outcome');
    if (outcome.state === 'linked') return { ok: true, detail: outcome.detail };
    return {
      ok: false,
      message: outcome.failure?.message ?? outcome.detail,
      advice: outcome.failure?.advice ?? '',
      ...(outcome.failure?.scheduler ? { scheduler: outcome.failure.scheduler } : {}),
    };
  }
}

/** Nothing was run: Anchor refused before the pause. */
function refused(message: string): TwinLinkResult {
  return {
    ok: false,
    message: `Anchor ran nothing: ${message}.`,
    advice: 'Look at the request before resuming.',
  };
}
