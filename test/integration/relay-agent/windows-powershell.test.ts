import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RelayError } from '../../../src/services/relay/relay-client';
import { demoGraphSeed } from '../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../src/sim/graph/graph-simulator';
import { memoryLogger } from '../../support/memory-logger';
import { RelayHarness } from '../../support/relay-harness';

/*
 * What a real Entra Connect server does differently from a lab, on real processes: the bot (the
 * Anchor app over HTTP), the relay as a child process, and the stand-in ADSync host, which follows
 * Windows PowerShell 5.1 (dates as \/Date(ms)\/, enums as numbers, warnings among the output). Each
 * test sets one of the stand-in's modes and runs jobs through the bot's relay client, as a link run
 * does. Where a relay setting is the handling, the test runs the relay once without it as well,
 * so it shows the stand-in would catch a relay that lacked it.
 */

describe('relay on a Windows PowerShell 5.1 sync server (bot, relay process, stand-in host)', function () {
  this.timeout(120_000);
  const { logger } = memoryLogger();
  let dir: string;
  let graph: GraphSimulator;
  let h: RelayHarness;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-relay-ps51-'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    h = await RelayHarness.create({ graph, dir, logger });
    await h.startBot();
  });

  beforeEach(() => {
    h.adsync.reset();
  });

  afterEach(async () => {
    await h.stopRelay();
  });

  after(async () => {
    await h?.stop();
    await graph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports ADSync by its full path: ready on a server where the module is not on PSModulePath', async () => {
    h.adsync.set({ moduleOnPath: false });
    await h.startRelayAndWait();
    const result = await h.client.run('status');
    assert.equal(result.outcome, 'done', result.message);
    const imports = h.adsync.history().filter((e) => e.cmdlet === 'Import-Module');
    assert.deepEqual(
      imports.map((e) => e.parameters.Name),
      [['C:\\Program Files\\Microsoft Azure AD Sync\\Bin\\ADSync\\ADSync.psd1']],
    );
  });

  it('is not ready when the module loads but Get-ADSyncScheduler fails, and the bot says why', async () => {
    h.adsync.setFailing('Get-ADSyncScheduler', 'Retrieving the COM class factory for component failed.');
    h.startRelay();
    await h.until('the relay says PowerShell is not ready', () =>
      /PowerShell is not ready: the ADSync module loaded but Get-ADSyncScheduler failed/.test(h.relayLog),
    );
    await h.until('the heartbeat reports it', async () => {
      try {
        await h.client.run('status');
        return false;
      } catch (error) {
        return (
          error instanceof RelayError &&
          error.kind === 'offline' &&
          /cannot run PowerShell: the ADSync module loaded but Get-ADSyncScheduler failed/.test(error.message)
        );
      }
    });
  });

  it('reads the next cycle as UTC whatever the server time zone (5.1 shifts a DateTime of kind Unspecified)', async () => {
    const next = new Date(Math.ceil(Date.now() / 1000) * 1000 + 20 * 60_000).toISOString();
    h.adsync.set({ utcOffsetMinutes: 120, nextSyncCycleStartTimeInUTC: next });
    await h.startRelayAndWait();
    const result = await h.client.run('status');
    assert.equal(result.scheduler.nextSyncCycleStartTimeInUTC, next);
  });

  it('starts a delta that answers {"Result":0}, through both busy texts first', async () => {
    await h.startRelayAndWait();
    h.adsync.setBusy(1, 'already-running');
    const first = await h.client.run('delta');
    assert.equal(first.outcome, 'done', first.message);
    assert.match(first.message, /after 1 busy answer/);
    h.adsync.set({ cycleRunningUntil: null });
    h.adsync.setBusy(1, 'connector-busy');
    const second = await h.client.run('delta');
    assert.equal(second.outcome, 'done', second.message);
    const deltas = h.adsync.history().filter((e) => e.cmdlet === 'Start-ADSyncSyncCycle');
    assert.deepEqual(
      deltas.map((e) => e.outcome),
      ['error', 'ok', 'error', 'ok'],
    );
    assert.match(deltas[0].message ?? '', /Sync is already running/);
    assert.match(deltas[2].message ?? '', /AAD is busy/);
  });

  it('keeps warnings and progress out of what it reads, whichever cmdlet writes them', async () => {
    await h.startRelayAndWait();
    const jobs = [
      ['Get-ADSyncScheduler', 'status'],
      ['Get-ADSyncConnectorRunStatus', 'status'],
      ['Get-Service', 'status'],
      ['Set-ADSyncScheduler', 'pause'],
      ['Set-ADSyncScheduler', 'resume'],
      ['Start-ADSyncSyncCycle', 'delta'],
    ] as const;
    for (const [cmdlet, operation] of jobs) {
      h.adsync.set({ noisyCmdlet: cmdlet, cycleRunningUntil: null });
      const result = await h.client.run(operation);
      assert.equal(result.outcome, 'done', `${cmdlet} (${operation}): ${result.message}`);
    }
    assert.equal(h.adsync.read().syncCycleEnabled, true);
  });

  it('is not fooled by a gap in the run status between two steps of a cycle', async () => {
    // The control: one read is fooled by the gap (what the relay did before).
    await h.startRelayAndWait({ RELAY_IDLE_CONFIRM_READS: '1' });
    h.adsync.setCycleRunning(60_000);
    h.adsync.setRunStatusGap(30_000);
    const fooled = await h.client.run('status');
    assert.equal(fooled.scheduler.cycleInProgress, false, 'the stand-in hides the cycle in its gap');
    await h.stopRelay();

    await h.startRelayAndWait({ RELAY_IDLE_CONFIRM_READS: '3', RELAY_IDLE_CONFIRM_MS: '1500' });
    h.adsync.setRunStatusGap(2000);
    const status = await h.client.run('status');
    assert.equal(status.scheduler.cycleInProgress, true, status.message);
    assert.match(status.message, /a sync cycle is running/);
    h.adsync.setRunStatusGap(2000);
    const pause = await h.client.run('pause');
    assert.equal(pause.outcome, 'done', pause.message);
    assert.equal(pause.scheduler.cycleInProgress, true, 'the bot is told to wait for the cycle');
    assert.equal((await h.client.run('resume')).outcome, 'done');
  });

  it('gives a slow ADSync restart its own timeout (RELAY_RESTART_TIMEOUT_MS)', async () => {
    h.adsync.set({ restartMs: 5000 });
    // The control: under the operation timeout the restart's shell is killed.
    await h.startRelayAndWait({ RELAY_OPERATION_TIMEOUT_MS: '3000', RELAY_RESTART_TIMEOUT_MS: '3000' });
    await assert.rejects(
      h.client.run('restart-service'),
      /did not answer "Restart-Service -Name ADSync" within 3000 ms/,
    );
    await h.stopRelay();

    await h.startRelayAndWait({ RELAY_OPERATION_TIMEOUT_MS: '3000', RELAY_RESTART_TIMEOUT_MS: '20000' });
    const result = await h.client.run('restart-service');
    assert.equal(result.outcome, 'done', result.message);
    assert.equal(result.scheduler.serviceState, 'Running');
  });
});
