import sinon from 'sinon';
import type { CloudUserDetail } from '../../../../../src/services/entra/cloud-user';
import { RelayError } from '../../../../../src/services/relay/relay-client';
import type { RunOptions } from '../../../../../src/services/relay/relay-client';
import type {
  JobResult,
  RelayOperation,
  SchedulerState,
} from '../../../../../src/shared/relay-protocol/messages';
import { APES_IMMUTABLE_ID, apesCloudUser } from '../../../../support/link-fixtures';
import { jobResult, schedulerState } from '../../../../support/relay-messages';

/* The link run's fakes of Entra ID and the relay, shared by the workflow's tests and the twin fix's. */

export const LEASE = '2026-11-25T10:30:00.000Z';

/** A link run's waits, short enough for unit tests: verify, and the wait for a running cycle. */
export const FAST_RUN_TIMING = {
  verifyTimeoutMs: 50,
  verifyIntervalMs: 5,
  cycleWaitMs: 200,
  cycleCheckIntervalMs: 5,
} as const;
/** {@link LEASE} as step details and advice write it. */
export const LEASE_TEXT = '2026-11-25 10:30:00 UTC';

/** Entra ID as the workflow sees it: one user whose value PATCH sets and clears. */
export class FakeCloud {
  user: CloudUserDetail = apesCloudUser();
  readonly getUser = sinon
    .stub<[string], Promise<CloudUserDetail>>()
    .callsFake(async () => ({ ...this.user }));
  readonly setImmutableId = sinon.stub<[string, string], Promise<void>>().callsFake(async (_id, value) => {
    this.user.onPremisesImmutableId = value;
  });
  readonly clearImmutableId = sinon.stub<[string], Promise<void>>().callsFake(async () => {
    this.user.onPremisesImmutableId = null;
  });

  /** What a sync cycle exporting apes does: a cloud user holding his anchor becomes his. */
  syncCycle(): void {
    if (this.user.onPremisesImmutableId === APES_IMMUTABLE_ID) this.user.onPremisesSyncEnabled = true;
  }
}

/**
 * The relay as the workflow sees it: each operation succeeds unless told to fail, and reports the
 * scheduler as a real sync server would (paused after a pause, enabled after a resume), unless
 * `reads` says otherwise for an operation (one entry per call, the last one repeating).
 */
export class FakeRelay {
  readonly relayId = 'aadc01';
  readonly failures: Partial<Record<RelayOperation, RelayError>> = {};
  readonly reads: Partial<Record<RelayOperation, Partial<SchedulerState>[]>> = {};
  /** Whether a delta's cycle exports to the fake cloud. */
  deltaSyncs = true;
  readonly run = sinon.stub<[RelayOperation, RunOptions?], Promise<JobResult>>();
  readonly lastHeartbeat = sinon.stub().resolves(null);
  private paused = false;

  constructor(cloud: FakeCloud) {
    this.run.callsFake(async (operation) => {
      const failure = this.failures[operation];
      if (failure) throw failure;
      if (operation === 'delta' && this.deltaSyncs) cloud.syncCycle();
      if (operation === 'pause') this.paused = true;
      if (operation === 'resume') this.paused = false;
      const queued = this.reads[operation];
      const read = queued && queued.length > 1 ? queued.shift() : queued?.[0];
      return jobResult(`job-${operation}`, 'aadc01', {
        message: `the scheduler was ${operation}d`,
        scheduler: schedulerState({
          syncCycleEnabled: !this.paused,
          pauseLeaseExpiresAt: this.paused ? LEASE : null,
          ...read,
        }),
      });
    });
  }

  operations(): RelayOperation[] {
    return this.run.args.map((a) => a[0]);
  }
}

/** A relay failure as RelayClient reports it, with the relay's result when it ran. */
export function relayError(
  kind: RelayError['kind'],
  message: string,
  result: Partial<JobResult> | null = null,
) {
  return new RelayError(kind, message, 'job-x', result ? jobResult('job-x', 'aadc01', result) : null);
}
