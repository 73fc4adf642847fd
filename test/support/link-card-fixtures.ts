import type { CloudUser } from '../../src/services/entra/cloud-user';
import type { DirectoryUser } from '../../src/shared/directory/ad-directory';
import type { LinkCandidates } from '../../src/services/link/candidates';
import type { LinkRequest, LinkStep } from '../../src/services/link/link-request';
import { scorePair } from '../../src/services/link/pair-matching';
import { evaluateChecks } from '../../src/services/link/preflight/checks';
import type { PreflightReport } from '../../src/services/link/preflight/report';
import { verdictOf } from '../../src/services/link/preflight/report';
import { sourceAnchorOf } from '../../src/shared/directory/source-anchor';
import { LinkStepError, adviceFor } from '../../src/services/link/run/advice';
import { schedulerAccessDeniedMessage } from '../../src/shared/relay-protocol/scheduler-checks';
import { demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';
import {
  APES_IMMUTABLE_ID,
  APPROVER,
  REQUESTER,
  apesAdUser,
  apesCloudUser,
  apesPreflight,
} from './link-fixtures';

/** Every demo AD user as the directory reads them. */
function demoAdUsers(): DirectoryUser[] {
  return demoDirectoryUsers().map((r) => ({ ...r, sourceAnchor: sourceAnchorOf(r, 'auto') }));
}

/** What `link user` finds, in the situations the candidates card must show. */
export function linkCandidatesSample(
  kind: 'preselected' | 'no-cloud-match' | 'search-failed' | 'many',
): LinkCandidates {
  const ad = apesAdUser();
  const cloud: CloudUser = apesCloudUser();
  const pair = scorePair(ad, cloud);
  const side = <T>(users: T[], more = 0, error: string | null = null) => ({ users, more, error });
  switch (kind) {
    case 'preselected':
      return {
        text: 'apes',
        ad: side([ad]),
        cloud: side([cloud]),
        preselected: pair,
        match: { kind: 'clear', pair },
      };
    case 'no-cloud-match':
      return {
        text: 'apes',
        ad: side([ad]),
        cloud: side<CloudUser>([]),
        preselected: null,
        match: { kind: 'none', unlinkable: 0 },
      };
    case 'search-failed':
      return {
        text: 'apes',
        ad: side<DirectoryUser>(
          [],
          0,
          'The domain controller ldaps://dc1.corp.example.test did not answer within 10 s.',
        ),
        cloud: side([cloud]),
        preselected: null,
        match: { kind: 'none', unlinkable: 0 },
      };
    case 'many': {
      const adUsers = demoAdUsers();
      return {
        text: 'a',
        ad: side(adUsers, 37),
        cloud: side([cloud]),
        preselected: null,
        match: { kind: 'weak', pair: scorePair(adUsers[1], cloud) },
      };
    }
  }
}

/** A preflight that passes, warns or fails. */
export function preflightSample(verdict: 'pass' | 'warn' | 'fail'): PreflightReport {
  if (verdict === 'pass') return apesPreflight();
  if (verdict === 'warn')
    return apesPreflight({ 'no-object-identifier': 'warn', 'tenant-hard-match-block': 'warn' });
  return apesPreflight({ 'no-privileged-role': 'fail', 'anchor-unique': 'fail', 'same-person': 'warn' });
}

/**
 * The preflight of apes ↔ Aaron Pescasio as the real checks word it (the lengths a card must fit):
 * everything passes, except that Graph cannot say whether onPremisesObjectIdentifier is set.
 */
export function realisticPreflight(): PreflightReport {
  const ad = apesAdUser();
  const cloud = apesCloudUser();
  const heartbeat = {
    relayId: 'aadc01',
    at: '2026-11-25T09:54:58.000Z',
    poll: {
      relayId: 'aadc01',
      version: '1.0.0',
      ready: true,
      problem: null,
      scheduler: {
        syncCycleEnabled: true,
        stagingModeEnabled: false,
        cycleInProgress: false,
        serviceState: 'Running',
        nextSyncCycleStartTimeInUTC: '2026-11-25T10:24:12.000Z',
        pauseLeaseExpiresAt: null,
      },
    },
  };
  const checks = evaluateChecks({
    ad,
    cloud,
    holders: { users: [cloud], deletedUsers: [], truncated: false },
    domain: { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true },
    roles: { active: [], eligible: [], pim: 'available', truncated: false },
    roleGroups: { groups: [], truncated: false },
    objectIdentifier: { known: false, reason: 'the beta endpoint is not consented' },
    syncFeatures: {
      known: true,
      value: {
        blockCloudObjectTakeoverThroughHardMatchEnabled: false,
        blockSoftMatchEnabled: false,
        all: {},
      },
    },
    syncServer: { heartbeat, fresh: true, ageMs: 2_000 },
    pair: scorePair(ad, cloud),
  });
  return {
    ad,
    cloud,
    immutableId: APES_IMMUTABLE_ID,
    anchorAttribute: 'objectGUID',
    checks,
    verdict: verdictOf(checks),
    checkedAt: '2026-11-25T09:55:00.000Z',
  };
}

const step = (name: LinkStep['name'], state: LinkStep['state'], detail: string, at: string): LinkStep => ({
  name,
  state,
  startedAt: at,
  finishedAt: state === 'running' ? null : at,
  detail,
});

/** One request in each interesting state. */
/** A pause refused for the relay account's rights, as the relay words it on a real server. */
const ACCESS_DENIED = `T${schedulerAccessDeniedMessage('aadc01').slice(1)}.`;

export function requestSamples(): Record<
  'pending' | 'running' | 'linked' | 'failed' | 'rejected',
  LinkRequest
> {
  const base: LinkRequest = {
    id: '7d0c6f3e-8a51-4a8e-9a6b-1c2d3e4f5a6b',
    state: 'pending',
    correlationId: 'corr-1',
    createdAt: '2026-11-25T09:56:00.000Z',
    expiresAt: '2026-11-26T09:56:00.000Z',
    requester: { ...REQUESTER, chatUserId: '29:megan' },
    reason: 'INC-1234: Aaron got a cloud account before his AD account was created',
    preflight: realisticPreflight(),
    acknowledged: ['no-object-identifier'],
    decision: null,
    cancelled: null,
    run: null,
    immutableIdBefore: null,
    immutableIdAfter: null,
    cards: [],
  };
  const decision = { by: APPROVER, at: '2026-11-25T10:01:00.000Z', verdict: 'approved' as const, note: null };
  const t = (s: number) => new Date(Date.parse('2026-11-25T10:01:00.000Z') + s * 1000).toISOString();
  const doneSteps = [
    step(
      'pause',
      'done',
      'the scheduler was paused; the relay resumes it by itself at 2026-11-25 10:16:02 UTC',
      t(2),
    ),
    step('preflight', 'done', '10 of 11 checks pass again; 1 warning, as acknowledged at request time', t(3)),
    step(
      'set-immutable-id',
      'done',
      'onPremisesImmutableId of apes@contoso.com set to yYuRNW0Z6kCXeYidebdT8A== (it had none)',
      t(4),
    ),
    step('resume', 'done', 'the scheduler was resumed', t(6)),
    step('delta', 'done', 'a delta sync cycle was started', t(20)),
  ];
  return {
    pending: base,
    running: {
      ...base,
      state: 'running',
      decision,
      run: {
        owner: null,
        leaseUntil: null,
        startedAt: t(1),
        finishedAt: null,
        steps: [...doneSteps.slice(0, 3), step('resume', 'running', '', t(5))],
        failure: null,
      },
    },
    linked: {
      ...base,
      state: 'linked',
      decision,
      run: {
        owner: null,
        leaseUntil: null,
        startedAt: t(1),
        finishedAt: t(45),
        steps: [
          ...doneSteps,
          step(
            'verify',
            'done',
            'Entra ID reports apes@contoso.com synced with onPremisesImmutableId yYuRNW0Z6kCXeYidebdT8A== (after 25 s)',
            t(45),
          ),
        ],
        failure: null,
      },
      immutableIdAfter: 'yYuRNW0Z6kCXeYidebdT8A==',
    },
    failed: {
      ...base,
      state: 'failed',
      decision,
      run: {
        owner: null,
        leaseUntil: null,
        startedAt: t(1),
        finishedAt: t(9),
        steps: [
          step('pause', 'failed', ACCESS_DENIED, t(8)),
          step('resume', 'done', 'the scheduler was resumed', t(9)),
        ],
        failure: {
          step: 'pause',
          message: ACCESS_DENIED,
          problem: 'scheduler-access-denied',
          // The words a run really gives, so the card's height is measured on them.
          advice: adviceFor('pause', new LinkStepError('scheduler-access-denied', ACCESS_DENIED), {
            cloudUserId: base.preflight.cloud.id,
            immutableId: 'yYuRNW0Z6kCXeYidebdT8A==',
            correlationId: base.correlationId,
            server: 'aadc01',
          }),
          scheduler: 'enabled',
        },
      },
    },
    rejected: { ...base, state: 'rejected', decision: { ...decision, verdict: 'rejected' } },
  };
}
