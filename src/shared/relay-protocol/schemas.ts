import { z } from 'zod';
import { RELAY_ID_PATTERN } from './messages';
import type { JobResult, PollRequest, RelayEvent, SchedulerState } from './messages';

/**
 * Shapes of what a relay may send the bot, checked after its signature: a body that does not
 * match is answered 400 and changes nothing. Strings are bounded so a relay cannot fill the store.
 */

const relayId = z.string().regex(RELAY_ID_PATTERN, 'must be a relay id');
const instant = z.iso.datetime({ offset: true });
const line = (max: number) => z.string().max(max);

/** {@link SchedulerState}. */
export const schedulerStateSchema: z.ZodType<SchedulerState> = z.object({
  syncCycleEnabled: z.boolean().nullable(),
  stagingModeEnabled: z.boolean().nullable(),
  cycleInProgress: z.boolean().nullable(),
  serviceState: line(64).nullable(),
  nextSyncCycleStartTimeInUTC: line(64).nullable(),
  pauseLeaseExpiresAt: instant.nullable(),
});

/** {@link PollRequest}. */
export const pollRequestSchema: z.ZodType<PollRequest> = z.object({
  relayId,
  version: line(64),
  ready: z.boolean(),
  problem: line(2000).nullable(),
  scheduler: schedulerStateSchema,
});

/** {@link JobResult}. */
export const jobResultSchema: z.ZodType<JobResult> = z.object({
  jobId: line(100).min(1),
  relayId,
  outcome: z.enum(['done', 'failed', 'refused']),
  message: line(4000),
  scheduler: schedulerStateSchema,
  startedAt: instant,
  finishedAt: instant,
});

/** {@link RelayEvent}. */
export const relayEventSchema: z.ZodType<RelayEvent> = z.object({
  relayId,
  kind: z.enum(['lease-resumed', 'refused-job']),
  at: instant,
  message: line(4000),
});
