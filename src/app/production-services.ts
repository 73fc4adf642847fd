import type { AppServices } from './create-app';
import type { AnchorConfig } from '../config/load-config';
import type { Logger } from '../shared/logger';
import { createGraphServices } from '../services/entra/graph-services';
import { LdapDirectory } from '../shared/directory/ldap-directory';
import { createStateStore } from '../services/state/state-store-factory';

/**
 * The services production runs on: the on-prem AD over LDAP (or none here: with
 * DIRECTORY_SOURCE=relay the app reads it through the relay), Entra ID over Graph, and the state
 * store STATE_STORE names (files by default). A storage account URL signs in with the Graph
 * credential, so one identity (secret, certificate or managed identity) needs roles on both.
 */
export function productionServices(config: AnchorConfig, logger: Logger): AppServices {
  const directory = directDirectory(config, logger);
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
  return { ...(directory ? { directory } : {}), store, cloud, teams };
}

/** The DC this instance reads itself, or undefined when AD is read through the relay. */
function directDirectory(config: AnchorConfig, logger: Logger): LdapDirectory | undefined {
  if (config.directory.source === 'relay') {
    logger.info('AD: read through the relay on the Entra Connect server (DIRECTORY_SOURCE=relay)');
    return undefined;
  }
  if (!config.ldap)
    throw new Error('DIRECTORY_SOURCE=ldap needs the LDAP settings; loadConfig() checks them.');
  if (config.ldap.tlsInsecure) {
    logger.warn(
      { ldapUrl: config.ldap.url },
      'LDAP_TLS_INSECURE=true: the domain controller certificate is NOT checked. Use this in a lab only.',
    );
  }
  logger.info({ ldapUrl: config.ldap.url }, 'AD: read directly over LDAP (DIRECTORY_SOURCE=ldap)');
  return new LdapDirectory(config.ldap);
}
