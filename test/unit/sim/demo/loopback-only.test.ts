import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOOPBACK_ONLY_PRELOAD } from '../../../../src/sim/demo/playground';

/**
 * Where a server started by `script` (CommonJS, run by plain node with the preload, as the
 * Playground CLI runs) ends up listening: the address it reports.
 */
function addressUnderPreload(script: string): string {
  return execFileSync(
    process.execPath,
    ['--import', pathToFileURL(LOOPBACK_ONLY_PRELOAD).href, '-e', script],
    { encoding: 'utf8', timeout: 10_000 },
  ).trim();
}

const report = (listen: string) => `
  const net = require('node:net');
  const http = require('node:http');
  const server = http.createServer();
  server.${listen};
  server.on('listening', () => {
    const a = server.address();
    console.log(typeof a === 'string' ? a : a.address);
    server.close();
  });`;

describe('loopback-only preload (the Playground CLI listens on 127.0.0.1 only)', function () {
  this.timeout(30_000);

  for (const [form, call] of [
    ['a port and a callback (what the CLI does)', 'listen(0, () => {})'],
    ['a port alone', 'listen(0)'],
    ['a port as a string', "listen('0')"],
    ['a callback alone', 'listen(() => {})'],
    ['no arguments', 'listen()'],
    ['every IPv4 interface', "listen(0, '0.0.0.0')"],
    ['every IPv6 interface, with a backlog and a callback', "listen(0, '::', 10, () => {})"],
    ['an options object without a host', 'listen({ port: 0 })'],
    ['an options object with a host', "listen({ port: 0, host: '::' }, () => {})"],
  ] as const) {
    it(`binds 127.0.0.1 for ${form}`, () => {
      assert.equal(addressUnderPreload(report(call)), '127.0.0.1');
    });
  }

  it('leaves a Unix socket alone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loopback-only-'));
    try {
      const socket = path.join(dir, 's.sock');
      assert.equal(addressUnderPreload(report(`listen(${JSON.stringify(socket)})`)), socket);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
