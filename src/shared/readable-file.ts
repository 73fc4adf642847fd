import { accessSync, constants } from 'node:fs';

/** True when this process can read `file`; settings that name a file are checked with it at start-up. */
export function isReadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
