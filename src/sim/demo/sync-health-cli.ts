import { readDemoControls } from './demo-controls';
import {
  SYNC_HEALTH_SCENARIOS,
  applySyncHealthScenario,
  isSyncHealthScenario,
} from './sync-health-scenarios';

/**
 * `npm run demo:sync-health -- <scenario>`: changes the running demo's simulated sync server so its
 * sync-health monitor alerts (or recovers) on its next round.
 */
async function main(): Promise<void> {
  const scenario = process.argv[2] ?? '';
  if (!isSyncHealthScenario(scenario)) {
    const list = Object.entries(SYNC_HEALTH_SCENARIOS)
      .map(([name, what]) => `  ${name.padEnd(16)} ${what}`)
      .join('\n');
    process.stderr.write(`Usage: npm run demo:sync-health -- <scenario>\n\n${list}\n`);
    process.exitCode = 2;
    return;
  }
  await applySyncHealthScenario(scenario, readDemoControls());
  process.stdout.write(
    `${scenario}: ${SYNC_HEALTH_SCENARIOS[scenario]}\nThe demo reads the sync health every 15 s: watch the Playgrounds for the alert card.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
