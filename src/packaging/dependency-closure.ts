import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The package names a set of compiled CommonJS files require (Node's built-ins left out). */
export function requiredPackages(sources: readonly string[]): string[] {
  const names = new Set<string>();
  for (const text of sources) {
    for (const m of text.matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      if (m[1].startsWith('node:')) continue;
      const parts = m[1].split('/');
      names.add(m[1].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return [...names].sort();
}

/**
 * Every installed package folder (relative to `root`, e.g. `node_modules/pino` or
 * `node_modules/a/node_modules/b`) that `names` need at run time, found as Node resolves them:
 * from the requiring package's folder upwards. Optional dependencies that are not installed are
 * skipped, as npm skips them.
 * @throws Error naming a required package that is not installed.
 */
export function dependencyClosure(root: string, names: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string, optional: boolean) => {
    const dir = resolvePackage(root, name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} (needed by ${from || 'the package'}) is not installed: run npm ci`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, '', false);
  return [...found].sort();
}

/** Where Node finds `name` when `from` (a package folder relative to root, or '' for root) requires it. */
function resolvePackage(root: string, name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.posix.join(dir, 'node_modules', name);
    if (existsSync(path.join(root, candidate, 'package.json'))) return candidate;
    if (!dir) return undefined;
    // Up one package: past this folder's own "node_modules/<name>" (two parts for a scope).
    const parts = dir.split('/');
    const cut = parts.lastIndexOf('node_modules');
    dir = parts.slice(0, Math.max(0, cut)).join('/');
  }
}
