import type { TwinObjectStates } from './twin-advice';
import type { TwinProblem, TwinStepName } from './twin-steps';
import { TWIN_STEPS } from './twin-steps';

/**
 * One line of a fix's journal. The lead's wiring stores each on the request (the card shows the
 * latest per step) and in the audit; the executor reads them back to resume after a restart.
 */
export interface TwinJournalEntry {
  step: TwinStepName;
  /** `waiting`: the step is running and waits (the card says for what, e.g. "waiting for you to move …"). */
  state: 'running' | 'waiting' | 'done' | 'failed';
  /** When the step started: a resumed step keeps it, so a restart never extends a bounded wait. */
  startedAt: string;
  at: string;
  detail: string;
  /** On `failed`. */
  failure?: { problem: TwinProblem; states: TwinObjectStates; nextSafeAction: string };
  /** On step 3's `done`: the object deleted for good, for history and the audit. */
  deletedTwin?: { id: string; userPrincipalName: string };
}

/** Where a fix goes on from, given its journal. */
export type ResumePoint =
  | { kind: 'step'; step: TwinStepName; startedAt: string | null }
  | { kind: 'finished' }
  | { kind: 'stopped'; entry: TwinJournalEntry };

/**
 * The step to run next. A step that was running or waiting when the instance stopped runs again
 * (every step first looks whether its result already holds, so running it twice is safe), keeping
 * its start time. A failed step stays stopped unless `retryFailed` (an admin chose to resume).
 */
export function resumePoint(history: readonly TwinJournalEntry[], retryFailed = false): ResumePoint {
  const last = history.at(-1);
  if (!last) return { kind: 'step', step: TWIN_STEPS[0], startedAt: null };
  if (last.state === 'failed') {
    return retryFailed
      ? { kind: 'step', step: last.step, startedAt: null }
      : { kind: 'stopped', entry: last };
  }
  if (last.state === 'done') {
    const next = TWIN_STEPS[TWIN_STEPS.indexOf(last.step) + 1];
    return next ? { kind: 'step', step: next, startedAt: null } : { kind: 'finished' };
  }
  return { kind: 'step', step: last.step, startedAt: last.startedAt };
}
