import type { DirectoryUser } from '../../services/ad/ad-directory';
import type { SimAdUser } from '../graph/model';

/**
 * AD users as a delta sync exports them to the simulated Entra ID: what the stand-in ADSync host
 * hands the Graph simulator's sync engine (a JSON file named by ADSYNC_SIM_AD_VIEW).
 */
export function adViewOf(users: readonly DirectoryUser[]): SimAdUser[] {
  return users.map((u) => ({
    sourceAnchor: u.sourceAnchor.immutableId,
    sAMAccountName: u.sAMAccountName,
    userPrincipalName: u.userPrincipalName ?? `${u.sAMAccountName}@${upnSuffixOf(u.dn)}`,
    mail: u.mail,
    displayName: u.displayName ?? u.sAMAccountName,
    givenName: u.givenName,
    surname: u.surname,
    distinguishedName: u.dn,
    enabled: u.enabled,
    inScope: u.inSyncScope,
  }));
}

/** `corp.example.test` for a DN under `DC=corp,DC=example,DC=test`. */
function upnSuffixOf(dn: string): string {
  return [...dn.matchAll(/DC=([^,]+)/gi)].map((m) => m[1]).join('.');
}
