import type { CloudUserDetail, Knowable } from '../../entra/cloud-user';
import type { SourceAnchorAttribute } from '../../../shared/directory/source-anchor';
import { formatTime } from '../../../shared/time-text';
import type { CheckStatus, PreflightCheck, PreflightReport } from '../preflight/report';
import type { Fact } from '../preflight/checks';
import type { ImmutableIdHolders } from '../../entra/cloud-user';
import type { ParkingOu, ParkingOuChoice } from './parking-ou';
import { parentOf } from './parking-ou';
import type { TwinCheck } from './twin-checks';
import { evaluateTwinChecks } from './twin-checks';
import type { TwinFootprint } from './twin-footprint';

/** The AD user of the plan: where it sits now and the value it gives. */
export interface TwinPlanAdUser {
  dn: string;
  objectGuid: string;
  sAMAccountName: string;
  /** The container it sits in now: where step 5 asks the admin to move it back. */
  homeOu: string;
  /** The ImmutableId the twin holds and the original will get. */
  immutableId: string;
  anchorAttribute: SourceAnchorAttribute;
}

/** One row of the side-by-side comparison: what each user has, and whether deleting the twin loses it. */
export interface ComparisonRow {
  label: string;
  original: string;
  twin: string;
  /** True when the twin has something here the original does not (its check says what to do). */
  lost: boolean;
}

/** The guided fix of one synced twin: who is who, where the AD user waits, and every check. */
export interface TwinPlan {
  /** The cloud-only user that keeps living and gets the AD user's anchor. */
  original: CloudUserDetail;
  /** The synced user Entra Connect created, to be soft- then hard-deleted. */
  twin: CloudUserDetail;
  ad: TwinPlanAdUser;
  /** Where step 1 asks the admin to move the AD user; null when none could be named (the plan is ✗). */
  parking: ParkingOu | null;
  /** LDAP_SYNC_OUS at planning time: "in scope" in steps 1 and 5 means inside one of these. */
  syncScopeOus: string[];
  comparison: ComparisonRow[];
  /** The twin's own checks. */
  twinChecks: TwinCheck[];
  /** The original's checks: the normal preflight of the pair (its no-synced-twin is what the plan fixes). */
  preflight: PreflightReport;
  /** Why no parking OU could be named, when none was. */
  parkingProblem: string | null;
  verdict: CheckStatus;
  plannedAt: string;
}

/** What a plan is built from (all read beforehand by the lead's wiring). */
export interface TwinPlanInput {
  preflight: PreflightReport;
  twin: CloudUserDetail;
  holders: Fact<ImmutableIdHolders>;
  originalFootprint: TwinFootprint;
  twinFootprint: TwinFootprint;
  parking: ParkingOuChoice;
  syncScopeOus: readonly string[];
  now: Date;
  /** How far back a twin sign-in counts as recent; default 30 days. */
  recentSignInMs?: number;
}

/** Default of {@link TwinPlanInput.recentSignInMs}. */
export const DEFAULT_RECENT_SIGN_IN_MS = 30 * 24 * 3600_000;

/**
 * The preflight check the plan supersedes: it fails precisely because of the twin. Every other
 * preflight check still judges the original, so the plan is approved only when both sides are.
 */
const SUPERSEDED = 'no-synced-twin';

/** The plan of one twin fix, judged. */
export function buildTwinPlan(input: TwinPlanInput): TwinPlan {
  const { preflight, twin } = input;
  const twinChecks = evaluateTwinChecks({
    original: preflight.cloud,
    twin,
    immutableId: preflight.immutableId,
    holders: input.holders,
    originalFootprint: input.originalFootprint,
    twinFootprint: input.twinFootprint,
    recentSince: new Date(input.now.getTime() - (input.recentSignInMs ?? DEFAULT_RECENT_SIGN_IN_MS)),
  });
  const parking = input.parking.ok ? input.parking.ou : null;
  const parkingProblem = input.parking.ok ? null : input.parking.problem;
  return {
    original: preflight.cloud,
    twin,
    ad: {
      dn: preflight.ad.dn,
      objectGuid: preflight.ad.objectGuid,
      sAMAccountName: preflight.ad.sAMAccountName,
      homeOu: parentOf(preflight.ad.dn),
      immutableId: preflight.immutableId,
      anchorAttribute: preflight.anchorAttribute,
    },
    parking,
    syncScopeOus: [...input.syncScopeOus],
    comparison: compare(preflight.cloud, twin, input.originalFootprint, input.twinFootprint, twinChecks),
    twinChecks,
    preflight,
    parkingProblem,
    verdict: twinPlanVerdict(twinChecks, preflight.checks, parkingProblem),
    plannedAt: input.now.toISOString(),
  };
}

