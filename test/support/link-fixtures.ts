import type { CloudUserDetail } from '../../src/services/entra/cloud-user';
import type { DirectoryUser } from '../../src/shared/directory/ad-directory';
import type { Person } from '../../src/services/link/link-request';
import type { NewLinkRequest } from '../../src/services/link/request-store';
import { PREFLIGHT_CHECK_IDS, verdictOf } from '../../src/services/link/preflight/report';
import type {
  PreflightCheck,
  PreflightCheckId,
  PreflightReport,
} from '../../src/services/link/preflight/report';
import { sourceAnchorOf } from '../../src/shared/directory/source-anchor';
import { DEMO_TENANT, demoDirectoryUsers } from '../../src/sim/demo/demo-tenant';

/** The demo AD user apes (objectGUID 35918bc9-…). */
export const APES_OBJECT_GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
/** apes' ImmutableId: base64 of the objectGUID's bytes. */
export const APES_IMMUTABLE_ID = 'yYuRNW0Z6kCXeYidebdT8A==';
/** The demo tenant's cloud-only Aaron Pescasio. */
export const APES_CLOUD_ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';

/** The demo requester and approver as the chat reports them. */
export const REQUESTER: Person = {
  aadObjectId: DEMO_TENANT.requester.aadObjectId,
  name: DEMO_TENANT.requester.name,
};
export const APPROVER: Person = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  name: DEMO_TENANT.approver.name,
};

/** apes as the directory reads him. */
export function apesAdUser(): DirectoryUser {
  const record = demoDirectoryUsers().find((u) => u.sAMAccountName === 'apes');
  if (!record) throw new Error('the demo directory has no apes');
  return { ...record, sourceAnchor: sourceAnchorOf(record, 'auto') };
}

/** Aaron Pescasio in the cloud: cloud-only, no ImmutableId. */
export function apesCloudUser(overrides: Partial<CloudUserDetail> = {}): CloudUserDetail {
  return {
    id: APES_CLOUD_ID,
    displayName: 'Aaron Pescasio',
    userPrincipalName: 'apes@contoso.com',
    mail: 'apes@contoso.com',
    proxyAddresses: ['SMTP:apes@contoso.com'],
    givenName: 'Aaron',
    surname: 'Pescasio',
    accountEnabled: true,
    userType: 'Member',
    onPremisesImmutableId: null,
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    createdDateTime: '2024-03-04T09:12:00Z',
    ...overrides,
  };
}

/**
 * A preflight of apes ↔ Aaron Pescasio where every check passes, except those `statuses` sets
 * otherwise.
 */
export function apesPreflight(
  statuses: Partial<Record<PreflightCheckId, 'pass' | 'warn' | 'fail'>> = {},
  overrides: Partial<PreflightReport> = {},
): PreflightReport {
  const checks: PreflightCheck[] = PREFLIGHT_CHECK_IDS.map((id) => {
    const status = statuses[id] ?? 'pass';
    return {
      id,
      status,
      title: `Check ${id}`,
      detail: `${id} is ${status}`,
      ...(status === 'pass' ? {} : { fix: `fix ${id}` }),
    };
  });
  return {
    ad: apesAdUser(),
    cloud: apesCloudUser(),
    immutableId: APES_IMMUTABLE_ID,
    anchorAttribute: 'objectGUID',
    checks,
    verdict: verdictOf(checks),
    checkedAt: '2026-11-25T09:55:00.000Z',
    ...overrides,
  };
}

/** A new request for apes ↔ Aaron Pescasio by the demo requester. */
export function apesRequest(preflight: PreflightReport = apesPreflight()): NewLinkRequest {
  return {
    requester: REQUESTER,
    reason: 'Aaron joined on-prem; link his cloud account',
    preflight,
    acknowledged: preflight.checks.filter((c) => c.status === 'warn').map((c) => c.id),
    correlationId: 'corr-apes-1',
  };
}
