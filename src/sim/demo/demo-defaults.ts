import type { DemoDefaults } from '../../config/demo-defaults';
import { DEMO_GRAPH_APP, DEMO_TENANT } from './demo-tenant';
import { DEMO_TEAMS_APP } from './demo-teams';

/** The demo tenant as configuration takes it: `loadConfig(env, DEMO_DEFAULTS)`. */
export const DEMO_DEFAULTS: DemoDefaults = {
  tenantId: DEMO_TENANT.tenantId,
  adminObjectIds: [DEMO_TENANT.requester.aadObjectId, DEMO_TENANT.approver.aadObjectId],
  graphApp: DEMO_GRAPH_APP,
  teamsAppCatalogId: DEMO_TEAMS_APP.id,
};
