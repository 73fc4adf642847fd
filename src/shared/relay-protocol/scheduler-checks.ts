/**
 * The words both sides use when the sync scheduler did not do what it was told. The relay reads
 * the scheduler back after every pause and resume and reports these; the bot checks the state a
 * result carries again (a relay that said `done` is not trusted alone) and says the same.
 */

/** The cmdlet that resumes the scheduler, as an admin types it on the server. */
export const RESUME_CMDLET = 'Set-ADSyncScheduler -SyncCycleEnabled $true';

/** The cmdlet that pauses the scheduler. */
export const PAUSE_CMDLET = 'Set-ADSyncScheduler -SyncCycleEnabled $false';

/** A pause that did not take: Get-ADSyncScheduler still shows SyncCycleEnabled True. */
export function pauseNotTakenMessage(server: string): string {
  return `the scheduler is still enabled after ${PAUSE_CMDLET} on ${server}`;
}

/** The headline of a resume that did not take: the scheduler stays paused. */
export function stillPausedMessage(server: string): string {
  return `the sync scheduler is still paused on ${server}`;
}

/** What an admin does about a scheduler that stays paused. */
export function stillPausedInstruction(server: string): string {
  return (
    `Run ${RESUME_CMDLET} on ${server} and check with Get-ADSyncScheduler that SyncCycleEnabled is True; ` +
    'until it is, no changes reach Entra ID. The relay keeps trying to resume it by itself.'
  );
}

/**
 * Set-ADSyncScheduler was refused for the relay account's rights. Microsoft documents
 * ADSyncOperators for running sync cycles, not for changing the scheduler; ADSyncAdmins may.
 */
export function schedulerAccessDeniedMessage(server: string): string {
  return (
    `the relay's account may not pause the scheduler on ${server} (Set-ADSyncScheduler: access denied): ` +
    'add it to ADSyncAdmins, or to the group Entra Connect uses in its place (a domain group on a ' +
    'domain controller or with custom groups)'
  );
}
