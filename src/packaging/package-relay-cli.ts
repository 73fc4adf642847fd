import path from 'node:path';
import { PROJECT_ROOT } from '../shared/paths';
import { buildRelayPackage } from './relay-package';

/** `npm run package:relay`: the relay's zip for the Entra Connect server, after `npm run build`. */
try {
  const built = buildRelayPackage();
  console.log(
    `Relay package: ${path.relative(PROJECT_ROOT, built.zipFile)} (${built.files} files, ` +
      `${(built.bytes / 1024 / 1024).toFixed(1)} MB; packages: ${built.packages.map((p) => p.replace(/^.*node_modules\//, '')).join(', ')})`,
  );
} catch (err) {
  console.error(`Cannot build the relay package: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
