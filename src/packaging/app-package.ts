import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isGuid } from '../shared/guid';
import { PROJECT_ROOT } from '../shared/paths';
import { fillPlaceholders, MissingValuesError } from './placeholders';
import { pngSize } from './png-size';
import type { PngSize } from './png-size';
import { zip } from './zip';

/** Where the manifest template and its icons live. */
export const APP_PACKAGE_DIR = path.join(PROJECT_ROOT, 'appPackage');

/** The sizes Teams requires of the two icons. */
export const ICON_SIZES: Record<'color' | 'outline', PngSize> = {
  color: { width: 192, height: 192 },
  outline: { width: 32, height: 32 },
};

/** What {@link buildAppPackage} needs. */
export interface AppPackageOptions {
  /** The environment's name (`dev`, `local`, …): names the output files as the Agents Toolkit does. */
  envName: string;
  /** The values of the manifest's `${{NAME}}` placeholders. */
  values: Readonly<Record<string, string | undefined>>;
  /** The manifest template's folder; `appPackage/` unless a test points elsewhere. */
  sourceDir?: string;
  /** Where the built files go; `appPackage/build/` by default. */
  outDir?: string;
}

/** What {@link buildAppPackage} wrote. */
export interface AppPackage {
  manifest: TeamsManifest;
  manifestFile: string;
  zipFile: string;
}

/** The parts of a Teams manifest the build reads and checks. */
export interface TeamsManifest {
  manifestVersion: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  bots: { botId: string }[];
  validDomains?: string[];
  [key: string]: unknown;
}

/** Thrown when the package cannot be built; says what to fix. */
export class AppPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppPackageError';
  }
}

/** A host name, optionally with a port: validDomains takes no scheme and no path. */
const DOMAIN =
  /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * Builds the Teams app package of one environment, as the Agents Toolkit's `teamsApp/zipAppPackage`
 * does: fills the manifest's placeholders, checks the ids, the domains and the icons, then writes
 * `manifest.<env>.json` and `appPackage.<env>.zip` (exactly the manifest and the two icons).
 * @throws AppPackageError naming every missing value or the first thing that is wrong.
 */
export function buildAppPackage(options: AppPackageOptions): AppPackage {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(options.envName)) {
    throw new AppPackageError(`"${options.envName}" is not an environment name (letters, digits, -)`);
  }
  const sourceDir = options.sourceDir ?? APP_PACKAGE_DIR;
  const outDir = options.outDir ?? path.join(sourceDir, 'build');
  const manifest = filledManifest(sourceDir, options);
  checkIds(manifest);
  const icons = readIcons(sourceDir, manifest);
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  mkdirSync(outDir, { recursive: true });
  const manifestFile = path.join(outDir, `manifest.${options.envName}.json`);
  const zipFile = path.join(outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(manifestFile, text);
  writeFileSync(zipFile, zip([{ name: 'manifest.json', data: Buffer.from(text, 'utf8') }, ...icons]));
  return { manifest, manifestFile, zipFile };
}

function filledManifest(sourceDir: string, options: AppPackageOptions): TeamsManifest {
  const template = JSON.parse(readFileSync(path.join(sourceDir, 'manifest.json'), 'utf8')) as TeamsManifest;
  try {
    return fillPlaceholders(template, options.values);
  } catch (err) {
    if (!(err instanceof MissingValuesError)) throw err;
    throw new AppPackageError(
      `appPackage/manifest.json needs ${err.names.join(', ')}: set ${err.names.length > 1 ? 'them' : 'it'} ` +
        `in env/.env.${options.envName} (the Agents Toolkit fills them when it provisions) or in the environment`,
    );
  }
}

function checkIds(manifest: TeamsManifest): void {
  if (!isGuid(manifest.id)) throw new AppPackageError(`the app id "${manifest.id}" is not a GUID`);
  for (const bot of manifest.bots ?? []) {
    if (!isGuid(bot.botId)) throw new AppPackageError(`the bot id "${bot.botId}" is not a GUID`);
  }
  for (const domain of manifest.validDomains ?? []) {
    if (!DOMAIN.test(domain)) {
      throw new AppPackageError(`validDomains: "${domain}" is not a host name (no https://, no path)`);
    }
  }
}

function readIcons(sourceDir: string, manifest: TeamsManifest): { name: string; data: Buffer }[] {
  return (['color', 'outline'] as const).map((kind) => {
    const name = manifest.icons[kind];
    const data = readFileSync(path.join(sourceDir, name));
    const size = pngSize(data);
    const want = ICON_SIZES[kind];
    if (size.width !== want.width || size.height !== want.height) {
      throw new AppPackageError(
        `the ${kind} icon ${name} is ${size.width}×${size.height}; Teams needs ${want.width}×${want.height}`,
      );
    }
    return { name, data };
  });
}
