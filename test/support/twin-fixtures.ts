import type { LinkRequest, LinkStep } from '../../src/services/link/link-request';
import type { TwinJournalEntry } from '../../src/services/link/twin/twin-journal';
import type { TwinPlan } from '../../src/services/link/twin/twin-plan';
import { noSyncedTwinCheck } from '../../src/services/link/preflight/checks';
import type { PreflightReport } from '../../src/services/link/preflight/report';
import { verdictOf } from '../../src/services/link/preflight/report';
import { realisticPreflight, requestSamples } from './link-card-fixtures';
import {
  APES_IMMUTABLE_ID,
  APES_OBJECT_GUID,
  APPROVER,
  apesAdUser,
  apesCloudUser,
  apesPreflight,
} from './link-fixtures';

/** The synced twin Entra Connect created for Aaron Pescasio. */
export const APES_TWIN_ID = '5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/** The no-synced-twin check's failure when a twin exists, worded as the preflight words it. */
export const TWIN_FOUND_DETAIL = `Entra Connect already created the synced twin apes2@contoso.com (${APES_TWIN_ID}) for this AD user`;

/** A preflight of Aaron Pescasio blocked by the synced twin only. */
export function twinPreflight(): ReturnType<typeof apesPreflight> {
  const report = apesPreflight({ 'no-synced-twin': 'fail' });
  return {
    ...report,
    checks: report.checks.map((c) => (c.id === 'no-synced-twin' ? { ...c, detail: TWIN_FOUND_DETAIL } : c)),
  };
}

/** The plan of Aaron Pescasio's twin fix: `clean` passes; `licensed` is ✗ (the twin holds a licence). */
export function twinPlanSample(kind: 'clean' | 'licensed' = 'clean'): TwinPlan {
  const licensed = kind === 'licensed';
  const ad = apesAdUser();
  return {
    original: apesCloudUser(),
    twin: apesCloudUser({
      id: APES_TWIN_ID,
      userPrincipalName: 'apes2@contoso.com',
      onPremisesImmutableId: APES_IMMUTABLE_ID,
      onPremisesSyncEnabled: true,
    }),
    ad: {
      dn: ad.dn,
      objectGuid: APES_OBJECT_GUID,
      sAMAccountName: ad.sAMAccountName,
      homeOu: 'OU=Staff,DC=contoso,DC=com',
      immutableId: APES_IMMUTABLE_ID,
      anchorAttribute: 'mS-DS-ConsistencyGuid',
    },
    parking: { dn: 'OU=Anchor parking,DC=contoso,DC=com', source: 'configured' },
    syncScopeOus: ['OU=Staff,DC=contoso,DC=com'],
    comparison: [
      {
        label: 'Licences',
        original: 'Microsoft 365 E3',
        twin: licensed ? 'Microsoft 365 E5' : 'none',
        lost: licensed,
      },
      { label: 'Mailbox', original: 'apes@contoso.com', twin: 'none', lost: false },
      { label: 'Groups', original: 'Sales, All staff', twin: 'none', lost: false },
      { label: 'Last sign-in', original: '2026-11-24 09:12 UTC', twin: 'never', lost: false },
    ],
    twinChecks: [
      {
        id: 'twin-identity',
        status: 'pass',
        title: 'The twin is the synced copy of this AD user',
        detail: "it holds the AD user's ImmutableId",
      },
      licensed
        ? {
            id: 'twin-licences',
            status: 'fail',
            title: 'The twin has no licence',
            detail: 'Microsoft 365 E5',
            fix: 'Move the licence to the original, then check again.',
          }
        : {
            id: 'twin-licences',
            status: 'pass',
            title: 'The twin has no licence',
            detail: 'no licence assigned',
          },
      {
        id: 'twin-groups',
        status: 'warn',
        title: 'The twin is in no group',
        detail: 'member of: All synced users (dynamic)',
        fix: 'Nothing to do for a dynamic group.',
      },
      {
        id: 'twin-sign-in',
        status: 'unknown',
        title: 'Nobody signed in as the twin lately',
        detail: 'sign-in activity needs AuditLog.Read.All',
        informative: true,
      },
    ],
    preflight: twinPreflight(),
    parkingProblem: null,
    verdict: licensed ? 'fail' : 'warn',
    plannedAt: '2026-11-25T10:00:00.000Z',
  };
}

/** A synced-twin fix request for Aaron Pescasio in each state its card shows. */
export function twinRequestSamples(): Record<
  'pending' | 'parking' | 'linking' | 'failed' | 'linked',
  LinkRequest
