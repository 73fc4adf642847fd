import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The folder holding package.json, whether running from `src/` with tsx or from `dist/`. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

/** Where the Adaptive Card templates live. */
export const CARDS_DIR = path.join(PROJECT_ROOT, 'cards');

/** Anchor's version, from package.json. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
