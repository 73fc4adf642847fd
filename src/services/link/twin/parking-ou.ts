import { isWithin, parseDn } from '../../../shared/directory/distinguished-name';

/** Where the AD user waits outside the sync scope while the twin is deleted, and why there. */
export interface ParkingOu {
  dn: string;
  /** `configured`: TWIN_PARKING_OU; `derived`: picked from the directory's OUs outside the scope. */
  source: 'configured' | 'derived';
}

/** What the parking OU is chosen from. */
export interface ParkingOuInput {
  /** TWIN_PARKING_OU, when set. */
  configured?: string;
  /** LDAP_SYNC_OUS: the OUs Entra Connect synchronises, as Anchor knows them. */
  syncScopeOus: readonly string[];
  /** The OUs the directory holds (the lead's adapter lists them); those inside the scope are ignored. */
  directoryOus: readonly string[];
  /** The AD user's DN now: among several candidates, the OU closest to it is named. */
  userDn: string;
}

/** The parking OU, or why none can be named (the message is for the admin). */
export type ParkingOuChoice = { ok: true; ou: ParkingOu } | { ok: false; problem: string };

/** True when `dn` lies inside one of the OUs Entra Connect syncs. */
export function inSyncScope(dn: string, syncScopeOus: readonly string[]): boolean {
  // Same rule as the directory's inSyncScope (ldap-user.ts): no OUs configured means everything syncs.
  return syncScopeOus.length === 0 || syncScopeOus.some((ou) => isWithin(dn, ou));
}

/**
 * The OU the plan names for step 1. A configured OU is used only when it is outside the scope:
 * parking the user inside it would soft-delete nothing and the wait would just run out. Without
 * LDAP_SYNC_OUS Anchor cannot tell any OU from the scope, so it names none rather than guess.
 * Anchor's view of the scope may differ from Entra Connect's OU filter; that is why step 2 waits
 * for the twin to really be soft-deleted instead of trusting this choice.
 */
export function chooseParkingOu(input: ParkingOuInput): ParkingOuChoice {
  if (input.syncScopeOus.length === 0) {
    return {
      ok: false,
      problem:
        'LDAP_SYNC_OUS is not set, so Anchor cannot tell which OUs Entra Connect leaves out: set it to the ' +
        'OUs Entra Connect synchronises, and TWIN_PARKING_OU to an OU it does not.',
    };
  }
  const configured = input.configured?.trim();
  if (configured) {
    if (inSyncScope(configured, input.syncScopeOus)) {
      return {
        ok: false,
        problem: `TWIN_PARKING_OU ${configured} lies inside the sync scope (LDAP_SYNC_OUS); name an OU Entra Connect does not sync.`,
      };
    }
    return { ok: true, ou: { dn: configured, source: 'configured' } };
  }
  const outside = input.directoryOus.filter(
    (ou) => !inSyncScope(ou, input.syncScopeOus) && !isDomainControllersOu(ou),
  );
  if (outside.length === 0) {
    return {
      ok: false,
      problem:
        'The directory has no OU outside the sync scope: create one (e.g. OU=Anchor parking) and set ' +
        'TWIN_PARKING_OU to it.',
    };
  }
  // Closest to where the user sits (the most RDNs in common from the root), then by name, so the
  // same directory always gives the same answer.
  const sorted = [...outside].sort(
    (a, b) => commonSuffix(b, input.userDn) - commonSuffix(a, input.userDn) || a.localeCompare(b),
  );
  return { ok: true, ou: { dn: sorted[0]!, source: 'derived' } };
}

/**
 * The domain's built-in `OU=Domain Controllers`: it holds the DCs and their GPO (the Default
 * Domain Controllers Policy), so a user parked there would get the DCs' policy. Never proposed.
 */
function isDomainControllersOu(dn: string): boolean {
  const [first, ...rest] = parseDn(dn);
  return (
    first?.toLowerCase() === 'ou=domain controllers' &&
    rest.length > 0 &&
    rest.every((rdn) => rdn.toLowerCase().startsWith('dc='))
  );
}

function commonSuffix(a: string, b: string): number {
  const x = parseDn(a).reverse();
  const y = parseDn(b).reverse();
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** The container a DN sits in: the DN without its first RDN. */
export function parentOf(dn: string): string {
  const comma = findFirstSeparator(dn);
  return comma < 0 ? '' : dn.slice(comma + 1).trim();
}

function findFirstSeparator(dn: string): number {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return i;
  }
  return -1;
}
