import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../shared/paths';
import { dependencyClosure, requiredPackages } from './dependency-closure';
import { zip } from './zip';
import type { ZipEntry } from './zip';

/** The compiled folders the relay runs from: its own code and the shared code it may import. */
const RELAY_CODE = ['dist/src/relay-agent', 'dist/src/shared'];
/** Files an operator needs on the sync server, at the same paths as in the repository. */
const RELAY_DOCS = ['infra/relay/install-relay.ps1', 'infra/relay/README.md', 'infra/relay/relay.env.sample'];

/** What {@link buildRelayPackage} needs. */
export interface RelayPackageOptions {
  /** The checkout to package, after `npm ci` and `npm run build`; the project root by default. */
  root?: string;
  /** The zip to write; `dist/anchor-relay-<version>.zip` by default. */
  outFile?: string;
}

/** What {@link buildRelayPackage} wrote. */
export interface RelayPackage {
  zipFile: string;
  version: string;
  /** The npm packages in the zip's node_modules, folder by folder. */
  packages: string[];
  files: number;
  bytes: number;
}

/**
 * Builds the relay's zip for the Entra Connect server: the compiled relay and shared code, a
 * package.json naming only what the relay requires, exactly those packages and what they need
 * (copied from the checkout's node_modules, so the versions are the tested ones), the install
 * script, its guide and a sample settings file. `install-relay.ps1 -SourceDir` takes the unzipped
 * folder as it is.
 * @throws Error when the code is not built or a package it requires is not installed.
 */
export function buildRelayPackage(options: RelayPackageOptions = {}): RelayPackage {
  const root = options.root ?? PROJECT_ROOT;
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
    engines?: Record<string, string>;
    dependencies: Record<string, string>;
  };
  if (!existsSync(path.join(root, 'dist/src/relay-agent/main.js'))) {
    throw new Error('dist/src/relay-agent/main.js is missing: run npm run build first');
  }
  const code = RELAY_CODE.flatMap((dir) => filesUnder(root, dir));
  const required = requiredPackages(
    code.filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(root, f), 'utf8')),
  );
  const unknown = required.filter((name) => !(name in manifest.dependencies));
  if (unknown.length > 0)
    throw new Error(`the relay requires ${unknown.join(', ')}, which package.json does not list`);
  const packages = dependencyClosure(root, required);
  const entries: ZipEntry[] = [
    {
      name: 'package.json',
      data: Buffer.from(`${JSON.stringify(relayManifest(manifest, required), null, 2)}\n`),
    },
    ...[...code, ...RELAY_DOCS, ...packages.flatMap((dir) => filesUnder(root, dir))].map((name) => ({
      name,
      data: readFileSync(path.join(root, name)),
    })),
  ];
  const zipFile = options.outFile ?? path.join(root, 'dist', `anchor-relay-${manifest.version}.zip`);
  const archive = zip(entries);
  mkdirSync(path.dirname(zipFile), { recursive: true });
  writeFileSync(zipFile, archive);
  return { zipFile, version: manifest.version, packages, files: entries.length, bytes: archive.length };
}

function relayManifest(
  manifest: { version: string; engines?: Record<string, string>; dependencies: Record<string, string> },
  required: string[],
): Record<string, unknown> {
  return {
    name: 'anchor-relay',
    version: manifest.version,
    private: true,
    description: "Anchor's on-prem relay for the Entra Connect server (see infra/relay/README.md)",
    main: 'dist/src/relay-agent/main.js',
    // The names the relay's own messages give ("npm run relay:keygen"), true on the server as well.
    scripts: {
      relay: 'node dist/src/relay-agent/main.js',
      'relay:keygen': 'node dist/src/relay-agent/main.js keygen',
    },
    engines: manifest.engines,
    dependencies: Object.fromEntries(required.map((name) => [name, manifest.dependencies[name]])),
  };
}

/** Files under `dir` (relative to root, forward slashes, sorted), leaving out nested node_modules. */
function filesUnder(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!statSync(full).isDirectory()) return [dir];
  return readdirSync(full)
    .sort()
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => filesUnder(root, `${dir}/${name}`));
}