/**
 * The plan's verdict: the worst of the twin's checks and the original's preflight checks (all but
 * the no-synced-twin check it supersedes). `unknown` blocks like ✗ — the fix ends in a permanent
 * delete — except on an informative check, where it asks for an acknowledgement like ⚠. Without
 * a parking OU there is no step 1, so the plan is ✗.
 */
export function twinPlanVerdict(
  twinChecks: readonly TwinCheck[],
  preflightChecks: readonly PreflightCheck[],
  parkingProblem: string | null = null,
): CheckStatus {
  const statuses: CheckStatus[] = [
    ...twinChecks.map((c) => (c.status === 'unknown' ? (c.informative ? 'warn' : 'fail') : c.status)),
    ...preflightChecks.filter((c) => c.id !== SUPERSEDED).map((c) => c.status),
  ];
  if (parkingProblem !== null || statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'pass';
}

function compare(
  original: CloudUserDetail,
  twin: CloudUserDetail,
  o: TwinFootprint,
  t: TwinFootprint,
  checks: readonly TwinCheck[],
): ComparisonRow[] {
  const failed = (id: TwinCheck['id']) => checks.some((c) => c.id === id && c.status !== 'pass');
  return [
    {
      label: 'User',
      original: `${original.userPrincipalName} (${original.id})`,
      twin: `${twin.userPrincipalName} (${twin.id})`,
      lost: false,
    },
    {
      label: 'Created',
      original: show(o.createdDateTime, (v) => (v ? formatTime(v) : 'unknown')),
      twin: show(t.createdDateTime, (v) => (v ? formatTime(v) : 'unknown')),
      lost: false,
    },
    {
      label: 'Licences',
      original: show(o.assignedLicenses, (v) => list(v.map((l) => l.skuPartNumber ?? l.skuId))),
      twin: show(t.assignedLicenses, (v) => list(v.map((l) => l.skuPartNumber ?? l.skuId))),
      lost: failed('twin-licences'),
    },
    {
      label: 'Mailbox',
      original: show(
        o.mailbox,
        (v) => `${v.hasMailbox ? 'mailbox' : 'no mailbox'}; ${list(v.proxyAddresses)}`,
      ),
      twin: show(t.mailbox, (v) => `${v.hasMailbox ? 'mailbox' : 'no mailbox'}; ${list(v.proxyAddresses)}`),
      lost: failed('twin-mailbox'),
    },
    {
      label: 'Groups',
      original: show(o.groups, (v) => list(v.map((g) => g.displayName ?? g.id))),
      twin: show(t.groups, (v) => list(v.map((g) => g.displayName ?? g.id))),
      lost: failed('twin-groups'),
    },
    {
      label: 'App roles',
      original: show(o.appRoleAssignments, (v) => list(v.map((r) => r.resourceDisplayName ?? r.resourceId))),
      twin: show(t.appRoleAssignments, (v) => list(v.map((r) => r.resourceDisplayName ?? r.resourceId))),
      lost: failed('twin-app-roles'),
    },
    {
      label: 'Last sign-in',
      original: show(o.signInActivity, (v) =>
        v.lastSignInDateTime ? formatTime(v.lastSignInDateTime) : 'never',
      ),
      twin: show(t.signInActivity, (v) =>
        v.lastSignInDateTime ? formatTime(v.lastSignInDateTime) : 'never',
      ),
      lost: false,
    },
  ];
}

function show<T>(part: Knowable<T>, text: (value: T) => string): string {
  return part.known ? text(part.value) : `could not read (${part.reason})`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/** A check of a plan that needs the requester's acknowledgement before it can be filed. */
export interface PlanWarning {
  /** A TwinCheckId or a PreflightCheckId; the two sets do not overlap. */
  id: string;
  title: string;
  detail: string;
}

/**
 * The ⚠ of a plan the requester must acknowledge: the twin's warnings (and an informative check
 * Graph could not read), and the original's preflight warnings. Filing checks every one of these
 * ids was acknowledged, exactly as for a link.
 */
export function planWarnings(plan: Pick<TwinPlan, 'twinChecks' | 'preflight'>): PlanWarning[] {
  const twin = plan.twinChecks.filter(
    (c) => c.status === 'warn' || (c.status === 'unknown' && c.informative === true),
  );
  const original = plan.preflight.checks.filter((c) => c.id !== SUPERSEDED && c.status === 'warn');
  return [...twin, ...original].map((c) => ({ id: c.id, title: c.title, detail: c.detail }));
}
