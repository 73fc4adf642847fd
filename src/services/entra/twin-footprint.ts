import type { FootprintAppRole, FootprintGroup, Knowable, MailboxFacts, SignInActivity } from './cloud-user';
import { CloudDirectoryError } from './graph-errors';

/** A service plan as Graph lists it in assignedPlans or provisionedPlans. */
export interface PlanBody {
  service?: string | null;
  capabilityStatus?: string | null;
  provisioningStatus?: string | null;
}

/** The user properties one footprint read selects. */
export interface FootprintUserBody {
  id: string;
  createdDateTime?: string | null;
  mail?: string | null;
  proxyAddresses?: string[] | null;
  assignedLicenses?: { skuId?: string | null }[] | null;
  assignedPlans?: PlanBody[] | null;
  provisionedPlans?: PlanBody[] | null;
}

/** `$select` of the footprint's user read (all returned on $select only, but signInActivity). */
export const FOOTPRINT_USER_SELECT = [
  'id',
  'createdDateTime',
  'mail',
  'proxyAddresses',
  'assignedLicenses',
  'assignedPlans',
  'provisionedPlans',
];

const isExchange = (plan: PlanBody) => (plan.service ?? '').toLowerCase() === 'exchange';
const isDeleted = (plan: PlanBody) => (plan.capabilityStatus ?? '').toLowerCase() === 'deleted';

/**
 * Mailbox facts from the user's plans. A mailbox counts when Exchange Online reports its plan
 * provisioned (`provisionedPlans`: service `exchange`, provisioningStatus `Success`) and the
 * capability is not `Deleted`; an Exchange plan that is only assigned, or pending, is not yet a
 * mailbox but is reported (`exchangeProvisioning`), so the admin sees it.
 */
export function mailboxFacts(user: FootprintUserBody): MailboxFacts {
  const provisioned = (user.provisionedPlans ?? []).filter(isExchange);
  const live = provisioned.filter((p) => !isDeleted(p));
  const success = live.find((p) => (p.provisioningStatus ?? '').toLowerCase() === 'success');
  return {
    hasMailbox: success !== undefined,
    exchangeProvisioning: (success ?? live[0] ?? provisioned[0])?.provisioningStatus ?? null,
    exchangeLicensed: (user.assignedPlans ?? []).some(
      (p) => isExchange(p) && ['enabled', 'warning'].includes((p.capabilityStatus ?? '').toLowerCase()),
    ),
    mail: user.mail ?? null,
    proxyAddresses: user.proxyAddresses ?? [],
  };
}

/** SKU ids of the licences, in Graph's order. */
export function licenceSkus(user: FootprintUserBody): string[] {
  return (user.assignedLicenses ?? []).flatMap((l) => (l.skuId ? [l.skuId] : []));
}

/** Graph's signInActivity, or null when it has none for the user. */
export function toSignInActivity(value: unknown): SignInActivity | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const at = (name: string) => (typeof v[name] === 'string' && v[name] ? (v[name] as string) : null);
  return {
    lastSignInDateTime: at('lastSignInDateTime'),
    lastNonInteractiveSignInDateTime: at('lastNonInteractiveSignInDateTime'),
    lastSuccessfulSignInDateTime: at('lastSuccessfulSignInDateTime'),
  };
}

/** A group of a membership list, as Graph returned it. */
export function toFootprintGroup(body: { id: string; displayName?: string | null }): FootprintGroup {
  return { id: body.id, displayName: body.displayName ?? null };
}

/** An app role assignment, as Graph returned it. */
export function toFootprintAppRole(body: {
  id: string;
  appRoleId: string;
  resourceId?: string | null;
  resourceDisplayName?: string | null;
}): FootprintAppRole {
  return {
    id: body.id,
    appRoleId: body.appRoleId,
    resourceId: body.resourceId ?? null,
    resourceDisplayName: body.resourceDisplayName ?? null,
  };
}

/**
 * The reason a part could not be read, which its check shows after "could not check": the error's
 * own message says why (a GraphPermissionError names the permission to grant). Only directory
 * errors are turned into an unknown; anything else is a bug and is rethrown, and so is a cancelled
 * operation.
 */
export function unknownFrom<T>(what: string, err: unknown, signal?: AbortSignal): Knowable<T> {
  if (signal?.aborted || !(err instanceof CloudDirectoryError)) throw err;
  return { known: false, reason: `reading ${what} failed: ${err.message}` };
}

/** Runs one read of a part; its failure becomes the part's "could not check". */
export async function knowable<T>(
  what: string,
  read: () => Promise<T>,
  signal?: AbortSignal,
): Promise<Knowable<T>> {
  try {
    return { known: true, value: await read() };
  } catch (err) {
    return unknownFrom<T>(what, err, signal);
  }
}
