/*
 * The second process of the file store's cross-process race:
 *   node --import tsx test/support/file-store-increments.ts <dataDir> <key> <count>
 * Prints "ready", waits for a line on stdin so both processes start together, then increments
 * <key> <count> times with updateItem, one after another, and prints {"start":…,"end":…} (ms).
 */
import { createInterface } from 'node:readline';
import { updateItem } from '../../src/services/state/conditional-update';
import { FileStateStore } from '../../src/services/state/file-state-store';

async function main(): Promise<void> {
  const [dir, key, count] = process.argv.slice(2);
  const store = new FileStateStore(dir);
  const lines = createInterface({ input: process.stdin });
  console.log('ready');
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  const start = Date.now();
  for (let i = 0; i < Number(count); i++) await updateItem<number>(store, key, (n) => (n ?? 0) + 1);
  console.log(JSON.stringify({ start, end: Date.now() }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
