import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundPortTakenError, startPlayground } from '../../../../src/sim/demo/playground';
import type { PlaygroundInstance } from '../../../../src/sim/demo/playground';
import { DEMO_TENANT, demoTeamsUsers } from '../../../../src/sim/demo/demo-tenant';
import { AnchorProcess, freePort } from '../../../support/anchor-process';
import { nonLoopbackAddresses, tcpConnect } from '../../../support/machine-addresses';
import type { NonLoopbackAddresses } from '../../../support/machine-addresses';

/** An HTTP server on every interface that answers 200, as another program holding a port would. */
async function occupy(port: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.end('not a Playground'));
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return server;
}

const close = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The demo's Agents Playgrounds, as real CLI processes: reachable from this machine only, on the
 * port they were given, or not at all with a message saying which setting to change.
 */
describe('Agents Playground (demo mode)', function () {
  this.timeout(120_000);
  let machine: NonLoopbackAddresses;
  let workDir: string;

  before(() => {
    machine = nonLoopbackAddresses();
    workDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-playground-'));
  });
  after(() => {
    machine?.release();
    rmSync(workDir, { recursive: true, force: true });
  });

  const options = (port: number, name: string) => ({
    port,
    portSetting: 'PLAYGROUND_REQUESTER_PORT',
    botEndpoint: 'http://127.0.0.1:9/api/messages',
    tenantId: DEMO_TENANT.tenantId,
    currentUser: DEMO_TENANT.requester,
    otherUsers: demoTeamsUsers().filter((u) => u.id !== DEMO_TENANT.requester.id),
    workDir: path.join(workDir, name),
  });

  describe('one Playground', () => {
    let playground: PlaygroundInstance;
    let port: number;

    before(async () => {
      port = await freePort();
      playground = await startPlayground(options(port, 'one'));
    });
    after(async () => {
      await playground?.stop();
    });

    it('serves its page on 127.0.0.1 at the configured port', async () => {
      assert.equal(playground.url, `http://127.0.0.1:${port}`);
      const res = await fetch(playground.url);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<html/i);
      assert.equal(await tcpConnect('127.0.0.1', port), 'connected');
    });

    it('refuses connections on every other address of this machine', async () => {
      assert.ok(machine.addresses.length > 0);
      for (const address of machine.addresses) {
        assert.equal(await tcpConnect(address, port), 'refused', `${address}:${port} accepts connections`);
      }
    });
  });

  it('stops with the setting to change when the configured port is taken, instead of moving elsewhere', async () => {
    const port = await freePort();
    const other = await occupy(port);
    try {
      await assert.rejects(startPlayground(options(port, 'taken')), (err: unknown) => {
        assert.ok(err instanceof PlaygroundPortTakenError, String(err));
        assert.match(
          err.message,
          new RegExp(`Port ${port} .* is taken.*set PLAYGROUND_REQUESTER_PORT to a free port`),
        );
        return true;
      });
      // The other program still has its port, and no Playground is left listening anywhere.
      assert.equal(await (await fetch(`http://127.0.0.1:${port}`)).text(), 'not a Playground');
    } finally {
      await close(other);
    }
  });

  describe('npm start', () => {
    async function demoEnv() {
      const [bot, graph, requester, approver] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      return {
        ports: { bot, graph, requester, approver },
        env: {
          ANCHOR_MODE: 'demo',
          PORT: String(bot),
          GRAPH_SIM_PORT: String(graph),
          PLAYGROUND_REQUESTER_PORT: String(requester),
          PLAYGROUND_APPROVER_PORT: String(approver),
        },
      };
    }

    it('prints the ports the Playgrounds really serve on, on loopback only', async () => {
      const { ports, env } = await demoEnv();
      const anchor = AnchorProcess.start(env);
      try {
        const requesterUrl = (await anchor.waitFor(/Playground, requester: +(\S+)/, 120_000))[1];
        const approverUrl = (await anchor.waitFor(/Playground, approver: +(\S+)/))[1];
        assert.equal(requesterUrl, `http://127.0.0.1:${ports.requester}`);
        assert.equal(approverUrl, `http://127.0.0.1:${ports.approver}`);
        for (const url of [requesterUrl, approverUrl]) {
          assert.match(await (await fetch(url)).text(), /<html/i);
        }
        for (const address of machine.addresses) {
          for (const port of Object.values(ports)) {
            assert.equal(
              await tcpConnect(address, port),
              'refused',
              `${address}:${port} accepts connections`,
            );
          }
        }
      } finally {
        await anchor.stop();
      }
    });

    it('stops with a clear message naming the setting when a Playground port is taken', async () => {
      const { ports, env } = await demoEnv();
      const other = await occupy(ports.approver);
      try {
        const anchor = AnchorProcess.start(env);
        assert.equal(await anchor.exitCode(120_000), 1);
        assert.match(
          anchor.text,
          new RegExp(
            `Port ${ports.approver} for an Agents Playground is taken.*set PLAYGROUND_APPROVER_PORT to a free port`,
          ),
        );
        assert.doesNotMatch(anchor.text, /Anchor is running in demo mode/);
        assert.doesNotMatch(anchor.text, /\n\s+at /, 'no stack trace');
        // Nothing it started is left behind: the requester's port is free again.
        assert.equal(await tcpConnect('127.0.0.1', ports.requester), 'refused');
      } finally {
        await close(other);
      }
    });
  });
});
