import assert from 'node:assert/strict';
import { SyncServerOperations } from '../../../src/relay-agent/operations';
import type { OperationOptions } from '../../../src/relay-agent/operations';
import { PwshUnavailableError, ScriptError, withoutQuiet } from '../../../src/relay-agent/powershell-runner';
import type { RunOptions, ScriptRunner } from '../../../src/relay-agent/powershell-runner';
import { SCRIPTS } from '../../../src/relay-agent/scripts';
import type { RelayOperation } from '../../../src/shared/relay-protocol/messages';

type Answer = string | Error | (() => string);

/** A scripted runner: answers each fixed script from a table and records what ran. */
class FakeRunner implements ScriptRunner {
  readonly ran: string[] = [];
  /** The timeout each script was given, when it was given its own. */
  readonly timeouts = new Map<string, number>();
  ready = true;
  problem: string | null = null;
  constructor(readonly answers: Map<string, Answer[] | Answer>) {}
  async start(): Promise<void> {}
  async dispose(): Promise<void> {}
  async run(script: string, options: RunOptions = {}): Promise<string> {
    this.ran.push(script);
    if (options.timeoutMs !== undefined) this.timeouts.set(script, options.timeoutMs);
    const entry = this.answers.get(script);
    if (entry === undefined) throw new Error(`unexpected script: ${script}`);
    const answer = Array.isArray(entry) ? (entry.length > 1 ? entry.shift() : entry[0]) : entry;
    if (answer === undefined) throw new Error(`no answer for ${script}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer() : answer;
  }
}

/** Windows PowerShell 5.1 ConvertTo-Json shapes: TimeSpans as objects, enums as numbers, \/Date(ms)\/. */
function schedulerJson(overrides: Record<string, unknown> = {}): string {
  const span = { Ticks: 18000000000, Days: 0, Hours: 0, Milliseconds: 0, Minutes: 30, Seconds: 0 };
  return JSON.stringify({
    AllowedSyncCycleInterval: span,
    CurrentlyEffectiveSyncCycleInterval: span,
    CustomizedSyncCycleInterval: null,
    NextSyncCyclePolicyType: 1,
    NextSyncCycleStartTimeInUTC: '/Date(1795599000123)/',
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
/** What the next-cycle script prints: `.ToString('o')` of a DateTime of kind Utc. */
const NEXT_CYCLE = '2026-11-25T10:30:00.1234567Z';
const BUSY =
  'Start-ADSyncSyncCycle : System.InvalidOperationException: Connector: contoso.onmicrosoft.com - AAD is busy.';
const ALREADY_RUNNING =
  'Start-ADSyncSyncCycle : System.InvalidOperationException: Sync is already running. Cannot start a new run till this one completes.';
const ACCESS_DENIED = 'Set-ADSyncScheduler : System.UnauthorizedAccessException: Access is denied.';

function server(
  extra: [string, Answer[] | Answer][] = [],
  scheduler: Answer[] | Answer = schedulerJson(),
  runStatus: Answer[] | Answer = '',
  options: Partial<OperationOptions> = {},
) {
  const runner = new FakeRunner(
    new Map<string, Answer[] | Answer>([
      [SCRIPTS.scheduler, scheduler],
      [SCRIPTS.runStatus, runStatus],
      [SCRIPTS.nextCycleTime, NEXT_CYCLE],
      [SCRIPTS.service, RUNNING_SERVICE],
      ...extra,
    ]),
  );
  const sleeps: number[] = [];
  let clock = 0;
  const ops = new SyncServerOperations(runner, {
    deltaDeadlineMs: 30_000,
    busyRetryMs: 10_000,
    server: 'aadc01',
    resumeAttempts: 3,
    resumeRetryMs: 5000,
    idleConfirmReads: 1,
    idleConfirmMs: 2000,
    restartTimeoutMs: 150_000,
    ...options,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: options.now ?? (() => clock),
  });
  return { runner, ops, sleeps };
}

describe('relay operations (allowlist and sync-server safety rules)', () => {
  it('status reads the scheduler, the run status, the next start and the service, in 5.1 shapes', async () => {
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
    assert.deepEqual(runner.ran, [
      SCRIPTS.scheduler,
      SCRIPTS.runStatus,
      SCRIPTS.nextCycleTime,
      SCRIPTS.service,
    ]);
    assert.match(
      outcome.message,
      /scheduler enabled, staging mode off, no sync cycle running, ADSync service Running/,
    );
  });

  it('sees a running cycle from Get-ADSyncConnectorRunStatus (one object or an array)', async () => {
    for (const runStatus of [
      '{"RunState":"Busy","ConnectorName":"contoso.onmicrosoft.com - AAD"}',
      '[{"RunState":1}]',
      // RunState's numbers are undocumented: any run status object counts as running.
      '{"RunState":"Idle"}',
      '[{"RunState":0}]',
    ]) {
      const { ops } = server([], schedulerJson(), runStatus);
      assert.equal((await ops.run('status')).state.cycleInProgress, true, runStatus);
    }
  });

  it('pauses and resumes with the fixed scripts only, reading the scheduler back after each', async () => {
    const enabled = schedulerJson();
    const paused = schedulerJson({ SyncCycleEnabled: false });
    const { ops, runner } = server(
      [
        [SCRIPTS.pause, ''],
        [SCRIPTS.resume, ''],
      ],
      [enabled, paused, enabled],
    );
    const pause = await ops.run('pause');
    assert.equal(pause.outcome, 'done', pause.message);
    assert.equal(pause.message, 'the scheduler was paused');
    assert.equal(pause.state.syncCycleEnabled, false);
    assert.equal(pause.changeSent, true);
    const resume = await ops.run('resume');
    assert.equal(resume.outcome, 'done', resume.message);
    assert.equal(resume.state.syncCycleEnabled, true);
    assert.deepEqual(
      runner.ran
        .map(withoutQuiet)
        .filter((s) => s.startsWith('Set-') || s === withoutQuiet(SCRIPTS.scheduler)),
      [
        withoutQuiet(SCRIPTS.scheduler),
        'Set-ADSyncScheduler -SyncCycleEnabled $false',
        withoutQuiet(SCRIPTS.scheduler),
        'Set-ADSyncScheduler -SyncCycleEnabled $true',
        withoutQuiet(SCRIPTS.scheduler),
      ],
    );
  });

  it('fails a pause that does not take: the scheduler still reads back enabled', async () => {
    const { ops, runner } = server([[SCRIPTS.pause, '']]);
    const outcome = await ops.run('pause');
    assert.equal(outcome.outcome, 'failed');
    assert.equal(
      outcome.message,
      'the scheduler is still enabled after Set-ADSyncScheduler -SyncCycleEnabled $false on aadc01',
    );
    assert.equal(outcome.state.syncCycleEnabled, true);
    assert.equal(outcome.changeSent, true);
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.pause).length, 1, 'a pause is not retried');
  });

  it('fails a pause it cannot read back, as not confirmed', async () => {
    const { ops } = server(
      [[SCRIPTS.pause, '']],
      [schedulerJson(), schedulerJson({ SyncCycleEnabled: undefined })],
    );
    const outcome = await ops.run('pause');
    assert.equal(outcome.outcome, 'failed');
    assert.match(
      outcome.message,
      /could not read the scheduler back after .* on aadc01; the pause is not confirmed/,
    );
    assert.equal(outcome.state.syncCycleEnabled, null);
  });

  it('says when a sync cycle started before the pause is still running', async () => {
    const { ops } = server(
      [[SCRIPTS.pause, '']],
      [schedulerJson(), schedulerJson({ SyncCycleEnabled: false, SyncCycleInProgress: true })],
    );
    const outcome = await ops.run('pause');
    assert.equal(outcome.outcome, 'done');
    assert.match(outcome.message, /paused; a sync cycle started before the pause is still running/);
    assert.equal(outcome.state.cycleInProgress, true);
  });

  it('tries a resume again when it does not take at first, and is done once it reads back enabled', async () => {
    const paused = schedulerJson({ SyncCycleEnabled: false });
    const { ops, runner, sleeps } = server([[SCRIPTS.resume, '']], [paused, schedulerJson()]);
    const outcome = await ops.run('resume');
    assert.equal(outcome.outcome, 'done', outcome.message);
    assert.match(outcome.message, /resumed \(read back enabled after 2 attempts\)/);
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.resume).length, 2);
    assert.deepEqual(sleeps, [5000]);
  });

  it('fails a resume that never takes within its attempts: still paused on <server>, and what to do', async () => {
    const { ops, runner, sleeps } = server(
      [[SCRIPTS.resume, '']],
      schedulerJson({ SyncCycleEnabled: false }),
    );
    const outcome = await ops.run('resume');
    assert.equal(outcome.outcome, 'failed');
    assert.match(
      outcome.message,
      /^the sync scheduler is still paused on aadc01: Get-ADSyncScheduler still shows SyncCycleEnabled False after 3 attempts of Set-ADSyncScheduler -SyncCycleEnabled \$true\. Run Set-ADSyncScheduler -SyncCycleEnabled \$true on aadc01/,
    );
    assert.match(outcome.message, /keeps trying to resume it by itself/);
    assert.equal(outcome.state.syncCycleEnabled, false);
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.resume).length, 3);
    assert.deepEqual(sleeps, [5000, 5000]);
  });

  it('tries a resume again when its cmdlet fails, and names the last error when it never succeeds', async () => {
    const { ops, runner } = server(
      [[SCRIPTS.resume, new ScriptError(SCRIPTS.resume, 'The ADSync service is not running.')]],
      schedulerJson({ SyncCycleEnabled: false }),
    );
    const outcome = await ops.run('resume');
    assert.equal(outcome.outcome, 'failed');
    assert.match(
      outcome.message,
      /still paused on aadc01: Get-ADSyncScheduler still shows SyncCycleEnabled False after 3 attempts of .*\(the last attempt failed: The ADSync service is not running\.\)/,
    );
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.resume).length, 3);

    const unreadable = server(
      [[SCRIPTS.resume, new ScriptError(SCRIPTS.resume, 'The ADSync service is not running.')]],
      new ScriptError(SCRIPTS.scheduler, 'The ADSync service is not running.'),
    );
    const unknown = await unreadable.ops.run('resume');
    assert.equal(unknown.outcome, 'failed');
    assert.match(
      unknown.message,
      /still paused on aadc01: the scheduler could not be read back after 3 attempts of .*\(the last attempt failed: The ADSync service is not running\.\)/,
    );
    assert.equal(unknown.state.syncCycleEnabled, null);
  });

  it('does not retry a resume without PowerShell', async () => {
    const { ops, runner, sleeps } = server([
      [SCRIPTS.resume, new PwshUnavailableError('PowerShell executable "pwsh" was not found on PATH')],
    ]);
    const outcome = await ops.run('resume');
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /was not found on PATH/);
    assert.equal(runner.ran.filter((s) => s === SCRIPTS.resume).length, 1);
    assert.deepEqual(sleeps, []);
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
    assert.match(outcome.message, /still running after 4 attempts within 30 s \(AAD is busy\)/);
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
    assert.ok(runner.ran.map(withoutQuiet).includes('Restart-Service -Name ADSync'));
  });

  it('gives Restart-Service its own, longer timeout', async () => {
    const { ops, runner } = server([[SCRIPTS.restartService, '']], schedulerJson(), '', {
      restartTimeoutMs: 240_000,
    });
    assert.equal((await ops.run('restart-service')).outcome, 'done');
    assert.equal(runner.timeouts.get(SCRIPTS.restartService), 240_000);
    assert.deepEqual([...runner.timeouts.keys()], [SCRIPTS.restartService], 'only the restart');
  });

  it('starts every script with the stream preferences and imports nothing by name', () => {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      assert.ok(
        script.startsWith("$WarningPreference='SilentlyContinue'; $ProgressPreference='SilentlyContinue'; "),
        name,
      );
    }
    assert.equal(
      withoutQuiet(SCRIPTS.importModule),
      'Import-Module "$env:ProgramFiles\\Microsoft Azure AD Sync\\Bin\\ADSync\\ADSync.psd1"',
    );
  });

  it('takes the next start only as UTC text: a \\/Date\\/ or a time without a zone reads as unknown', async () => {
    for (const [printed, expected] of [
      ['2026-11-25T10:30:00.1234567Z', '2026-11-25T10:30:00.123Z'],
      ['\\/Date(1795599000123)\\/', null],
      ['2026-11-25T10:30:00.1234567', null],
      ['', null],
    ] as const) {
      const { ops } = server([[SCRIPTS.nextCycleTime, printed]]);
      assert.equal((await ops.run('status')).state.nextSyncCycleStartTimeInUTC, expected, printed);
    }
  });

  it('counts {"Result":0} (5.1 prints the enum as a number) and {"Result":"Success"} as a started cycle', async () => {
    for (const printed of ['{"Result":0}', '{"Result":"Success"}']) {
      const { ops } = server([[SCRIPTS.delta, printed]]);
      const outcome = await ops.run('delta');
      assert.equal(outcome.outcome, 'done', `${printed}: ${outcome.message}`);
    }
    for (const printed of ['{"Result":1}', '{"Result":"Failure"}', '{}', '']) {
      const { ops } = server([[SCRIPTS.delta, printed]]);
      assert.equal((await ops.run('delta')).outcome, 'failed', printed);
    }
  });

  it('retries a delta on both busy texts', async () => {
    const { ops, sleeps } = server([
      [
        SCRIPTS.delta,
        [
          new ScriptError(SCRIPTS.delta, ALREADY_RUNNING),
          new ScriptError(SCRIPTS.delta, BUSY),
          '{"Result":0}',
        ],
      ],
    ]);
    const outcome = await ops.run('delta');
    assert.equal(outcome.outcome, 'done', outcome.message);
    assert.deepEqual(sleeps, [10_000, 10_000]);
    const stuck = server([[SCRIPTS.delta, new ScriptError(SCRIPTS.delta, ALREADY_RUNNING)]]);
    assert.match((await stuck.ops.run('delta')).message, /within 30 s \(Sync is already running\)/);
  });

  it("says the relay's account may not pause the scheduler when Set-ADSyncScheduler is denied", async () => {
    const { ops } = server([[SCRIPTS.pause, new ScriptError(SCRIPTS.pause, ACCESS_DENIED)]]);
    const outcome = await ops.run('pause');
    assert.equal(outcome.outcome, 'failed');
    assert.equal(outcome.reason, 'scheduler-access-denied');
    assert.match(
      outcome.message,
      /^the relay's account may not pause the scheduler on aadc01 \(Set-ADSyncScheduler: access denied\): add it to ADSyncAdmins/,
    );
    assert.equal(outcome.state.syncCycleEnabled, true, 'read back: nothing changed');
    const resume = server(
      [[SCRIPTS.resume, new ScriptError(SCRIPTS.resume, ACCESS_DENIED)]],
      schedulerJson({ SyncCycleEnabled: false }),
    );
    const resumed = await resume.ops.run('resume');
    assert.equal(resumed.reason, 'scheduler-access-denied');
    assert.match(resumed.message, /may not pause the scheduler/);
    const other = server([
      [SCRIPTS.pause, new ScriptError(SCRIPTS.pause, 'The ADSync service is not running.')],
    ]);
    assert.equal((await other.ops.run('pause')).reason, undefined, 'only access denied is typed');
  });

  it('confirms "no cycle runs" with reads in a row: an empty run status between two steps is not idle', async () => {
    // A cycle between two connector steps: empty once, then busy again.
    const gap = server([], schedulerJson(), ['', '{"RunState":1}'], {
      idleConfirmReads: 3,
      idleConfirmMs: 1500,
    });
    const status = await gap.ops.run('status');
    assert.equal(status.state.cycleInProgress, true);
    assert.match(status.message, /a sync cycle is running/);
    assert.deepEqual(gap.sleeps, [1500]);
    const pause = server(
      [[SCRIPTS.pause, '']],
      [schedulerJson(), schedulerJson({ SyncCycleEnabled: false })],
      ['', '', '{"RunState":1}'],
      { idleConfirmReads: 3, idleConfirmMs: 1500 },
    );
    const paused = await pause.ops.run('pause');
    assert.equal(paused.outcome, 'done');
    assert.equal(paused.state.cycleInProgress, true, 'the bot is told to wait for the cycle');
    const idle = server([], schedulerJson(), '', { idleConfirmReads: 3, idleConfirmMs: 1500 });
    assert.equal((await idle.ops.run('status')).state.cycleInProgress, false);
    assert.deepEqual(idle.sleeps, [1500, 1500], 'three reads, all idle');
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
    assert.equal(outcome.changeSent, false, 'the pause was never sent');
  });
});

const NO_EVENTS =
  'Get-WinEvent : No events were found that match the specified selection criteria.\nAt line:1 char:1';
const STOPPED_SERVICE = '{"Name":"ADSync","Status":1}';
/** 5.1 prints the selected event with TimeCreated (kind Local) as \/Date(ms)\/, true UTC ms. */
function eventJson(id: number, ms: number, message: string): Record<string, unknown> {
  return { Id: id, TimeCreated: `/Date(${ms})/`, Message: message };
}
const NOW = Date.parse('2026-12-04T21:00:00Z');

function health(extra: [string, Answer[] | Answer][] = [], scheduler: Answer[] | Answer = schedulerJson()) {
  const made = server(
    [
      [SCRIPTS.companyFeature, '{"PasswordHashSync":true,"ForcePasswordChangeOnLogOn":false}'],
      [SCRIPTS.lastHeartbeat, JSON.stringify(eventJson(654, NOW - 600_000, 'Password Hash Sync heartbeat'))],
      [SCRIPTS.recentErrors, new ScriptError(SCRIPTS.recentErrors, NO_EVENTS)],
      ...extra,
    ],
    scheduler,
    '',
    { now: () => NOW },
  );
  return made;
}

describe('relay operation sync-health (read-only, each fact on its own)', () => {
  it('reads PHS, the newest 654 and the 611/652/655 of the last 24 h, changing nothing', async () => {
    const errors = [
      eventJson(611, NOW - 3_600_000, 'Password synchronization failed for domain: contoso.com'),
      eventJson(652, NOW - 25 * 3_600_000, 'older than a day'),
      eventJson(655, NOW - 60_000, 'x'.repeat(900)),
    ];
    const { ops, runner } = health([[SCRIPTS.recentErrors, JSON.stringify(errors)]]);
    const outcome = await ops.run('sync-health');
    assert.equal(outcome.outcome, 'done');
    assert.equal(outcome.changeSent, false);
    assert.equal(outcome.state.serviceState, 'Running');
    assert.deepEqual(outcome.syncHealth?.problems, []);
    assert.equal(outcome.syncHealth?.passwordHashSync, true);
    assert.equal(outcome.syncHealth?.lastHeartbeatAt, new Date(NOW - 600_000).toISOString());
    assert.deepEqual(
      outcome.syncHealth?.recentErrors.map((e) => [e.id, e.at, e.message.length]),
      [
        [655, new Date(NOW - 60_000).toISOString(), 500],
        [611, new Date(NOW - 3_600_000).toISOString(), 55],
      ],
    );
    assert.ok(!runner.ran.some((s) => /Set-|Restart-|Start-/.test(s)), 'read-only');
  });

  it('takes a single event object, an array, a {value} wrapped date and ISO text alike', async () => {
    const ms = NOW - 120_000;
    for (const printed of [
      JSON.stringify(eventJson(654, ms, 'ping end')),
      JSON.stringify([eventJson(654, ms, 'ping end')]),
      JSON.stringify({ Id: 654, TimeCreated: { value: `/Date(${ms})/`, DateTime: 'x' }, Message: 'p' }),
      JSON.stringify({ Id: 654, TimeCreated: '2026-12-04T21:58:00.0000000+01:00', Message: 'p' }),
    ]) {
      const { ops } = health([[SCRIPTS.lastHeartbeat, printed]]);
      const facts = (await ops.run('sync-health')).syncHealth;
      assert.equal(facts?.lastHeartbeatAt, new Date(ms).toISOString(), printed);
    }
  });

  it('takes "No events were found" as none, and any other error (or an unreadable time) as a problem', async () => {
    const none = health([[SCRIPTS.lastHeartbeat, new ScriptError(SCRIPTS.lastHeartbeat, NO_EVENTS)]]);
    const empty = (await none.ops.run('sync-health')).syncHealth;
    assert.equal(empty?.lastHeartbeatAt, null);
    assert.deepEqual(empty?.problems, []);
    assert.deepEqual(empty?.recentErrors, []);

    const denied = health([
      [
        SCRIPTS.lastHeartbeat,
        new ScriptError(
          SCRIPTS.lastHeartbeat,
          'Get-WinEvent : Attempted to perform an unauthorized operation.',
        ),
      ],
      [SCRIPTS.recentErrors, JSON.stringify({ Id: 611, TimeCreated: '12/04/2026 20:00:00', Message: 'm' })],
    ]);
    const outcome = await denied.ops.run('sync-health');
    assert.equal(outcome.outcome, 'done');
    assert.equal(outcome.syncHealth?.lastHeartbeatAt, null);
    assert.deepEqual(
      outcome.syncHealth?.problems.map((p) => p.fact),
      ['heartbeat', 'errors'],
    );
    assert.match(outcome.syncHealth?.problems[0].message ?? '', /unauthorized operation/);
  });

  it('reports PHS off, and an unreadable PHS feature as a problem', async () => {
    const off = health([[SCRIPTS.companyFeature, '{"PasswordHashSync":false}']]);
    assert.equal((await off.ops.run('sync-health')).syncHealth?.passwordHashSync, false);
    const odd = health([[SCRIPTS.companyFeature, '{"UserWriteback":false}']]);
    const facts = (await odd.ops.run('sync-health')).syncHealth;
    assert.equal(facts?.passwordHashSync, null);
    assert.deepEqual(
      facts?.problems.map((p) => p.fact),
      ['password-hash-sync'],
    );
  });

  it('with the service stopped, still reports what it can: service Stopped, scheduler as a problem', async () => {
    const stopped = new ScriptError(
      SCRIPTS.scheduler,
      'Get-ADSyncScheduler : There was no endpoint listening',
    );
    const { ops } = health(
      [
        [SCRIPTS.service, STOPPED_SERVICE],
        [
          SCRIPTS.companyFeature,
          new ScriptError(SCRIPTS.companyFeature, 'Get-ADSyncAADCompanyFeature : no endpoint'),
        ],
      ],
      stopped,
    );
    const outcome = await ops.run('sync-health');
    assert.equal(outcome.outcome, 'done');
    assert.equal(outcome.state.serviceState, 'Stopped');
    assert.equal(outcome.state.syncCycleEnabled, null);
    assert.deepEqual(
      outcome.syncHealth?.problems.map((p) => p.fact),
      ['scheduler', 'password-hash-sync'],
    );
    assert.equal(outcome.syncHealth?.passwordHashSync, null);
  });

  it('fails only when the service itself cannot be read', async () => {
    const { ops } = health([
      [SCRIPTS.service, new ScriptError(SCRIPTS.service, 'Get-Service : Access is denied')],
    ]);
    const outcome = await ops.run('sync-health');
    assert.equal(outcome.outcome, 'failed');
    assert.equal(outcome.syncHealth, undefined);
  });
});

describe('relay operation restart-service (read back until running)', () => {
  it('starts a stopped service without asking about cycles (the ADSync cmdlets fail then)', async () => {
    const stopped = new ScriptError(SCRIPTS.scheduler, 'Get-ADSyncScheduler : no endpoint');
    const { ops, runner } = server(
      [
        [SCRIPTS.service, [STOPPED_SERVICE, RUNNING_SERVICE]],
        [SCRIPTS.restartService, ''],
      ],
      [stopped, schedulerJson()],
    );
    const outcome = await ops.run('restart-service');
    assert.equal(outcome.outcome, 'done', outcome.message);
    assert.equal(outcome.state.serviceState, 'Running');
    assert.ok(runner.ran.includes(SCRIPTS.restartService));
    assert.ok(runner.ran.indexOf(SCRIPTS.service) < runner.ran.indexOf(SCRIPTS.restartService));
  });

  it('polls Get-Service every 2 s until Running', async () => {
    const { ops, sleeps } = server([
      [
        SCRIPTS.service,
        [
          RUNNING_SERVICE,
          RUNNING_SERVICE,
          '{"Name":"ADSync","Status":2}',
          '{"Name":"ADSync","Status":2}',
          RUNNING_SERVICE,
        ],
      ],
      [SCRIPTS.restartService, ''],
    ]);
    const outcome = await ops.run('restart-service');
    assert.equal(outcome.outcome, 'done');
    assert.deepEqual(sleeps.filter((ms) => ms === 2000).length, 2);
  });

  it('fails, with the state seen, when the service does not run within the restart timeout', async () => {
    const { ops } = server(
      [
        [SCRIPTS.service, [RUNNING_SERVICE, STOPPED_SERVICE]],
        [SCRIPTS.restartService, ''],
      ],
      schedulerJson(),
      '',
      { restartTimeoutMs: 10_000 },
    );
    const outcome = await ops.run('restart-service');
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /^the ADSync service is Stopped after Restart-Service/);
    assert.equal(outcome.changeSent, true);
  });

  it("fails with PowerShell's reason when Restart-Service throws (the service cannot start)", async () => {
    const cannot =
      "Restart-Service : Service 'Microsoft Azure AD Sync (ADSync)' cannot be started due to the following error: Cannot start service ADSync on computer '.'.";
    const { ops } = server(
      [
        [SCRIPTS.service, [STOPPED_SERVICE]],
        [SCRIPTS.restartService, new ScriptError(SCRIPTS.restartService, cannot)],
      ],
      new ScriptError(SCRIPTS.scheduler, 'no endpoint'),
    );
    const outcome = await ops.run('restart-service');
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /cannot be started due to the following error/);
    assert.equal(outcome.state.serviceState, 'Stopped');
  });
});

const CONNECTORS = JSON.stringify([
  { Name: 'contoso.com', ConnectorTypeName: 'AD', Subtype: null },
  {
    Name: 'contoso.onmicrosoft.com - AAD',
    ConnectorTypeName: 'Extensible2',
    Subtype: 'Windows Azure Active Directory (Microsoft)',
  },
]);

function fullSync(
  extra: [string, Answer[] | Answer][] = [],
  scheduler: Answer[] | Answer = schedulerJson(),
  runStatus: Answer = '',
) {
  return server(
    [
      [SCRIPTS.connectors, CONNECTORS],
      [SCRIPTS.passwordSyncOff, ''],
      [SCRIPTS.passwordSyncOn, ''],
      [
        SCRIPTS.passwordSyncConfig,
        '{"SourceConnector":"contoso.com","TargetConnector":"contoso.onmicrosoft.com - AAD","Enabled":true}',
      ],
      ...extra,
    ],
    scheduler,
    runStatus,
  );
}

describe('relay operation full-password-sync', () => {
  it('turns PHS off and on with the server-side connector names, and reads it back enabled', async () => {
    const { ops, runner } = fullSync();
    const outcome = await ops.run('full-password-sync');
    assert.equal(outcome.outcome, 'done', outcome.message);
    assert.match(outcome.message, /"contoso\.com" → "contoso\.onmicrosoft\.com - AAD"/);
    const order = [
      SCRIPTS.connectors,
      SCRIPTS.passwordSyncOff,
      SCRIPTS.passwordSyncOn,
      SCRIPTS.passwordSyncConfig,
    ];
    assert.deepEqual(
      runner.ran.filter((s) => order.includes(s as never)),
      order,
    );
  });

  it('keeps the PowerShell text constant: the names come from Get-ADSyncConnector on the server', () => {
    for (const script of [SCRIPTS.passwordSyncOff, SCRIPTS.passwordSyncOn, SCRIPTS.passwordSyncConfig]) {
      assert.match(script, /\$ad = Get-ADSyncConnector \| Where-Object ConnectorTypeName -eq 'AD'; /);
      assert.match(script, /-SourceConnector \$ad\.Name/);
      assert.doesNotMatch(script, /contoso/);
    }
  });

  it('refuses in staging mode and while a cycle runs, sending nothing', async () => {
    const staging = fullSync([], schedulerJson({ StagingModeEnabled: true }));
    const a = await staging.ops.run('full-password-sync');
    assert.equal(a.outcome, 'refused');
    assert.match(a.message, /staging mode/);
    const busy = fullSync([], schedulerJson(), '{"RunState":1}');
    const b = await busy.ops.run('full-password-sync');
    assert.equal(b.outcome, 'refused');
    assert.match(b.message, /sync cycle is running/);
    for (const { runner } of [staging, busy]) assert.ok(!runner.ran.includes(SCRIPTS.passwordSyncOff));
  });

  it('refuses without exactly one AD and one Entra connector: run it by hand', async () => {
    const two = JSON.stringify([
      ...JSON.parse(CONNECTORS),
      { Name: 'fabrikam.com', ConnectorTypeName: 'AD' },
    ]);
    const { ops, runner } = fullSync([[SCRIPTS.connectors, two]]);
    const outcome = await ops.run('full-password-sync');
    assert.equal(outcome.outcome, 'refused');
    assert.match(outcome.message, /2 AD connectors \("contoso\.com", "fabrikam\.com"\).*run it by hand/);
    assert.ok(!runner.ran.includes(SCRIPTS.passwordSyncOff));
  });

  it('fails loudly, with the reason the bot words, when PHS reads back disabled', async () => {
    const { ops } = fullSync([
      [
        SCRIPTS.passwordSyncOn,
        new ScriptError(SCRIPTS.passwordSyncOn, 'Set-ADSyncAADPasswordSyncConfiguration : boom'),
      ],
      [SCRIPTS.passwordSyncConfig, '{"Enabled":false}'],
    ]);
    const outcome = await ops.run('full-password-sync');
    assert.equal(outcome.outcome, 'failed');
    assert.equal(outcome.reason, 'password-sync-left-disabled');
    assert.match(outcome.message, /reads back Enabled False.*boom.*PASSWORDS DO NOT SYNC/);
  });

  it('turns PHS back on and reads it back even when turning it off failed, and says no full sync ran', async () => {
    const { ops, runner } = fullSync([
      [
        SCRIPTS.passwordSyncOff,
        new ScriptError(SCRIPTS.passwordSyncOff, 'Set-ADSyncAADPasswordSyncConfiguration : timeout'),
      ],
    ]);
    const outcome = await ops.run('full-password-sync');
    assert.equal(outcome.outcome, 'failed');
    assert.match(
      outcome.message,
      /turning password hash sync off .* failed \(.*timeout\), so no full password sync was triggered; it reads back enabled/,
    );
    assert.ok(runner.ran.includes(SCRIPTS.passwordSyncOn));
    assert.equal(outcome.reason, undefined);
  });
});
