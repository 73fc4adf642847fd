import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A program the tests need that npm cannot install, and the Debian packages that provide it. */
export interface SystemRequirement {
  /** Absolute path of the program the tests run. */
  binary: string;
  /** Debian packages that provide it and what it needs alongside. */
  packages: string[];
}

/** The Samba AD domain controller and the LDAP tools used to check it. */
export const SAMBA: SystemRequirement[] = [
  { binary: '/usr/sbin/samba', packages: ['samba', 'samba-ad-dc', 'samba-ad-provision', 'winbind'] },
  { binary: '/usr/bin/samba-tool', packages: ['samba-ad-provision'] },
  { binary: '/usr/bin/ldbsearch', packages: ['ldb-tools'] },
  { binary: '/usr/bin/ldapsearch', packages: ['ldap-utils'] },
];

/** Debian's Chromium, driven by playwright-core. */
export const CHROMIUM: SystemRequirement[] = [{ binary: '/usr/bin/chromium', packages: ['chromium'] }];

/** Info-ZIP's unzip: a second, independent reader of the zips the build writes. */
export const UNZIP: SystemRequirement[] = [{ binary: '/usr/bin/unzip', packages: ['unzip'] }];

/** Every system requirement of the test suite. */
export const ALL_REQUIREMENTS = [...SAMBA, ...CHROMIUM, ...UNZIP];

/** The exact command that installs the missing requirements. */
export function installCommand(missing: SystemRequirement[]): string {
  const packages = [...new Set(missing.flatMap((r) => r.packages))].join(' ');
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages}`;
}

/**
 * Makes sure the programs are installed. As root on Debian it installs what is missing with
 * apt-get (once: installed programs are found next time); anywhere else it throws with the exact
 * command to run. It never lets a test skip quietly.
 */
export function ensureSystemPackages(requirements: SystemRequirement[]): void {
  const missing = requirements.filter((r) => !existsSync(r.binary));
  if (missing.length === 0) return;
  const command = installCommand(missing);
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    throw new Error(
      `Missing ${missing.map((m) => m.binary).join(', ')}. Install them as root with:\n  sudo sh -c '${command}'`,
    );
  }
  console.log(`Installing system packages for the tests: ${command}`);
  const result = spawnSync('sh', ['-c', command], { stdio: 'inherit' });
  const still = requirements.filter((r) => !existsSync(r.binary));
  if (result.status !== 0 || still.length > 0) {
    throw new Error(
      `Installing system packages failed (exit ${result.status}). Run it by hand:\n  ${command}`,
    );
  }
}

// `tsx test/support/system-deps.ts` installs everything up front (used by .ci/run).
if (require.main === module) {
  try {
    ensureSystemPackages(ALL_REQUIREMENTS);
    console.log('System packages for the tests are installed.');
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
