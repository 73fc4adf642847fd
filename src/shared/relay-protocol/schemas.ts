import { z } from 'zod';
import { isGuid } from '../guid';
import { directoryAnswerSchema } from './directory-schemas';
import { JOB_FAILURE_REASONS, MAX_POLL_WAIT_SECONDS, RELAY_ID_PATTERN } from './messages';
import type {
  JobResult,
  PollRequest,
  RelayEvent,
  SchedulerState,
  SyncEvent,
  SyncHealthFacts,
  SyncHealthProblem,
} from './messages';

/**
 * Shapes of what a relay may send the bot, checked after its signature and before anything is
 * read or stored: a body that does not match is answered 400 and changes nothing (keys it does not
 * know are dropped, so a newer relay still reports to an older bot). Ids have their
 * exact shape (a job id is the GUID the bot issued), short values are printable text, and every
 * string is bounded so a relay cannot fill the store.
 */

// C0 and C1 controls, and the characters that reorder text (embeddings, overrides, isolates).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const relayId = z.string().regex(RELAY_ID_PATTERN, 'must be a relay id');
const instant = z.iso.datetime({ offset: true });
/** The relay's version, as its package.json has it (`0.6.4`, `1.0.0-rc.1+build`). */
const version = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, 'must be a version');
/** A Windows service state: `Running`, `StopPending`, or the number PowerShell gave. */
const serviceState = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z _-]{0,63}$/, 'must be a service state');
/** A short value shown as is (a time as PowerShell printed it): printable, on one line. */
const value = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !UNPRINTABLE.test(s), 'must be printable text');
/** A message an admin reads (PowerShell's own words): any text but NUL, which ends strings elsewhere. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL');

/** {@link SchedulerState}. */
export const schedulerStateSchema: z.ZodType<SchedulerState> = z.object({
  syncCycleEnabled: z.boolean().nullable(),
  stagingModeEnabled: z.boolean().nullable(),
  cycleInProgress: z.boolean().nullable(),
  serviceState: serviceState.nullable(),
  nextSyncCycleStartTimeInUTC: value(64).nullable(),
  pauseLeaseExpiresAt: instant.nullable(),
});

/** {@link PollRequest}. */
export const pollRequestSchema: z.ZodType<PollRequest> = z.object({
  relayId,
  version,
  ready: z.boolean(),
  problem: text(2000).nullable(),
  scheduler: schedulerStateSchema,
  wait: z.number().int().min(0).max(MAX_POLL_WAIT_SECONDS).optional(),
  directory: text(1000).nullable().optional(),
  busy: z.boolean().optional(),
});

/** {@link SyncEvent}. */
export const syncEventSchema: z.ZodType<SyncEvent> = z.object({
  id: z.number().int().min(0).max(65_535),
  at: instant,
  message: text(500),
});

/** {@link SyncHealthProblem}. */
export const syncHealthProblemSchema: z.ZodType<SyncHealthProblem> = z.object({
  fact: z.enum(['password-hash-sync', 'heartbeat', 'errors', 'scheduler']),
  message: text(1000),
});

/** {@link SyncHealthFacts}: at most 10 events, one problem per fact. */
export const syncHealthFactsSchema: z.ZodType<SyncHealthFacts> = z.object({
  passwordHashSync: z.boolean().nullable(),
  lastHeartbeatAt: instant.nullable(),
  recentErrors: z.array(syncEventSchema).max(10),
  problems: z.array(syncHealthProblemSchema).max(4),
});

/** {@link JobResult}. */
export const jobResultSchema: z.ZodType<JobResult> = z.object({
  jobId: z.string().refine(isGuid, 'must be a job id (a GUID)'),
  relayId,
  outcome: z.enum(['done', 'failed', 'refused']),
  message: text(4000),
  reason: z.enum(JOB_FAILURE_REASONS).optional(),
  scheduler: schedulerStateSchema,
  syncHealth: syncHealthFactsSchema.optional(),
  directory: directoryAnswerSchema.optional(),
  startedAt: instant,
  finishedAt: instant,
});

/** {@link RelayEvent}. */
export const relayEventSchema: z.ZodType<RelayEvent> = z.object({
  relayId,
  kind: z.enum(['lease-resumed', 'refused-job']),
  at: instant,
  message: text(4000),
});
