import { AdminFacingError } from '../../../shared/admin-facing-error';
import type { TwinPlan } from './twin-plan';
import type { TwinProblem, TwinStepName } from './twin-steps';
import { TWIN_STEP_INFO } from './twin-steps';

/** Where every object of the fix stands, as far as Anchor knows. */
export interface TwinObjectStates {
  /** `parked`: outside the sync scope; `missing`: no AD user has the objectGUID any more. */
  adUser: 'in-scope' | 'parked' | 'missing' | 'unknown';
  /** The AD user's DN as last read, when read. */
  adDn: string | null;
  /** `soft-deleted`: in Deleted users (restorable); `deleted-for-good`: gone from there too. */
  twin: 'live' | 'soft-deleted' | 'deleted-for-good' | 'unknown';
  /** `anchor-set`: holds the ImmutableId, not yet matched; `linked`: synced with it. */
  original: 'unlinked' | 'anchor-set' | 'linked' | 'unknown';
}

/** What Anchor knows the objects are when `step` starts: each earlier step was verified. */
export function statesBefore(step: TwinStepName, plan: TwinPlan): TwinObjectStates {
  const n = TWIN_STEP_INFO[step].number;
  return {
    adUser: n >= 2 && n <= 5 ? 'parked' : 'in-scope',
    adDn: n === 1 ? plan.ad.dn : null,
    twin: n <= 2 ? 'live' : n === 3 ? 'soft-deleted' : 'deleted-for-good',
    original: n <= 4 ? 'unlinked' : 'anchor-set',
  };
}

/**
 * The next safe action for objects in `states`. The rule behind each branch: the AD user must
 * never be forgotten outside the scope, but it may only go back when the sync can do no harm with
 * it. While the twin still exists (live or soft-deleted) moving it back restores the twin as it
 * was, so "move it back" is safe and undoes the fix. Once the twin is deleted for good and the
 * original does not hold the anchor yet, moving it back would make Entra Connect create a brand
 * new synced user (or soft-match by address): then the AD user must stay parked until step 4 has
 * set the anchor. Once the original holds the anchor, moving back is what finishes the fix.
 */
export function nextSafeAction(states: TwinObjectStates, plan: TwinPlan, problem: TwinProblem): string {
  const sam = plan.ad.sAMAccountName;
  const parking = plan.parking?.dn ?? 'an OU outside the sync scope';
  const home = plan.ad.homeOu;
  if (states.adUser === 'missing') {
    return (
      `The AD user ${sam} (objectGUID ${plan.ad.objectGuid}) is gone from the directory: restore it from the AD ` +
      `Recycle Bin before anything else, and leave the cloud users as they are (twin: ${states.twin}, original: ${states.original}).`
    );
  }
  if (states.twin === 'unknown' || states.original === 'unknown' || states.adUser === 'unknown') {
    return (
      `Anchor could not tell where every object stands: look up ${sam}'s OU in AD, the twin ${plan.twin.id} ` +
      `in Deleted users and the original ${plan.original.userPrincipalName}'s onPremisesImmutableId in the ` +
      'Entra admin center before moving anything. If the twin is gone for good and the original has no ' +
      `ImmutableId, keep ${sam} in ${parking} and resume the fix; otherwise move ${sam} back to ${home}.`
    );
  }
  if (states.original === 'linked') return 'Nothing to do: the original is matched to the AD user.';
  if (states.original === 'anchor-set') {
    if (states.adUser === 'parked') {
      return (
        `Move ${sam} back to ${home}: the original already holds its anchor, so the next delta sync hard-matches ` +
        'it. Resume the fix to let Anchor watch the move and verify the match.'
      );
    }
    if (problem === 'service-failed' || problem === 'wait-timeout') {
      return (
        `Leave ${sam} where it is and the original's ImmutableId as it is: the next sync cycle matches them. ` +
        'Resume the fix to verify; if it still does not match, look for the export error (InvalidHardMatch) in ' +
        'the Synchronization Service Manager or Entra Connect Health.'
      );
    }
    return (
      `Leave ${sam} where it is and the original's ImmutableId as it is. Look for the export error in the ` +
      'Synchronization Service Manager (the AAD connector) or Entra Connect Health: InvalidHardMatch means the ' +
      'tenant or the 2026 hardening blocked the takeover; a new synced user holding the anchor must be deleted ' +
      'before the next cycle. Resume the fix to verify again once fixed.'
    );
  }
  // The original does not hold the anchor.
  if (states.twin === 'deleted-for-good') {
    if (states.adUser === 'parked') {
      return (
        `Keep ${sam} in ${states.adDn ?? parking}: the twin is deleted for good and the original does not hold the ` +
        'anchor yet, so moving the AD user back now would make Entra Connect create a new synced user. Fix what ' +
        'stopped the fix, then resume it: Anchor goes on with step 4 (set the ImmutableId on the original).'
      );
    }
    return (
      `Move ${sam} to ${parking} again right away, before the next sync cycle creates a new synced user for it; ` +
      'then resume the fix: Anchor goes on with step 4.'
    );
  }
  const nothing =
    states.twin === 'live' ? 'Nothing was changed in Entra ID.' : 'Nothing was deleted for good.';
  if (states.adUser === 'in-scope') {
    return problem === 'wait-timeout'
      ? `${nothing} ${sam} stays where it is; if you moved it meanwhile, move it back to ${home}. Plan the fix again when you are ready.`
      : `${nothing} ${sam} is in the sync scope as before; plan the fix again once the cause is fixed.`;
  }
  const orResume =
    problem === 'service-failed'
      ? `Resume the fix once the service answers again, or move ${sam}`
      : `Move ${sam}`;
  return (
    `${orResume} back to ${home}. ${nothing} ` +
    (states.twin === 'soft-deleted'
      ? 'The next delta sync restores the twin from Deleted users as it was.'
      : 'The twin stays as it was.') +
    ' Then plan the fix again once the cause is fixed.'
  );
}

/** A stopped twin fix: the message, where every object stands, and the next safe action. */
export class TwinFixError extends AdminFacingError {
  constructor(
    readonly step: TwinStepName,
    readonly problem: TwinProblem,
    message: string,
    readonly states: TwinObjectStates,
    readonly nextSafeAction: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
