import type { AppServices } from './create-app';
import type { AnchorConfig } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { createGraphServices } from '../services/entra/graph-services';
import { LdapDirectory } from '../shared/directory/ldap-directory';
import { createStateStore } from '../services/state/state-store-factory';

/**
 * The services production runs on: the on-prem AD over LDAP, Entra ID over Graph, and the state
 * store STATE_STORE names (files by default). A storage account URL signs in with the Graph
 * credential, so one identity (secret, certificate or managed identity) needs roles on both.
 */
export function productionServices(config: AnchorConfig, logger: Logger): AppServices {
  if (!config.ldap) throw new Error('Production needs the LDAP settings; loadConfig() checks them.');
  if (config.ldap.tlsInsecure) {
    logger.warn(
      { ldapUrl: config.ldap.url },
      'LDAP_TLS_INSECURE=true: the domain controller certificate is NOT checked. Use this in a lab only.',
    );
  }
  const { cloud, credential, teams } = createGraphServices(config.graph);
  logger.info(
    { graph: config.graph.baseUrl, credential: config.graph.credential.kind },
    'Graph: credential chosen from configuration',
  );
  const store = createStateStore(config.storage, credential);
  logger.info({ storage: store.describe() }, 'State store chosen from configuration');
  if (config.storage.kind === 'memory') {
    logger.warn(
      'STATE_STORE=memory: pending approvals, relay jobs and the audit log are lost on restart and not shared between instances.',
    );
  }
  return { directory: new LdapDirectory(config.ldap), store, cloud, teams };
}
