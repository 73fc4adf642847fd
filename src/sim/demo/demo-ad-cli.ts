import { moveDemoAdUser } from './demo-ad-control';
import { readDemoControls } from './demo-controls';
import { DEMO_SYNC_OUS } from './demo-tenant';

const USAGE = `Usage: npm run demo:ad -- move <login> <OU DN>

Moves a user of the running demo's AD to another OU, as an AD admin would; the next delta sync
exports the move (out of ${DEMO_SYNC_OUS.join(' or ')}: out of sync scope).
  e.g. npm run demo:ad -- move diegos "OU=Unsynced,DC=corp,DC=contoso,DC=com"
`;

/** `npm run demo:ad -- move <login> <OU DN>`: plays the AD admin's part in the running demo. */
async function main(): Promise<void> {
  const [verb, login, ou] = process.argv.slice(2);
  if (verb !== 'move' || !login || !ou) {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  const moved = await moveDemoAdUser(readDemoControls(), login, ou);
  process.stdout.write(
    `${moved.sAMAccountName} is now ${moved.dn}: ${moved.inSyncScope ? 'in' : 'out of'} sync scope.\nThe next delta sync exports the move.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
