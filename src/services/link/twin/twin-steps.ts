import type { CloudUserDetail, DeletedCloudUser, ImmutableIdHolders } from '../../entra/cloud-user';
import { inSyncScope } from './parking-ou';
import type { TwinPlan } from './twin-plan';

/**
 * The six steps of a twin fix, in order. `park` and `return` are the admin's (Anchor never writes
 * to AD; it watches the AD user's DN), the others Anchor's, through the relay and Graph.
 */
export const TWIN_STEPS = ['park', 'soft-delete', 'hard-delete', 'link', 'return', 'hard-match'] as const;

/** One of {@link TWIN_STEPS}. */
export type TwinStepName = (typeof TWIN_STEPS)[number];

/** What one step is, for the card and the audit. */
export interface TwinStepInfo {
  number: number;
  actor: 'admin' | 'anchor';
  title: string;
  /** What the step waits for. */
  waitsFor: string;
  /** What must read back before the next step starts. */
  verifies: string;
}

/** Every step described. */
export const TWIN_STEP_INFO: Record<TwinStepName, TwinStepInfo> = {
  park: {
    number: 1,
    actor: 'admin',
    title: 'Move the AD user out of sync scope',
    waitsFor: 'the admin to move the AD user to the parking OU',
    verifies: "the AD user's DN reads back outside LDAP_SYNC_OUS",
  },
  'soft-delete': {
    number: 2,
    actor: 'anchor',
    title: 'Delta sync: the twin is soft-deleted',
    waitsFor: 'a delta sync cycle to soft-delete the twin',
    verifies: 'the twin the plan named is in Deleted users with the anchor, and no other object holds it',
  },
  'hard-delete': {
    number: 3,
    actor: 'anchor',
    title: 'Permanently delete the twin',
    waitsFor: 'Deleted users to no longer list the twin',
    verifies: 'the twin is gone from Deleted users and nothing holds the anchor',
  },
  link: {
    number: 4,
    actor: 'anchor',
    title: 'Set the ImmutableId on the original',
    waitsFor: 'the link run (pause, wait for no cycle, re-check, set, resume)',
    verifies: 'the original reads back with the anchor',
  },
  return: {
    number: 5,
    actor: 'admin',
    title: 'Move the AD user back into sync scope',
    waitsFor: 'the admin to move the AD user back',
    verifies: "the AD user's DN reads back inside LDAP_SYNC_OUS",
  },
  'hard-match': {
    number: 6,
    actor: 'anchor',
    title: 'Delta sync: the original is hard-matched',
    waitsFor: 'a delta sync cycle to match the original',
    verifies: 'the original reads back synced with the anchor, and is its only holder',
  },
};

/** Why a step stopped. */
export type TwinProblem =
  /** The AD user is no longer found by its objectGUID. */
  | 'ad-user-missing'
  /** The AD user went back into the sync scope before the original held the anchor. */
  | 'ad-user-moved'
  /** A bounded wait ran out. */
  | 'wait-timeout'
  /** The soft-deleted object is not the twin the plan named (another id, or another value). */
  | 'twin-mismatch'
  /** Another object, live or deleted, holds the anchor. */
  | 'anchor-held'
  /** The twin is neither live nor in Deleted users: someone else deleted it for good. */
  | 'twin-gone'
  /** The twin came back (restored) after Anchor confirmed it soft-deleted. */
  | 'twin-restored'
  /** The original is not as approved (deleted, synced, or carrying a value). */
  | 'original-changed'
  /** Graph refused or failed the permanent delete. */
  | 'delete-failed'
  /** The link run stopped, or the original did not read back with the anchor. */
  | 'link-failed'
  /** The directory, Graph or the relay failed or could not be reached (a resume may get past it). */
  | 'service-failed'
  /** The plan names no parking OU. */
  | 'no-parking-ou';

/** What one look at the objects says: go on, keep waiting, or stop. */
export type Verification =
  | { state: 'done'; detail: string }
  | { state: 'waiting'; detail: string }
  | { state: 'stop'; problem: TwinProblem; detail: string };

const done = (detail: string): Verification => ({ state: 'done', detail });
const waiting = (detail: string): Verification => ({ state: 'waiting', detail });
const stop = (problem: TwinProblem, detail: string): Verification => ({ state: 'stop', problem, detail });

