import type { CloudUserDetail } from '../../entra/cloud-user';
import type { DirectoryUser } from '../../../shared/directory/ad-directory';
import type { SourceAnchorAttribute } from '../../../shared/directory/source-anchor';

/** ✓ pass, ⚠ warn (needs an explicit acknowledgement), ✗ fail (stops the flow). */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** Every preflight check, in the order the card lists them. */
export const PREFLIGHT_CHECK_IDS = [
  'cloud-only',
  'anchor-unique',
  'no-synced-twin',
  'ad-user-ready',
  'domain-managed',
  'no-privileged-role',
  'no-role-group',
  'no-object-identifier',
  'tenant-hard-match-block',
  'sync-server',
  'same-person',
] as const;

/** One of {@link PREFLIGHT_CHECK_IDS}. */
export type PreflightCheckId = (typeof PREFLIGHT_CHECK_IDS)[number];

/** The outcome of one check, as the checklist shows it. */
export interface PreflightCheck {
  id: PreflightCheckId;
  status: CheckStatus;
  /** What was checked, e.g. "Cloud user is cloud-only". */
  title: string;
  /** One line: why it passed, warns or fails, naming the object or value involved. */
  detail: string;
  /** For warn and fail: what the admin should do about it. */
  fix?: string;
}

/** The preflight of one pair: the value that would be written, and every check. */
export interface PreflightReport {
  /** The AD user as read for this preflight. */
  ad: DirectoryUser;
  /** The cloud user as read for this preflight. */
  cloud: CloudUserDetail;
  /** The value for the cloud user's onPremisesImmutableId (base64 of the anchor's bytes). */
  immutableId: string;
  /** The AD attribute the value comes from. */
  anchorAttribute: SourceAnchorAttribute;
  /** Every check of {@link PREFLIGHT_CHECK_IDS}, in that order. */
  checks: PreflightCheck[];
  /** The worst status of all checks. */
  verdict: CheckStatus;
  checkedAt: string;
}

/** The worst status among `checks`: fail over warn over pass. */
export function verdictOf(checks: readonly PreflightCheck[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}
