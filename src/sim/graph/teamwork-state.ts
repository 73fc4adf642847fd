import { randomUUID } from 'node:crypto';

/** An app in the tenant's Teams app catalog (`/appCatalogs/teamsApps/{id}`). */
export interface SimTeamsApp {
  /** The catalog id Graph generates when the app is published; not the manifest id. */
  id: string;
  displayName: string;
}

/** An app installed in one user's personal scope (`/users/{id}/teamwork/installedApps/{id}`). */
export interface SimAppInstallation {
  id: string;
  teamsAppId: string;
  /** The personal chat between the user and the app's bot. */
  chatId: string;
}

/** What the simulated tenant's Teams starts with. */
export interface TeamworkSeed {
  /** The org catalog; empty unless seeded. */
  apps?: SimTeamsApp[];
  /** Users without a Teams licence: an install for them is refused. */
  unlicensedUserIds?: string[];
  /**
   * The id of each user's personal chat with a bot, as Teams would create it on install. The demo
   * names the Playground's chat here so a reference built from it reaches the Playground.
   */
  chatIds?: Record<string, string>;
  /** Apps already installed, by user id. */
  installed?: Record<string, string[]>;
}

/** Teams as the simulator keeps it: the app catalog, licences and per-user installations. */
export class TeamworkState {
  readonly apps: SimTeamsApp[];
  readonly unlicensed: Set<string>;
  private readonly chatIds: Record<string, string>;
  private readonly installs = new Map<string, SimAppInstallation[]>();

  constructor(seed: TeamworkSeed = {}) {
    this.apps = (seed.apps ?? []).map((a) => ({ ...a }));
    this.unlicensed = new Set((seed.unlicensedUserIds ?? []).map((id) => id.toLowerCase()));
    this.chatIds = { ...seed.chatIds };
    for (const [userId, appIds] of Object.entries(seed.installed ?? {})) {
      for (const appId of appIds) this.install(userId, appId);
    }
  }

  /** The user's installations, oldest first. */
  installedFor(userId: string): SimAppInstallation[] {
    return this.installs.get(userId.toLowerCase()) ?? [];
  }

  /** Installs the app for the user; the route checks the catalog, the licence and duplicates first. */
  install(userId: string, teamsAppId: string): SimAppInstallation {
    const key = userId.toLowerCase();
    const install: SimAppInstallation = {
      // Graph's installation ids are opaque base64 strings; the shape matters less than being unique.
      id: Buffer.from(`${key}##${teamsAppId}##${randomUUID()}`).toString('base64'),
      teamsAppId,
      chatId: this.chatIds[userId] ?? `19:${key}_${teamsAppId}@unq.gbl.spaces`,
    };
    this.installs.set(key, [...this.installedFor(key), install]);
    return install;
  }
}
