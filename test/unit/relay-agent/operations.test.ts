import assert from 'node:assert/strict';
import { SyncServerOperations } from '../../../src/relay-agent/operations';
import { PwshUnavailableError, ScriptError } from '../../../src/relay-agent/powershell-runner';
import type { ScriptRunner } from '../../../src/relay-agent/powershell-runner';
import { SCRIPTS } from '../../../src/relay-agent/scripts';
import type { RelayOperation } from '../../../src/shared/relay-protocol/messages';

type Answer = string | Error | (() => string);

/** A scripted runner: answers each fixed script from a table and records what ran. */
class FakeRunner implements ScriptRunner {
  readonly ran: string[] = [];
  ready = true;
  problem: string | null = null;
  constructor(readonly answers: Map<string, Answer[] | Answer>) {}
  async start(): Promise<void> {}
  async dispose(): Promise<void> {}
  async run(script: string): Promise<string> {
    this.ran.push(script);
    const entry = this.answers.get(script);
    if (entry === undefined) throw new Error(`unexpected script: ${script}`);
    const answer = Array.isArray(entry) ? (entry.length > 1 ? entry.shift() : entry[0]) : entry;
    if (answer === undefined) throw new Error(`no answer for ${script}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer() : answer;
  }
}

/** Real PowerShell 7 ConvertTo-Json shapes: TimeSpans as objects, the service status as a number. */
function schedulerJson(overrides: Record<string, unknown> = {}): string {
  const span = { Ticks: 18000000000, Days: 0, Hours: 0, Milliseconds: 0, Minutes: 30, Seconds: 0 };
  return JSON.stringify({
    AllowedSyncCycleInterval: span,
    CurrentlyEffectiveSyncCycleInterval: span,
    CustomizedSyncCycleInterval: null,
    NextSyncCyclePolicyType: 'Delta',
    NextSyncCycleStartTimeInUTC: '2026-11-25T10:30:00.1234567Z',
    PurgeRunHistoryInterval: { Ticks: 6048000000000, Days: 7 },
    SyncCycleEnabled: true,
    MaintenanceEnabled: true,
    StagingModeEnabled: false,
    SchedulerSuspended: false,
    SyncCycleInProgress: false,
    ...overrides,
  });
}

const RUNNING_SERVICE = '{"Name":"ADSync","Status":4}';
const BUSY =
  'Start-ADSyncSyncCycle: System.InvalidOperationException: Connector: contoso.onmicrosoft.com - AAD is busy.';

function server(
  extra: [string, Answer[] | Answer][] = [],
  scheduler: Answer[] | Answer = schedulerJson(),
  runStatus: Answer[] | Answer = '',
) {
  const runner = new FakeRunner(
    new Map<string, Answer[] | Answer>([
      [SCRIPTS.scheduler, scheduler],
      [SCRIPTS.runStatus, runStatus],
      [SCRIPTS.service, RUNNING_SERVICE],
      ...extra,
    ]),
  );
  const sleeps: number[] = [];
  let clock = 0;
  const ops = new SyncServerOperations(runner, {
    deltaDeadlineMs: 30_000,
    busyRetryMs: 10_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  });
  return { runner, ops, sleeps };
}

describe('relay operations (allowlist and sync-server safety rules)', () => {
  it('status reads the scheduler, the run status and the service, in PowerShell 7 shapes', async () => {
    const { ops, runner } = server();
    const outcome = await ops.run('status');
    assert.equal(outcome.outcome, 'done');
    assert.deepEqual(outcome.state, {
      syncCycleEnabled: true,
      stagingModeEnabled: false,
      cycleInProgress: false,
      serviceState: 'Running',
      nextSyncCycleStartTimeInUTC: '2026-11-25T10:30:00.123Z',
    });
    assert.deepEqual(runner.ran, [SCRIPTS.scheduler, SCRIPTS.runStatus, SCRIPTS.service]);
    assert.match(
      outcome.message,
      /scheduler enabled, staging mode off, no sync cycle running, ADSync service Running/,
    );
  });

  it('sees a running cycle from Get-ADSyncConnectorRunStatus (one object or an array)', async () => {
    for (const runStatus of [
      '{"RunState":"Busy","ConnectorName":"contoso.onmicrosoft.com - AAD"}',
      '[{"RunState":1}]',
    ]) {
      const { ops } = server([], schedulerJson(), runStatus);
      assert.equal((await ops.run('status')).state.cycleInProgress, true, runStatus);
    }
  });

  it('pauses and resumes with the fixed scripts only', async () => {
    const { ops, runner } = server([
      [SCRIPTS.pause, ''],
      [SCRIPTS.resume, ''],
    ]);
    assert.equal((await ops.run('pause')).outcome, 'done');
    assert.equal((await ops.run('resume')).outcome, 'done');
    assert.ok(runner.ran.includes('Set-ADSyncScheduler -SyncCycleEnabled $false'));
    assert.ok(runner.ran.includes('Set-ADSyncScheduler -SyncCycleEnabled $true'));
  });

  for (const operation of ['pause', 'delta'] as const) {
    it(`refuses ${operation} on a server in staging mode, without running it`, async () => {
      const { ops, runner } = server([], schedulerJson({ StagingModeEnabled: true }));
      const outcome = await ops.run(operation);
      assert.equal(outcome.outcome, 'refused');
      assert.match(outcome.message, new RegExp(`staging mode; ${operation} is refused`));
      assert.ok(!runner.ran.includes(SCRIPTS.pause) && !runner.ran.includes(SCRIPTS.delta));
    });
  }

  it('resumes even in staging mode (resuming is always safe)', async () => {
    const { ops } = server([[SCRIPTS.resume, '']], schedulerJson({ StagingModeEnabled: true }));
    assert.equal((await ops.run('resume')).outcome, 'done');
  });

  it('retries a delta while AAD is busy, then reports success', async () => {
    const { ops, runner, sleeps } = server([
      [
        SCRIPTS.delta,
        [new ScriptError(SCRIPTS.delta, BUSY), new ScriptError(SCRIPTS.delta, BUSY), '{"Result":"Success"}'],
      ],
    ]);
    const outcome = await ops.run('delta');
    assert.equal(outcome.outcome, 'done', outcome.message);
    assert.match(outcome.message, /after 2 busy answer/);
    assert.deepEqual(sleeps, [10_000, 10_000]);
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.delta).length, 3);
  });

  it('gives up on a busy delta at the deadline, saying why', async () => {
    const { ops, sleeps } = server([[SCRIPTS.delta, new ScriptError(SCRIPTS.delta, BUSY)]]);
    const outcome = await ops.run('delta');
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /still running after 4 attempt\(s\) within 30 s \(AAD is busy\)/);
    assert.deepEqual(sleeps, [10_000, 10_000, 10_000]);
  });

  it('does not retry a delta that failed for another reason', async () => {
    const { ops, sleeps } = server([[SCRIPTS.delta, new ScriptError(SCRIPTS.delta, 'Access is denied.')]]);
    const outcome = await ops.run('delta');
    assert.equal(outcome.outcome, 'failed');
    assert.equal(outcome.message, 'Access is denied.');
    assert.deepEqual(sleeps, []);
  });

  it('refuses to restart the ADSync service while a cycle runs', async () => {
    const { ops, runner } = server([[SCRIPTS.restartService, '']], schedulerJson(), '{"RunState":"Busy"}');
    const outcome = await ops.run('restart-service');
    assert.equal(outcome.outcome, 'refused');
    assert.match(outcome.message, /a sync cycle is running/);
    assert.ok(!runner.ran.includes(SCRIPTS.restartService));
  });

  it('restarts the ADSync service when no cycle runs', async () => {
    const { ops, runner } = server([[SCRIPTS.restartService, '']]);
    assert.equal((await ops.run('restart-service')).outcome, 'done');
    assert.ok(runner.ran.includes('Restart-Service -Name ADSync'));
  });

  it('refuses an operation outside the allowlist without running anything', async () => {
    const { ops, runner } = server();
    const outcome = await ops.run('Remove-ADSyncConnector' as RelayOperation);
    assert.equal(outcome.outcome, 'refused');
    assert.deepEqual(runner.ran, []);
  });

  it('reports an unavailable PowerShell as a failed operation, not an exception', async () => {
    const { ops } = server(
      [],
      new PwshUnavailableError('PowerShell executable "pwsh" was not found on PATH'),
    );
    const outcome = await ops.run('pause');
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /was not found on PATH/);
    assert.equal(outcome.state.syncCycleEnabled, null);
  });
});
