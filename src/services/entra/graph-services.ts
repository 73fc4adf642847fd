import type { TokenCredential } from '@azure/identity';
import type { CloudDirectory } from './cloud-directory';
import { GraphApi } from './graph-api';
import { createGraphClient } from './graph-client';
import { createGraphCredential } from './graph-credential';
import { GraphCloudDirectory } from './graph-cloud-directory';
import type { GraphOptions } from './graph-options';

/** The Graph side of Anchor, built from configuration. */
export interface GraphServices {
  cloud: CloudDirectory;
  credential: TokenCredential;
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
  const cloud = new GraphCloudDirectory(new GraphApi(client, effective.baseUrl), {
    timeoutMs: effective.timeoutMs,
  });
  return { cloud, credential };
}
