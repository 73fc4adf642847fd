import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dependencyClosure, requiredPackages } from '../../../src/packaging/dependency-closure';

describe('dependencyClosure', () => {
  let root: string;

  /** Writes node_modules/<dir>/package.json with these dependencies. */
  function install(
    dir: string,
    dependencies: Record<string, string> = {},
    optional: Record<string, string> = {},
  ) {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(
      path.join(root, dir, 'package.json'),
      JSON.stringify({
        name: dir.split('node_modules/').at(-1),
        dependencies,
        optionalDependencies: optional,
      }),
    );
  }

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'anchor-closure-'));
    install('node_modules/pino', { 'sonic-boom': '^4', 'thread-stream': '^3' });
    install('node_modules/sonic-boom', { 'atomic-sleep': '^1' });
    install('node_modules/atomic-sleep');
    install('node_modules/thread-stream', { 'real-require': '^0.2' });
    // A second version, nested where Node finds it first for thread-stream.
    install('node_modules/thread-stream/node_modules/real-require');
    install('node_modules/real-require');
    install('node_modules/@scope/lib', { ms: '^2' }, { 'not-installed': '^1' });
    install('node_modules/@scope/lib/node_modules/ms');
    install('node_modules/unused');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('follows dependencies as Node resolves them, nested copies first, and nothing unused', () => {
    assert.deepEqual(dependencyClosure(root, ['pino', '@scope/lib']), [
      'node_modules/@scope/lib',
      'node_modules/@scope/lib/node_modules/ms',
      'node_modules/atomic-sleep',
      'node_modules/pino',
      'node_modules/sonic-boom',
      'node_modules/thread-stream',
      'node_modules/thread-stream/node_modules/real-require',
    ]);
  });

  it('names a required package that is not installed', () => {
    install('node_modules/broken', { missing: '^1' });
    assert.throws(
      () => dependencyClosure(root, ['broken']),
      /missing \(needed by node_modules\/broken\) is not installed: run npm ci/,
    );
  });
});

describe('requiredPackages', () => {
  it('names the packages compiled code requires, by package, without Node built-ins or relative files', () => {
    const code = [
      'const a = require("dotenv/config"); const b = require("node:fs"); const c = require("./x");',
      'const d = require("@azure/identity"); const e = require("@azure/identity/lib/x"); require("zod");',
    ];
    assert.deepEqual(requiredPackages(code), ['@azure/identity', 'dotenv', 'zod']);
  });
});