> {
  const plan = twinPlanSample('clean');
  const base = requestSamples().pending;
  const t = (s: number) => new Date(Date.parse('2026-11-25T10:01:00.000Z') + s * 1000).toISOString();
  const decision = { by: APPROVER, at: t(0), verdict: 'approved' as const, note: null };
  const entry = (
    step: TwinJournalEntry['step'],
    state: TwinJournalEntry['state'],
    detail: string,
    s: number,
  ): TwinJournalEntry => ({ step, state, startedAt: t(s), at: t(s), detail });
  const parked = [
    entry(
      'park',
      'done',
      'apes is outside the sync scope at CN=Aaron Pescasio,OU=Anchor parking,DC=contoso,DC=com',
      300,
    ),
    entry(
      'soft-delete',
      'done',
      `apes2@contoso.com (${APES_TWIN_ID}) is soft-deleted and the only holder of ${APES_IMMUTABLE_ID}`,
      340,
    ),
    {
      ...entry(
        'hard-delete',
        'done',
        `apes2@contoso.com (${APES_TWIN_ID}) is permanently deleted; nothing holds ${APES_IMMUTABLE_ID}`,
        342,
      ),
      deletedTwin: { id: APES_TWIN_ID, userPrincipalName: 'apes2@contoso.com' },
    },
  ];
  const fix = (journal: TwinJournalEntry[], deleted = false) => ({
    plan,
    journal,
    deletedTwin: deleted ? { id: APES_TWIN_ID, userPrincipalName: 'apes2@contoso.com' } : null,
  });
  const running = (s: number) => ({
    owner: 'anchor',
    leaseUntil: null,
    startedAt: t(s),
    finishedAt: null as string | null,
    steps: [] as LinkStep[],
    failure: null,
  });
  return {
    pending: { ...base, preflight: plan.preflight, twinFix: fix([]) },
    parking: {
      ...base,
      preflight: plan.preflight,
      state: 'running',
      decision,
      run: { ...running(1), steps: [] },
      twinFix: fix([
        entry('park', 'running', 'started', 1),
        entry(
          'park',
          'waiting',
          'waiting for you to move apes to OU=Anchor parking,DC=contoso,DC=com (now CN=Aaron Pescasio,OU=Staff,DC=contoso,DC=com)',
          2,
        ),
      ]),
    },
    linking: {
      ...base,
      preflight: plan.preflight,
      state: 'running',
      decision,
      run: {
        ...running(1),
        steps: [
          linkStep('pause', 'done', t(343)),
          linkStep('preflight', 'done', t(344)),
          linkStep('set-immutable-id', 'running', t(345)),
        ],
      },
      twinFix: fix([...parked, entry('link', 'running', 'started', 343)], true),
    },
    failed: {
      ...base,
      preflight: plan.preflight,
      state: 'failed',
      decision,
      run: {
        ...running(1),
        finishedAt: t(342),
        failure: {
          step: 'hard-delete',
          message:
            'Step 3 (hard-delete) stopped: the permanent delete failed: Graph answered 403 (User.DeleteRestore.All not granted)',
          advice: 'Grant User.DeleteRestore.All, then plan the fix again.',
        },
      },
      twinFix: fix([
        ...parked.slice(0, 2),
        {
          ...entry(
            'hard-delete',
            'failed',
            'Step 3 (hard-delete) stopped: the permanent delete failed: Graph answered 403 (User.DeleteRestore.All not granted)',
            342,
          ),
          failure: {
            problem: 'delete-failed',
            states: {
              adUser: 'parked',
              adDn: 'CN=Aaron Pescasio,OU=Anchor parking,DC=contoso,DC=com',
              twin: 'soft-deleted',
              original: 'unlinked',
            },
            nextSafeAction:
              'Leave apes parked and grant Anchor User.DeleteRestore.All, then plan the fix again; or move apes back to OU=Staff,DC=contoso,DC=com and the next sync restores the twin as it was.',
          },
        },
      ]),
    },
    linked: {
      ...base,
      preflight: plan.preflight,
      state: 'linked',
      decision,
      run: {
        ...running(1),
        finishedAt: t(420),
        steps: [
          linkStep('pause', 'done', t(343)),
          linkStep('preflight', 'done', t(344)),
          linkStep('set-immutable-id', 'done', t(345)),
          linkStep('resume', 'done', t(347)),
        ],
      },
      immutableIdAfter: APES_IMMUTABLE_ID,
      twinFix: fix(
        [
          ...parked,
          entry('link', 'done', `apes@contoso.com holds ${APES_IMMUTABLE_ID}`, 348),
          entry(
            'return',
            'done',
            'apes is back in the sync scope at CN=Aaron Pescasio,OU=Staff,DC=contoso,DC=com',
            400,
          ),
          entry('hard-match', 'done', `apes@contoso.com is synced from apes with ${APES_IMMUTABLE_ID}`, 420),
        ],
        true,
      ),
    },
  };
}

function linkStep(name: LinkStep['name'], state: LinkStep['state'], at: string): LinkStep {
  return { name, state, startedAt: at, finishedAt: state === 'running' ? null : at, detail: null };
}

/**
 * The realistic preflight of Aaron Pescasio (the one request cards show) with the synced twin
 * found, judged by the real check: what an admin sees on the preflight card before "Plan the fix".
 */
export function realisticTwinPreflight(): PreflightReport {
  const report = realisticPreflight();
  const twin = twinPlanSample().twin;
  const check = noSyncedTwinCheck(
    { users: [report.cloud, twin], deletedUsers: [], truncated: false },
    report.cloud.id,
  );
  const checks = report.checks.map((c) => (c.id === check.id ? check : c));
  return { ...report, checks, verdict: verdictOf(checks) };
}
