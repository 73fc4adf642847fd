import 'dotenv/config';
import { createLogger } from '../shared/logger';
import type { Logger } from '../shared/logger';
import { PACKAGE_VERSION } from '../shared/paths';
import { RelayAgent } from './agent';
import { BotClient } from './bot-client';
import { RelayConfigError, loadRelayConfig } from './config';
import type { RelayConfig } from './config';
import { EventOutbox } from './event-outbox';
import { keygenOptions, keygenText } from './keygen';
import { SyncServerOperations } from './operations';
import { PauseLease } from './pause-lease';
import { PowerShellRunner } from './powershell-runner';
import { DirectoryReads } from './directory-reads';
import { LdapDirectory } from '../shared/directory/ldap-directory';
import { SerialQueue } from '../shared/serial-queue';
import { RelayStateFile } from './state-file';

/** How long a stop waits for the job in hand before the process exits anyway. */
const STOP_GRACE_MS = 20_000;

/**
 * The relay's entry point (`npm run relay`, or `npm run relay:keygen`). It never listens on a
 * port: it polls the bot over outbound HTTPS and runs the allowlisted ADSync operations.
 */
async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'keygen') {
    process.stdout.write(keygenText(keygenOptions(argv.slice(1))));
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(
      `Unknown command "${argv[0]}". Usage: relay [keygen [--relay-id ID] [--bot-key-id ID]]\n`,
    );
    process.exitCode = 2;
    return;
  }
  let config: RelayConfig;
  try {
    config = loadRelayConfig(process.env);
  } catch (err) {
    if (!(err instanceof RelayConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  await run(config, createLogger({ level: config.logLevel, name: 'anchor-relay' }));
}

async function run(config: RelayConfig, logger: Logger): Promise<void> {
  if (process.env.NODE_POWERSHELL) {
    logger.warn('NODE_POWERSHELL is set; node-powershell runs it instead of RELAY_PWSH');
  }
  const serial = new SerialQueue();
  const runner = new PowerShellRunner({
    executable: config.pwsh,
    timeoutMs: config.operationTimeoutMs,
    onShellEvent: (event, detail) => logger.info({ event, detail }, `PowerShell ${event}`),
  });
  const operations = new SyncServerOperations(runner, {
    deltaDeadlineMs: config.deltaDeadlineMs,
    busyRetryMs: config.busyRetryMs,
    server: config.relayId,
    resumeAttempts: config.resumeAttempts,
    resumeRetryMs: config.resumeRetryMs,
    idleConfirmReads: config.idleConfirmReads,
    idleConfirmMs: config.idleConfirmMs,
    restartTimeoutMs: config.restartTimeoutMs,
  });
  const ldap = config.directory ? new LdapDirectory(config.directory) : null;
  if (config.directory?.tlsInsecure) {
    logger.warn(
      { ldapUrl: config.directory.url },
      'LDAP_TLS_INSECURE=true: the domain controller certificate is NOT checked. Use this in a lab only.',
    );
  }
  const directory = new DirectoryReads(ldap, config.relayId);
  const state = new RelayStateFile(config.stateFile);
  const outbox = new EventOutbox(state);
  let agent: RelayAgent | null = null;
  const lease = new PauseLease({
    relayId: config.relayId,
    leaseMs: config.pauseLeaseMs,
    retryMs: config.leaseRetryMs,
    state,
    logger,
    resume: (stillOwed) =>
      serial.run(async () => {
        if (!stillOwed()) return;
        const outcome = await operations.run('resume');
        agent?.refreshSoon();
        // The operation reads the scheduler back; `done` means it shows enabled again.
        if (outcome.outcome !== 'done' || outcome.state.syncCycleEnabled !== true) {
          throw new Error(outcome.message);
        }
      }),
  });
  const client = new BotClient({
    botUrl: config.botUrl,
    relayId: config.relayId,
    privateKey: config.privateKey,
    botKeyId: config.botKeyId,
    botPublicKey: config.botPublicKey,
    ca: config.ca,
  });
  agent = new RelayAgent({
    relayId: config.relayId,
    version: PACKAGE_VERSION,
    pollIntervalMs: config.pollIntervalMs,
    longPollSeconds: config.longPollSeconds,
    client,
    runner,
    operations,
    directory,
    lease,
    outbox,
    serial,
    logger,
  });

  await runner.start();
  if (runner.ready)
    logger.info({ pwsh: config.pwsh }, 'PowerShell ready with the ADSync module (scheduler read)');
  else
    logger.error(
      { pwsh: config.pwsh, problem: runner.problem },
      `PowerShell is not ready: ${runner.problem}`,
    );
  // The lease first: a pause that ran out while the relay was stopped is resumed now.
  await lease.load();
  agent.start();
  logger.info(
    {
      relayId: config.relayId,
      botUrl: config.botUrl,
      version: PACKAGE_VERSION,
      stateFile: config.stateFile,
      longPollSeconds: config.longPollSeconds,
      directory: directory.describe() ?? 'none (no LDAP_URL): AD reads through this relay fail',
    },
    'relay started',
  );

  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    const forced = setTimeout(() => {
      logger.error('the job in hand did not finish in time; exiting anyway');
      process.exit(1);
    }, STOP_GRACE_MS);
    forced.unref();
    await agent?.stop();
    lease.stop();
    await lease.idle(); // a resume the lease started by itself is finished, and its event stored
    if (lease.expiresAt) {
      // The lease is in the state file: the next start resumes the scheduler if it ran out meanwhile.
      logger.warn(
        { expiresAt: lease.expiresAt, stateFile: config.stateFile },
        'stopping while the scheduler is paused by Anchor; the lease is kept and honoured at the next start',
      );
    }
    await runner.dispose();
    await ldap?.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, (s) => void stop(s));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
