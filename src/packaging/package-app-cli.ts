import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { PROJECT_ROOT } from '../shared/paths';
import { AppPackageError, buildAppPackage } from './app-package';

/**
 * `npm run package [-- --env <name>]`: builds `appPackage/build/appPackage.<name>.zip` from
 * `env/.env.<name>` and `env/.env.<name>.user` (the Agents Toolkit's files), where a variable set
 * in the environment wins, so CI can pass the ids without writing files.
 */
function main(argv: string[]): void {
  const at = argv.indexOf('--env');
  const envName = at >= 0 ? (argv[at + 1] ?? '') : 'dev';
  const values: Record<string, string | undefined> = {};
  for (const file of [`.env.${envName}`, `.env.${envName}.user`]) {
    const full = path.join(PROJECT_ROOT, 'env', file);
    if (existsSync(full)) Object.assign(values, parse(readFileSync(full)));
  }
  for (const [name, value] of Object.entries(process.env)) if (value) values[name] = value;
  const built = buildAppPackage({ envName, values });
  console.log(`Teams app package: ${path.relative(PROJECT_ROOT, built.zipFile)}`);
  console.log(
    `  manifest v${built.manifest.manifestVersion}, app ${built.manifest.id}, bot ${built.manifest.bots[0]?.botId}`,
  );
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof AppPackageError ? `Cannot build the app package: ${err.message}` : err);
  process.exit(1);
}
