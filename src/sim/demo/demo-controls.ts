import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DemoAdControl } from './demo-ad-control';

/** Where a running demo says how to reach its simulated sync server and Graph simulator. */
export const DEMO_CONTROLS_FILE = path.join(os.tmpdir(), 'anchor-demo-controls.json');

/** What `npm run demo:sync-health` and `npm run demo:ad` need to change a running demo. */
export interface DemoControls {
  /** The process running the demo; the file is stale once it is gone. */
  pid: number;
  /** The stand-in ADSync host's state file (AdSyncSimState). */
  adsyncStatePath: string;
  /** The Graph simulator's base URL (its `/_sim` API). */
  graphUrl: string;
  /** The demo AD's loopback endpoint (absent when the demo runs against a real DC). */
  adControl?: DemoAdControl;
}

/** Written by the demo at start; removed at stop. */
export function writeDemoControls(controls: DemoControls): () => void {
  writeFileSync(DEMO_CONTROLS_FILE, `${JSON.stringify(controls, null, 2)}\n`, { mode: 0o600 });
  return () => rmSync(DEMO_CONTROLS_FILE, { force: true });
}

/** The running demo's controls; throws with what to do when no demo runs. */
export function readDemoControls(): DemoControls {
  let controls: DemoControls;
  try {
    controls = JSON.parse(readFileSync(DEMO_CONTROLS_FILE, 'utf8')) as DemoControls;
  } catch {
    throw new Error('No demo is running on this machine: start it with `npm start` first.');
  }
  try {
    process.kill(controls.pid, 0);
  } catch {
    throw new Error(
      `The demo that wrote ${DEMO_CONTROLS_FILE} (pid ${controls.pid}) is gone: start it with \`npm start\`.`,
    );
  }
  return controls;
}
