import type { KeyObject } from 'node:crypto';
import type {
  JobResult,
  PollRequest,
  RelayEvent,
  SchedulerState,
} from '../../src/shared/relay-protocol/messages';
import { signParts, signatureHeaders } from '../../src/shared/relay-protocol/request-signing';

/** A scheduler as an ordinary, enabled, non-staging sync server reports it. */
export function schedulerState(overrides: Partial<SchedulerState> = {}): SchedulerState {
  return {
    syncCycleEnabled: true,
    stagingModeEnabled: false,
    cycleInProgress: false,
    serviceState: 'Running',
    nextSyncCycleStartTimeInUTC: '2026-11-25T10:30:00Z',
    pauseLeaseExpiresAt: null,
    ...overrides,
  };
}

/** A relay's poll. */
export function pollRequest(relayId: string, overrides: Partial<PollRequest> = {}): PollRequest {
  return { relayId, version: '0.6.0', ready: true, problem: null, scheduler: schedulerState(), ...overrides };
}

/** A relay's result for `jobId`. */
export function jobResult(jobId: string, relayId: string, overrides: Partial<JobResult> = {}): JobResult {
  return {
    jobId,
    relayId,
    outcome: 'done',
    message: 'ok',
    scheduler: schedulerState(),
    startedAt: '2026-11-25T10:00:01Z',
    finishedAt: '2026-11-25T10:00:02Z',
    ...overrides,
  };
}

/** A relay's event. */
export function relayEvent(relayId: string, overrides: Partial<RelayEvent> = {}): RelayEvent {
  return {
    relayId,
    kind: 'lease-resumed',
    at: '2026-11-25T10:15:00Z',
    message: 'the pause lease ran out; the scheduler was resumed',
    ...overrides,
  };
}

/** A request as a relay signs it: exact body text and the four x-anchor-* headers. */
export interface SignedRelayRequest {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** Signs `POST path` with `body` (serialized here, once) as relay `keyId`. */
export function signedRequest(
  path: string,
  body: unknown,
  keyId: string,
  privateKey: KeyObject,
  now: number = Date.now(),
): SignedRelayRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const sig = signParts({ method: 'POST', path, body: text }, keyId, privateKey, now);
  return { method: 'POST', path, body: text, headers: signatureHeaders(sig) };
}
