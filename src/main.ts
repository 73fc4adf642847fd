import 'dotenv/config';
import { createApp } from './app/create-app';
import { ConfigError, loadConfig } from './config/load-config';
import type { AnchorConfig } from './config/load-config';
import { routeConsoleToLogger } from './shared/console-capture';
import { createLogger } from './shared/logger';
import type { Logger } from './shared/logger';
import { productionServices } from './app/production-services';
import { startDemo } from './sim/demo/start-demo';
import { PlaygroundPortTakenError } from './sim/demo/playground';
import { DEMO_TENANT } from './sim/demo/demo-tenant';
import { DEMO_DEFAULTS } from './sim/demo/demo-defaults';

async function main(): Promise<void> {
  let config: AnchorConfig;
  try {
    config = loadConfig(process.env, DEMO_DEFAULTS);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const stop = config.mode === 'demo' ? await runDemo(config, logger) : await runProduction(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      void stop().then(() => process.exit(0));
    });
  }
}

async function runDemo(config: AnchorConfig, logger: Logger): Promise<() => Promise<void>> {
  const demo = await startDemo(config, logger);
  logger.info({ ...demo, stop: undefined }, 'demo started');
  console.log(
    [
      '',
      'Anchor is running in demo mode (everything simulated, on loopback only).',
      `  Bot endpoint:          ${demo.botUrl}/api/messages   (health: ${demo.botUrl}/healthz)`,
      `  Graph simulator:       ${demo.graphUrl}`,
      `  AD:                    ${demo.directory}`,
      `  Playground, requester: ${demo.requesterUrl}   (${DEMO_TENANT.requester.name}, admin)`,
      `  Playground, approver:  ${demo.approverUrl}   (${DEMO_TENANT.approver.name}, admin)`,
      'Open a Playground page and type "help". Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return demo.stop;
}

async function runProduction(config: AnchorConfig, logger: Logger): Promise<() => Promise<void>> {
  // Libraries print to the console (botbuilder prints the JWT library's errors); in production
  // every line goes through the redacting logger instead, as JSON.
  routeConsoleToLogger(logger);
  const app = createApp(config, productionServices(config, logger), logger);
  const port = await app.start();
  logger.info({ host: config.host, port, appId: config.botAuth.MicrosoftAppId }, 'Anchor listening');
  return app.stop;
}

main().catch((err: unknown) => {
  // A taken port is the user's to fix: the message says how, a stack would only bury it.
  if (err instanceof PlaygroundPortTakenError) console.error(err.message);
  else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
