import { renameSync, writeFileSync } from 'node:fs';
import type { DirectoryUser } from '../../shared/directory/ad-directory';
import type { SimAdUser, SimAdView } from '../graph/model';
import type { DemoDirectory } from './demo-directory';

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

/**
 * Writes the AD view a delta reads, whole or not at all: a delta that reads the file while it is
 * rewritten (the ADSync host runs in the relay's process) sees the old view or the new one.
 * With `syncOus`, the file is a SimAdView and the ADSync host decides scope from each DN at the delta.
 */
export function writeAdView(
  file: string,
  users: readonly DirectoryUser[],
  syncOus?: readonly string[],
): void {
  const view: SimAdView | SimAdUser[] = syncOus
    ? { syncOus: [...syncOus], users: adViewOf(users) }
    : adViewOf(users);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(view));
  renameSync(temp, file);
}

/**
 * Keeps the AD view file the demo's deltas read equal to the demo directory: writes it now and
 * again at each change (a user moved to another OU), with the directory's sync OUs so the ADSync
 * host decides scope from each DN at the delta. Returns how to stop following the directory.
 */
export function keepAdViewCurrent(
  directory: DemoDirectory,
  file: string,
  onWrite: () => void = () => {},
): () => void {
  const write = () => writeAdView(file, directory.all(), directory.syncOus);
  write();
  return directory.onChange(() => {
    write();
    onWrite();
  });
}

/** `corp.example.test` for a DN under `DC=corp,DC=example,DC=test`. */
function upnSuffixOf(dn: string): string {
  return [...dn.matchAll(/DC=([^,]+)/gi)].map((m) => m[1]).join('.');
}
