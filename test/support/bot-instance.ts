/**
 * One Anchor instance for the scale-out tests, run as its own process: the real app (createApp)
 * from demo-style settings in the environment (anonymous bot, relay keys, shared storage), with
 * the test's Graph simulator (INSTANCE_GRAPH_URL, INSTANCE_AUTHORITY_URL, INSTANCE_AUTHORITY_CA_FILE)
 * and the scale-out tenant's AD. Prints "instance listening" once it serves.
 */
import { readFileSync } from 'node:fs';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../src/sim/demo/demo-defaults';
import { createLogger } from '../../src/shared/logger';
import { DemoDirectory } from '../../src/sim/demo/demo-directory';
import { createGraphServices } from '../../src/services/entra/graph-services';
import { createStateStore } from '../../src/services/state/state-store-factory';
import { scaleOutDirectory } from './scale-out-tenant';

async function main(): Promise<void> {
  const env = process.env;
  const config = loadConfig(env, DEMO_DEFAULTS);
  const logger = createLogger({ level: config.logLevel, name: `anchor-${env.INSTANCE_NAME ?? 'instance'}` });
  const { cloud, teams } = createGraphServices(config.graph, {
    baseUrl: required('INSTANCE_GRAPH_URL'),
    authorityHost: required('INSTANCE_AUTHORITY_URL'),
    authorityCaPem: readFileSync(required('INSTANCE_AUTHORITY_CA_FILE'), 'utf8'),
  });
  const store = createStateStore(config.storage);
  // INSTANCE_TEAMS=1: Teams installs and the admin group through Graph too (the approver tests).
  const withTeams = env.INSTANCE_TEAMS === '1' ? { teams } : {};
  const app = createApp(
    config,
    { directory: new DemoDirectory(scaleOutDirectory()), store, cloud, ...withTeams },
    logger,
  );
  const port = await app.start();
  logger.info({ port, store: store.describe() }, 'instance listening');
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
