import type { TwinPlan } from '../../src/services/link/twin/twin-plan';
import {
  APES_IMMUTABLE_ID,
  APES_OBJECT_GUID,
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