/** Step 1: the AD user's DN, read back by its objectGUID (null: not found). */
export function verifyParked(dn: string | null, plan: TwinPlan): Verification {
  if (dn === null) return stop('ad-user-missing', `no AD user has objectGUID ${plan.ad.objectGuid} any more`);
  if (inSyncScope(dn, plan.syncScopeOus)) {
    return waiting(
      `waiting for you to move ${plan.ad.sAMAccountName} to ${plan.parking?.dn ?? 'an OU outside the sync scope'} (now ${dn})`,
    );
  }
  return done(`${plan.ad.sAMAccountName} is outside the sync scope at ${dn}`);
}

/**
 * Before the permanent delete and before the link: the AD user must still be parked. Back in scope
 * now, the next cycle would restore the soft-deleted twin, or create a new synced user once it is
 * deleted for good.
 */
export function verifyStillParked(dn: string | null, plan: TwinPlan): Verification {
  const parked = verifyParked(dn, plan);
  if (parked.state !== 'waiting') return parked;
  return stop(
    'ad-user-moved',
    `${plan.ad.sAMAccountName} is back in the sync scope (${dn}) before the original holds its anchor`,
  );
}

/** Step 5: the AD user's DN, read back by its objectGUID. */
export function verifyReturned(dn: string | null, plan: TwinPlan): Verification {
  if (dn === null) return stop('ad-user-missing', `no AD user has objectGUID ${plan.ad.objectGuid} any more`);
  if (!inSyncScope(dn, plan.syncScopeOus)) {
    return waiting(`waiting for you to move ${plan.ad.sAMAccountName} back to ${plan.ad.homeOu} (now ${dn})`);
  }
  return done(`${plan.ad.sAMAccountName} is back in the sync scope at ${dn}`);
}

/** What Graph says about the twin: live (getUser), deleted (getDeletedUser), and the holders of the value. */
export interface TwinObservation {
  live: CloudUserDetail | null;
  deleted: DeletedCloudUser | null;
  holders: ImmutableIdHolders;
}

/**
 * Step 2. Done only when the twin the plan named is in Deleted users carrying the anchor, and no
 * other object, live or deleted, holds it: otherwise step 3 would delete the wrong object or
 * free nothing.
 */
export function verifySoftDeleted(obs: TwinObservation, plan: TwinPlan): Verification {
  const twin = plan.twin;
  const others = otherHolders(obs.holders, [twin.id]);
  if (others.live.length > 0 || incomplete(obs.holders)) {
    return stop(
      'anchor-held',
      `${plan.ad.immutableId} is also held by ${describe(others.live, incomplete(obs.holders))}`,
    );
  }
  if (obs.live !== null)
    return waiting(`${twin.userPrincipalName} is still live; waiting for the sync to soft-delete it`);
  if (others.deleted.length > 0) {
    return stop(
      'twin-mismatch',
      `the soft-deleted holder of ${plan.ad.immutableId} is ${describe(others.deleted, false)}, not the twin ${twin.id} the plan named`,
    );
  }
  if (obs.deleted === null) {
    return stop(
      'twin-gone',
      `the twin ${twin.id} is neither live nor in Deleted users: it was deleted for good, not by Anchor`,
    );
  }
  if (obs.deleted.onPremisesImmutableId !== plan.ad.immutableId) {
    return stop(
      'twin-mismatch',
      `the deleted user ${obs.deleted.id} carries ${obs.deleted.onPremisesImmutableId ?? 'no ImmutableId'}, not ${plan.ad.immutableId}`,
    );
  }
  return done(
    `${twin.userPrincipalName} (${twin.id}) is soft-deleted and the only holder of ${plan.ad.immutableId}`,
  );
}

/** Step 3, after the DELETE: done when the twin is gone from Deleted users and nothing holds the value. */
export function verifyHardDeleted(obs: TwinObservation, plan: TwinPlan): Verification {
  if (obs.live !== null)
    return stop('twin-restored', `${plan.twin.userPrincipalName} (${plan.twin.id}) is live again`);
  const others = otherHolders(obs.holders, []);
  if (others.live.length > 0 || incomplete(obs.holders)) {
    return stop(
      'anchor-held',
      `${plan.ad.immutableId} is held by ${describe(others.live, incomplete(obs.holders))}`,
    );
  }
  if (obs.deleted !== null) return waiting(`Deleted users still lists ${plan.twin.id}`);
  const deletedOthers = others.deleted.filter((u) => u.id !== plan.twin.id);
  if (deletedOthers.length > 0) {
    return stop('anchor-held', `${plan.ad.immutableId} is held by ${describe(deletedOthers, false)}`);
  }
  // The holder search may lag behind the delete; the twin's own id being gone is the fact that counts.
  if (others.deleted.length > 0) return waiting(`the holder search still lists ${plan.twin.id}`);
  return done(
    `${plan.twin.userPrincipalName} (${plan.twin.id}) is permanently deleted; nothing holds ${plan.ad.immutableId}`,
  );
}

