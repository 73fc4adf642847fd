import type {
  CloudUserDetail,
  DeletedCloudUser,
  ImmutableIdHolders,
} from '../../../../../src/services/entra/cloud-user';
import { buildTwinPlan } from '../../../../../src/services/link/twin/twin-plan';
import type { TwinPlan, TwinPlanInput } from '../../../../../src/services/link/twin/twin-plan';
import type { TwinFootprint } from '../../../../../src/services/link/twin/twin-footprint';
import type { LinkRequest, TwinFixRecord } from '../../../../../src/services/link/link-request';
import type { PreflightReport } from '../../../../../src/services/link/preflight/report';
import {
  APES_IMMUTABLE_ID,
  APPROVER,
  REQUESTER,
  apesAdUser,
  apesCloudUser,
  apesPreflight,
} from '../../../../support/link-fixtures';

/** The OUs Entra Connect syncs in these tests. */
export const SYNC_OUS = ['OU=Staff,DC=corp,DC=contoso,DC=com'];
/** Where apes sits (in scope) and where he is parked (out of scope). */
export const HOME_DN = 'CN=Aaron Pescasio,OU=Staff,DC=corp,DC=contoso,DC=com';
export const PARKING_OU = 'OU=Anchor parking,DC=corp,DC=contoso,DC=com';
export const PARKED_DN = `CN=Aaron Pescasio,${PARKING_OU}`;
export const TWIN_ID = '7c1f0000-0000-4000-8000-00000000a7e5';
export const NOW = new Date('2026-12-04T22:00:00.000Z');

/** The synced twin Entra Connect created for apes. */
export function twinUser(extra: Partial<CloudUserDetail> = {}): CloudUserDetail {
  return apesCloudUser({
    id: TWIN_ID,
    userPrincipalName: 'apes1@contoso.onmicrosoft.com',
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: APES_IMMUTABLE_ID,
    onPremisesLastSyncDateTime: '2026-12-01T10:00:00Z',
    createdDateTime: '2026-12-01T10:00:00Z',
    ...extra,
  });
}

/** The twin in Deleted users. */
export function deletedTwin(extra: Partial<DeletedCloudUser> = {}): DeletedCloudUser {
  return {
    id: TWIN_ID,
    displayName: 'Aaron Pescasio',
    userPrincipalName: `${TWIN_ID.replace(/-/g, '')}apes1@contoso.onmicrosoft.com`,
    mail: null,
    onPremisesImmutableId: APES_IMMUTABLE_ID,
    deletedDateTime: '2026-12-04T22:05:00Z',
    ...extra,
  };
}

export function holders(extra: Partial<ImmutableIdHolders> = {}): ImmutableIdHolders {
  return { users: [], deletedUsers: [], truncated: false, ...extra };
}

/** A footprint that holds nothing, every part known. */
export function footprint(extra: Partial<TwinFootprint> = {}): TwinFootprint {
  return {
    assignedLicenses: { known: true, value: [] },
    mailbox: { known: true, value: { hasMailbox: false, proxyAddresses: [] } },
    groups: { known: true, value: [] },
    appRoleAssignments: { known: true, value: [] },
    signInActivity: {
      known: true,
      value: { lastSignInDateTime: null, lastNonInteractiveSignInDateTime: null },
    },
    createdDateTime: { known: true, value: '2026-12-01T10:00:00Z' },
    ...extra,
  };
}

/** A plan of apes' twin where everything passes, except what `extra` changes. */
export function planInput(extra: Partial<TwinPlanInput> = {}): TwinPlanInput {
  return {
    preflight: apesPreflight({ 'no-synced-twin': 'fail' }),
    twin: twinUser(),
    holders: holders({ users: [twinUser()] }),
    originalFootprint: footprint(),
    twinFootprint: footprint(),
    parking: { ok: true, ou: { dn: PARKING_OU, source: 'configured' } },
    syncScopeOus: SYNC_OUS,
    now: NOW,
    ...extra,
  };
}

export function plan(extra: Partial<TwinPlanInput> = {}): TwinPlan {
  return buildTwinPlan(planInput(extra));
}

/** An approved twin fix of apes, as the store would hold it. */
export function twinRequest(): LinkRequest & { twinFix: TwinFixRecord } {
  const twinPlan = plan();
  return {
    id: 'r1',
    state: 'running',
    correlationId: 'c1',
    createdAt: '2026-12-04T22:00:00Z',
    expiresAt: '2026-12-05T22:00:00Z',
    requester: REQUESTER,
    reason: 'duplicate',
    preflight: twinPlan.preflight,
    acknowledged: [],
    decision: { by: APPROVER, at: '2026-12-04T22:01:00Z', verdict: 'approved', note: null },
    cancelled: null,
    run: null,
    immutableIdBefore: null,
    immutableIdAfter: null,
    cards: [],
    twinFix: { plan: twinPlan, journal: [], deletedTwin: null },
  };
}

/** The re-check at step 4: apes parked (so ad-user-ready fails), the twin gone. */
export function parkedReport(
  statuses: Parameters<typeof apesPreflight>[0] = {},
  ad: Partial<PreflightReport['ad']> = {},
): PreflightReport {
  return apesPreflight(
    { 'ad-user-ready': 'fail', ...statuses },
    { ad: { ...apesAdUser(), dn: PARKED_DN, inSyncScope: false, ...ad } },
  );
}
