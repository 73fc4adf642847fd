import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzip, zip } from '../../../src/packaging/zip';
import { UNZIP, ensureSystemPackages } from '../../support/system-deps';

const FILES = [
  { name: 'a.txt', data: Buffer.from('hello '.repeat(100)) },
  { name: 'dir/ü.json', data: Buffer.from('{"x":1}') },
  { name: 'empty', data: Buffer.alloc(0) },
];

describe('zip', () => {
  it('reads back what it wrote, names and bytes', () => {
    assert.deepEqual(unzip(zip(FILES)), FILES);
  });

  it('writes the same bytes for the same files', () => {
    assert.ok(zip(FILES).equals(zip(FILES)));
  });

  it('writes an archive Info-ZIP tests clean and lists in order', () => {
    ensureSystemPackages(UNZIP);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-zip-'));
    try {
      const file = path.join(dir, 'x.zip');
      // Debian's unzip prints a non-ASCII name as "++" whatever the locale; the names we ship are ASCII.
      const ascii = FILES.map((f, i) => ({ ...f, name: f.name.replace('ü', `u${i}`) }));
      writeFileSync(file, zip(ascii));
      execFileSync('unzip', ['-tq', file]);
      const listed = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(
        listed,
        ascii.map((f) => f.name),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const name of ['../x', '/etc/passwd', 'a/../../b', 'a\\b', '', 'a//b']) {
    it(`refuses the name ${JSON.stringify(name)}`, () => {
      assert.throws(
        () => zip([{ name, data: Buffer.alloc(1) }]),
        /is not a relative path inside the archive/,
      );
    });
  }

  it('refuses a name twice', () => {
    assert.throws(() => zip([FILES[0], FILES[0]]), /"a.txt" is in the archive twice/);
  });

  it('finds a damaged file by its CRC', () => {
    const archive = zip([{ name: 'x', data: Buffer.from('0123456789') }]);
    archive[30 + 1 + 3] ^= 0xff; // a byte of the stored body, after the local header and the name
    assert.throws(() => unzip(archive), /x: CRC mismatch/);
  });
});
