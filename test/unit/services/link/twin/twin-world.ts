import sinon from 'sinon';
import type {
  CloudUserDetail,
  DeletedCloudUser,
  ImmutableIdHolders,
} from '../../../../../src/services/entra/cloud-user';
import { inSyncScope } from '../../../../../src/services/link/twin/parking-ou';
import { TwinFix } from '../../../../../src/services/link/twin/twin-fix';
import type { TwinFixTiming, TwinLinkResult } from '../../../../../src/services/link/twin/twin-fix';
import type { TwinJournalEntry } from '../../../../../src/services/link/twin/twin-journal';
import { APES_CLOUD_ID, APES_IMMUTABLE_ID, apesCloudUser } from '../../../../support/link-fixtures';
import { deletedTwin, HOME_DN, NOW, PARKED_DN, SYNC_OUS, TWIN_ID, twinUser } from './twin-fixtures';

/**
 * A small world for the executor: the AD user's DN, the twin (live, soft-deleted, gone), the
 * original's value, and a sync that behaves like Entra Connect on each delta. Every port is a
 * sinon stub over it, and `script` runs one admin action per sleep (the admin's moves).
 */
export class World {
  dn: string | null = HOME_DN;
  twin: 'live' | 'soft' | 'gone' = 'live';
  anchor: string | null = null;
  synced = false;
  /** Extra objects holding the value, besides the twin and the original. */
  otherLive: CloudUserDetail[] = [];
  otherDeleted: DeletedCloudUser[] = [];
  /** What the twin in Deleted users carries (another value makes it "another object"). */
  deletedTwinValue: string | null = APES_IMMUTABLE_ID;
  /** Whether a delta cycle acts on what it finds (false: a sync that does nothing). */
  syncWorks = true;
  /** One action per sleep, in order (the admin moving the AD user, someone changing something). */
  script: (((w: World) => void) | undefined)[] = [];
  time = NOW.getTime();
  readonly journal: TwinJournalEntry[] = [];

  readonly directory = {
    readDn: sinon.stub<[string], Promise<string | null>>().callsFake(async () => this.dn),
  };
  readonly relay = { delta: sinon.stub<[], Promise<void>>().callsFake(async () => this.delta()) };
  readonly cloud = {
    getUser: sinon.stub<[string], Promise<CloudUserDetail | null>>().callsFake(async (id) => this.user(id)),
    getDeletedUser: sinon
      .stub<[string], Promise<DeletedCloudUser | null>>()
      .callsFake(async (id) =>
        id === TWIN_ID && this.twin === 'soft'
          ? deletedTwin({ onPremisesImmutableId: this.deletedTwinValue })
          : null,
      ),
    hardDeleteDeletedUser: sinon.stub<[string], Promise<void>>().callsFake(async (id) => {
      if (id === TWIN_ID && this.twin === 'soft') this.twin = 'gone';
    }),
    findHolders: sinon.stub<[string], Promise<ImmutableIdHolders>>().callsFake(async () => this.holders()),
  };
  readonly linkRun = {
    setAnchor: sinon.stub<[unknown], Promise<TwinLinkResult>>().callsFake(async () => {
      this.anchor = APES_IMMUTABLE_ID;
      return { ok: true, detail: 'ImmutableId set' };
    }),
  };
  readonly sleep = sinon.stub<[number], Promise<void>>().callsFake(async (ms) => {
    this.time += ms;
    this.script.shift()?.(this);
  });

  fix(timing: Partial<TwinFixTiming> = {}): TwinFix {
    return new TwinFix({
      directory: this.directory,
      relay: this.relay,
      cloud: this.cloud,
      linkRun: this.linkRun,
      clock: { now: () => new Date(this.time) },
      sleep: this.sleep,
      journal: async (entry) => {
        this.journal.push(entry);
      },
      timing,
    });
  }

  /** The admin parks the user at the n-th sleep (1-based) and brings him back at the m-th. */
  adminMoves(parkAt: number, returnAt?: number): this {
    this.script[parkAt - 1] = (w) => (w.dn = PARKED_DN);
    if (returnAt !== undefined) this.script[returnAt - 1] = (w) => (w.dn = HOME_DN);
    return this;
  }

  private delta(): void {
    if (!this.syncWorks || this.dn === null) return;
    const inScope = inSyncScope(this.dn, SYNC_OUS);
    if (!inScope && this.twin === 'live') this.twin = 'soft';
    if (inScope && this.anchor === APES_IMMUTABLE_ID && this.twin === 'gone') this.synced = true;
  }

  private user(id: string): CloudUserDetail | null {
    if (id === TWIN_ID) return this.twin === 'live' ? twinUser() : null;
    if (id === APES_CLOUD_ID) {
      return apesCloudUser({
        onPremisesImmutableId: this.anchor,
        onPremisesSyncEnabled: this.synced ? true : null,
      });
    }
    return null;
  }

  private holders(): ImmutableIdHolders {
    const users = [...this.otherLive];
    if (this.twin === 'live') users.push(twinUser());
    if (this.anchor === APES_IMMUTABLE_ID) users.push(this.user(APES_CLOUD_ID)!);
    const deletedUsers = [...this.otherDeleted];
    if (this.twin === 'soft')
      deletedUsers.push(deletedTwin({ onPremisesImmutableId: this.deletedTwinValue }));
    return { users, deletedUsers, truncated: false };
  }
}
