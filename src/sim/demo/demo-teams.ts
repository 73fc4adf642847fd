import type { GraphSimulatorSeed } from '../graph/graph-simulator';
import type { SimCloudUser } from '../graph/model';
import type { TeamworkSeed } from '../graph/teamwork-state';
import { playgroundPersonalChatId } from './playground';
import { DEMO_TENANT, cloudOnlyUser } from './demo-tenant';

/** Anchor's id in the demo tenant's Teams app catalog (TEAMS_APP_CATALOG_ID in demo mode). */
export const DEMO_TEAMS_APP = {
  id: '7e2a9c41-5b3d-4f6e-8a1c-2d3e4f5a6b7c',
  displayName: 'Anchor',
} as const;

/** The demo's two admins as Entra users: Anchor reads their names and installs itself for them. */
export function demoAdminCloudUsers(): SimCloudUser[] {
  return [DEMO_TENANT.requester, DEMO_TENANT.approver].map((admin) =>
    cloudOnlyUser(admin.aadObjectId, admin.upn, admin.name),
  );
}

/**
 * The demo tenant's Teams: Anchor in the catalog, installed for nobody yet. Each person's chat
 * with Anchor has the id of their Agents Playground's personal chat, so a reference built from
 * it names the chat the Playground shows.
 */
export function demoTeamwork(): TeamworkSeed {
  const people = [DEMO_TENANT.requester, DEMO_TENANT.approver, ...DEMO_TENANT.others];
  return {
    apps: [{ ...DEMO_TEAMS_APP }],
    chatIds: Object.fromEntries(people.map((p) => [p.aadObjectId, playgroundPersonalChatId(p)])),
  };
}

/**
 * The demo tenant with its Teams side: the demo seed, the two admins as Entra users (Anchor reads
 * their names and installs itself for them) and the Teams app catalog. What `npm start` serves.
 */
export function withDemoTeams(seed: GraphSimulatorSeed): GraphSimulatorSeed {
  return { ...seed, users: [...seed.users, ...demoAdminCloudUsers()], teamwork: demoTeamwork() };
}