/**
 * Before the permanent delete and before the link: the original must be as approved (still there,
 * cloud-only, without a value), or deleting the twin would leave the AD user with nothing to match.
 */
export function verifyOriginalUnchanged(original: CloudUserDetail | null, plan: TwinPlan): Verification {
  const id = plan.original.id;
  if (original === null) return stop('original-changed', `the original cloud user ${id} no longer exists`);
  if (original.onPremisesSyncEnabled !== null) {
    return stop(
      'original-changed',
      `the original ${original.userPrincipalName} is no longer cloud-only (onPremisesSyncEnabled ${original.onPremisesSyncEnabled})`,
    );
  }
  if (original.onPremisesImmutableId !== null) {
    return stop(
      'original-changed',
      `the original ${original.userPrincipalName} now carries ImmutableId ${original.onPremisesImmutableId}`,
    );
  }
  return done(`the original ${original.userPrincipalName} is still cloud-only without an ImmutableId`);
}

/** Step 4: the original reads back with the anchor. */
export function verifyLinked(original: CloudUserDetail | null, plan: TwinPlan): Verification {
  if (original === null)
    return stop('original-changed', `the original cloud user ${plan.original.id} no longer exists`);
  if (original.onPremisesImmutableId === plan.ad.immutableId) {
    return done(`${original.userPrincipalName} holds ${plan.ad.immutableId}`);
  }
  return stop(
    'link-failed',
    `${original.userPrincipalName} reads back with ${original.onPremisesImmutableId ?? 'no ImmutableId'}, not ${plan.ad.immutableId}`,
  );
}

/** Step 6: the original is synced with the anchor and is its only holder (no new twin was made). */
export function verifyHardMatched(
  original: CloudUserDetail | null,
  holders: ImmutableIdHolders,
  plan: TwinPlan,
): Verification {
  if (original === null)
    return stop('original-changed', `the original cloud user ${plan.original.id} no longer exists`);
  const others = otherHolders(holders, [plan.original.id]);
  if (others.live.length > 0 || others.deleted.length > 0 || incomplete(holders)) {
    return stop(
      'anchor-held',
      `${plan.ad.immutableId} is also held by ${describe([...others.live, ...others.deleted], incomplete(holders))}`,
    );
  }
  if (original.onPremisesImmutableId !== plan.ad.immutableId) {
    return stop(
      'link-failed',
      `${original.userPrincipalName} lost its ImmutableId (now ${original.onPremisesImmutableId ?? 'none'})`,
    );
  }
  if (original.onPremisesSyncEnabled !== true)
    return waiting(`waiting for the sync to match ${original.userPrincipalName}`);
  return done(
    `${original.userPrincipalName} is synced from ${plan.ad.sAMAccountName} with ${plan.ad.immutableId}`,
  );
}

function otherHolders(holders: ImmutableIdHolders, except: readonly string[]) {
  return {
    live: holders.users.filter((u) => !except.includes(u.id)),
    deleted: holders.deletedUsers.filter((u) => !except.includes(u.id)),
  };
}

/**
 * True when the holder list may miss someone: Graph capped it, or could not filter the recycle bin
 * and the scan stopped early. A step that must know "nothing else holds the value" cannot pass then.
 */
function incomplete(holders: ImmutableIdHolders): boolean {
  return holders.truncated || (holders.recycleBinScan !== undefined && !holders.recycleBinScan.complete);
}

function describe(users: readonly { id: string; userPrincipalName: string }[], truncated: boolean): string {
  const listed = users.map((u) => `${u.userPrincipalName} (${u.id})`).join(', ');
  if (!truncated) return listed;
  return listed ? `${listed} and more` : 'more objects than Anchor could list';
}
