import type { AppServices } from './app';
import type { AnchorConfig } from './config';
import type { Logger } from './logger';
import { createGraphServices } from './services/graph-services';
import { LdapDirectory } from './services/ldap-directory';
import { MemoryStateStore } from './services/memory-state-store';

/**
 * The services production runs on: the on-prem AD over LDAP and Entra ID over Graph. Durable storage is issue 8; until
 * then state is kept in memory.
 */
export function productionServices(config: AnchorConfig, logger: Logger): AppServices {
  if (!config.ldap) throw new Error('Production needs the LDAP settings; loadConfig() checks them.');
  if (config.ldap.tlsInsecure) {
    logger.warn(
      { ldapUrl: config.ldap.url },
      'LDAP_TLS_INSECURE=true: the domain controller certificate is NOT checked. Use this in a lab only.',
    );
  }
  const { cloud } = createGraphServices(config.graph);
  logger.info(
    { graph: config.graph.baseUrl, credential: config.graph.credential.kind },
    'Graph: credential chosen from configuration',
  );
  return { directory: new LdapDirectory(config.ldap), store: new MemoryStateStore(), cloud };
}
