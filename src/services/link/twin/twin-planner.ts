import { AdminFacingError, adminMessage } from '../../../shared/admin-facing-error';
import type { DirectoryService } from '../../../shared/directory/ad-directory';
import type { CloudDirectory, TwinCleanupDirectory } from '../../entra/cloud-directory';
import type { CloudUserDetail, ImmutableIdHolders } from '../../entra/cloud-user';
import { UserNotFoundError } from '../../entra/graph-errors';
import type { PreflightReport } from '../preflight/report';
import { isWithin } from '../../../shared/directory/distinguished-name';
import type { ParkingOuChoice } from './parking-ou';
import { chooseParkingOu } from './parking-ou';
import type { TwinFootprint } from './twin-footprint';
import { footprintOf, unknownFootprint } from './twin-footprint';
import type { TwinPlan } from './twin-plan';
import { buildTwinPlan } from './twin-plan';
import type { TwinPlanning } from './twin-planning';

/** The preflight's synced twin is not there any more (or never was): the plan has nothing to fix. */
export class TwinNotFoundError extends AdminFacingError {
  constructor(message: string) {
    super(message);
    this.name = 'TwinNotFoundError';
  }
}

/** What the planner reads. */
export interface TwinPlannerOptions {
  cloud: Pick<CloudDirectory, 'findImmutableIdHolders' | 'getUser'> &
    Pick<TwinCleanupDirectory, 'getTwinFootprint'>;
  directory: Pick<DirectoryService, 'listOus'>;
  /** LDAP_SYNC_OUS. */
  syncScopeOus: readonly string[];
  /** TWIN_PARKING_OU, when set. */
  parkingOu?: string;
  now?: () => Date;
}

/**
 * Plans the fix of the synced twin a preflight found. Every fact is read afresh: the holders of
 * the value (the twin is the live synced one that is not the original), the twin, both users'
 * footprints and the directory's OUs. A footprint that cannot be read is "could not check" on
 * every part, so the plan blocks rather than shows "none".
 */
export class TwinPlanner implements TwinPlanning {
  constructor(private readonly options: TwinPlannerOptions) {}

  async plan(report: PreflightReport): Promise<TwinPlan> {
    const { cloud } = this.options;
    const holders = await cloud.findImmutableIdHolders(report.immutableId);
    const twin = await this.readTwin(report, holders);
    const [originalFootprint, twinFootprint, parking] = await Promise.all([
      this.footprint(report.cloud),
      this.footprint(twin),
      this.parking(report.ad.dn),
    ]);
    return buildTwinPlan({
      preflight: report,
      twin,
      holders,
      originalFootprint,
      twinFootprint,
      parking,
      syncScopeOus: this.options.syncScopeOus,
      now: (this.options.now ?? (() => new Date()))(),
    });
  }

  /** The live synced holder that is not the original, read again by id (the listing may lag). */
  private async readTwin(report: PreflightReport, holders: ImmutableIdHolders): Promise<CloudUserDetail> {
    const gone = new TwinNotFoundError(
      `No synced twin holds ImmutableId ${report.immutableId} next to ${report.cloud.userPrincipalName} any ` +
        'more: run the preflight again.',
    );
    const listed = holders.users.find(
      (u) => u.id.toLowerCase() !== report.cloud.id.toLowerCase() && u.onPremisesSyncEnabled === true,
    );
    if (!listed) throw gone;
    let twin: CloudUserDetail;
    try {
      twin = await this.options.cloud.getUser(listed.id);
    } catch (err) {
      if (err instanceof UserNotFoundError) throw gone;
      throw err;
    }
    if (twin.onPremisesSyncEnabled !== true || twin.onPremisesImmutableId !== report.immutableId) throw gone;
    return twin;
  }

  private async footprint(user: CloudUserDetail): Promise<TwinFootprint> {
    try {
      return footprintOf(user, await this.options.cloud.getTwinFootprint(user.id));
    } catch (err) {
      // Fail closed: "could not read" blocks the plan; it must never read as "holds nothing".
      return unknownFootprint(`Could not read what ${user.userPrincipalName} holds: ${adminMessage(err)}`);
    }
  }

  /**
   * The parking OU. The directory's OUs are listed either way: to pick one outside the scope, or
   * to confirm TWIN_PARKING_OU exists — step 1 would otherwise wait two hours for a move into an
   * OU the admin cannot find.
   */
  private async parking(userDn: string): Promise<ParkingOuChoice> {
    const { syncScopeOus, parkingOu } = this.options;
    let directoryOus: string[];
    try {
      directoryOus = await this.options.directory.listOus();
    } catch (err) {
      return {
        ok: false,
        problem: parkingOu
          ? `Anchor could not confirm that TWIN_PARKING_OU ${parkingOu} exists (${adminMessage(err)}); plan the fix again once the directory answers.`
          : `Anchor could not list the directory's OUs to pick one outside the sync scope (${adminMessage(err)}); ` +
            'set TWIN_PARKING_OU to an OU Entra Connect does not sync.',
      };
    }
    const choice = chooseParkingOu({ configured: parkingOu, syncScopeOus, directoryOus, userDn });
    if (
      choice.ok &&
      choice.ou.source === 'configured' &&
      !directoryOus.some((ou) => sameDn(ou, choice.ou.dn))
    ) {
      return {
        ok: false,
        problem: `TWIN_PARKING_OU ${choice.ou.dn} is not an OU of the directory (under the base DN): create it, or correct the setting.`,
      };
    }
    return choice;
  }
}

/** Two DNs name the same object (case and spacing aside). */
function sameDn(a: string, b: string): boolean {
  return isWithin(a, b) && isWithin(b, a);
}
