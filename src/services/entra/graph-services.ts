import type { TokenCredential } from '@azure/identity';
import type { CloudDirectory, TwinCleanupDirectory } from './cloud-directory';
import { GraphApi } from './graph-api';
import { createGraphClient } from './graph-client';
import { createGraphCredential } from './graph-credential';
import { GraphCloudDirectory } from './graph-cloud-directory';
import type { GraphOptions } from './graph-options';
import { GraphTeamsApps } from './graph-teams-apps';

/** The Graph side of Anchor, built from configuration. */
export interface GraphServices {
  /** The cloud directory, with the reads and the deletion of the twin fix. */
  cloud: CloudDirectory & TwinCleanupDirectory;
  credential: TokenCredential;
  /** Anchor's Teams app in users' personal scope, and the admin group's members. */
  teams: GraphTeamsApps;
}

/**
 * Builds the credential, the SDK client and the cloud directory. Demo mode passes what is only
 * known once the simulator runs: its https authority and that authority's certificate, e.g.
 * `createGraphServices(config.graph, { baseUrl: graphUrl, authorityHost: sim.authorityUrl,
 * authorityCaPem: sim.authorityCaPem })`.
 */
export function createGraphServices(
  options: GraphOptions,
  overrides: Partial<GraphOptions> = {},
): GraphServices {
  const effective = { ...options, ...overrides };
  const credential = createGraphCredential(effective);
  const client = createGraphClient(effective, credential);
  const api = new GraphApi(client, effective.baseUrl);
  const cloud = new GraphCloudDirectory(api, { timeoutMs: effective.timeoutMs });
  const teams = new GraphTeamsApps(api, { timeoutMs: effective.timeoutMs });
  return { cloud, credential, teams };
}
