import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { InvocationError, PowerShell } from 'node-powershell';
import type { PowerShellOptions } from 'node-powershell';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { AdSyncSimState } from '../../../../src/sim/adsync-host/state';
import type { SimAdUser } from '../../../../src/sim/graph/graph-simulator';
import { demoTwinsAdView, demoTwinsRefreshed, startSim } from '../../../support/graph-sim';
import type { SimHarness } from '../../../support/graph-sim';

/** The stand-in, by full path; node-powershell spawns any `executable` it is not named for. */
const PWSH = resolve(__dirname, '../../../../src/sim/adsync-host/bin/pwsh');

const STATUS_SCRIPTS = [
  'Get-ADSyncScheduler | ConvertTo-Json -Compress',
  'Get-ADSyncConnectorRunStatus | ConvertTo-Json -Compress',
  'Get-Service -Name ADSync | Select-Object Name,Status | ConvertTo-Json -Compress',
] as const;
const DELTA = 'Start-ADSyncSyncCycle -PolicyType Delta | ConvertTo-Json -Compress';
const PAUSE = 'Set-ADSyncScheduler -SyncCycleEnabled $false';
const RESUME = 'Set-ADSyncScheduler -SyncCycleEnabled $true';
const RESTART = 'Restart-Service -Name ADSync';
const APES = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const LROBBINS = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e03';
const LROBBINS_ANCHOR = 'cUwvjp0qPkulxn2OnwobLA==';

const TIMESPAN_KEYS = [
  'Ticks',
  'Days',
  'Hours',
  'Milliseconds',
  'Minutes',
  'Seconds',
  'TotalDays',
  'TotalHours',
  'TotalMilliseconds',
  'TotalMinutes',
  'TotalSeconds',
];

/** Resolves once the stand-in recorded `count` hung cmdlets (within 20 s). */
async function hangsIn(sim: { history(): { outcome: string }[] }, count: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (sim.history().filter((h) => h.outcome === 'hang').length < count) {
    if (Date.now() > end) assert.fail(`the stand-in did not record ${count} hung cmdlets`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The message of the InvocationError `promise` rejects with. */
async function invocationError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InvocationError, `expected InvocationError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the invocation to fail');
}

describe('stand-in ADSync host driven by node-powershell', function () {
  this.timeout(30_000);
  let dir: string;
  let sim: AdSyncSimState;
  let shells: PowerShell[];

  /** A shell on the stand-in with the test's state file (and any extra env). */
  function shell(env: NodeJS.ProcessEnv = {}, options: PowerShellOptions = {}): PowerShell {
    const ps = new PowerShell({
      executable: PWSH,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true },
      ...options,
      spawnOptions: { env: { ...process.env, ADSYNC_SIM_STATE: sim.path, ...env }, ...options.spawnOptions },
    });
    shells.push(ps);
    return ps;
  }

  async function run(ps: PowerShell, script: string): Promise<string> {
    return (await ps.invoke(script)).raw;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adsync-host-'));
    sim = new AdSyncSimState(join(dir, 'state.json'));
    sim.reset({ cycleDurationMs: 600 });
    shells = [];
  });

  afterEach(async () => {
    await Promise.all(shells.map((ps) => ps.dispose()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts fast, imports ADSync, and answers the status scripts in ConvertTo-Json shapes', async () => {
    const started = Date.now();
    const ps = shell();
    assert.equal(await run(ps, 'Import-Module ADSync'), '');
    const startupMs = Date.now() - started;
    console.log(`      stand-in pwsh: first answer after ${startupMs} ms`);
    assert.ok(startupMs < 5000, `startup took ${startupMs} ms`);

    const scheduler = JSON.parse(await run(ps, STATUS_SCRIPTS[0])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(scheduler), [
      'AllowedSyncCycleInterval',
      'CurrentlyEffectiveSyncCycleInterval',
      'CustomizedSyncCycleInterval',
      'NextSyncCyclePolicyType',
      'NextSyncCycleStartTimeInUTC',
      'PurgeRunHistoryInterval',
      'SyncCycleEnabled',
      'MaintenanceEnabled',
      'StagingModeEnabled',
      'SchedulerSuspended',
      'SyncCycleInProgress',
    ]);
    const interval = scheduler.AllowedSyncCycleInterval as Record<string, number>;
    assert.deepEqual(Object.keys(interval), TIMESPAN_KEYS);
    assert.equal(interval.Ticks, 30 * 60 * 10_000_000);
    assert.equal(interval.TotalMinutes, 30);
    assert.equal((scheduler.PurgeRunHistoryInterval as Record<string, number>).Days, 7);
    assert.equal(scheduler.CustomizedSyncCycleInterval, null);
    assert.equal(scheduler.NextSyncCyclePolicyType, 1, 'enums serialize as numbers');
    // 5.1 writes a DateTime as \/Date(ms)\/ (JSON.parse leaves /Date(ms)/).
    const date = /^\/Date\((\d+)\)\/$/.exec(scheduler.NextSyncCycleStartTimeInUTC as string);
    assert.ok(date, String(scheduler.NextSyncCycleStartTimeInUTC));
    const next = Number(date[1]);
    assert.ok(next > Date.now() && next <= Date.now() + 30 * 60_000);
    assert.equal(scheduler.SyncCycleEnabled, true);
    assert.equal(scheduler.StagingModeEnabled, false);
    assert.equal(scheduler.SyncCycleInProgress, false);
    // JavaScriptSerializer writes a whole double without a decimal point.
    assert.match(await run(ps, STATUS_SCRIPTS[0]), /"TotalMinutes":30,/);

    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '', 'no run in progress prints nothing');
    assert.equal(await run(ps, STATUS_SCRIPTS[2]), '{"Name":"ADSync","Status":4}');
    sim.set({ serviceState: 'Stopped' });
    assert.equal(await run(ps, STATUS_SCRIPTS[2]), '{"Name":"ADSync","Status":1}');

    assert.deepEqual(
      sim.history().map((h) => [h.cmdlet, h.outcome]),
      [
        ['Import-Module', 'ok'],
        ['Get-ADSyncScheduler', 'ok'],
        ['Get-ADSyncScheduler', 'ok'],
        ['Get-ADSyncConnectorRunStatus', 'ok'],
        ['Get-Service', 'ok'],
        ['Get-Service', 'ok'],
      ],
    );
  });

  it('keeps a pause across a fresh shell, and resumes', async () => {
    const first = shell();
    await run(first, "$ErrorActionPreference = 'Stop'");
    assert.equal(await run(first, PAUSE), '');
    await first.dispose();
    assert.equal(sim.read().syncCycleEnabled, false);

    const second = shell();
    const paused = JSON.parse(await run(second, STATUS_SCRIPTS[0])) as { SyncCycleEnabled: boolean };
    assert.equal(paused.SyncCycleEnabled, false);
    assert.equal(await run(second, RESUME), '');
    const resumed = JSON.parse(await run(second, STATUS_SCRIPTS[0])) as { SyncCycleEnabled: boolean };
    assert.equal(resumed.SyncCycleEnabled, true);
    assert.deepEqual(
      sim
        .history()
        .filter((h) => h.cmdlet === 'Set-ADSyncScheduler')
        .map((h) => h.parameters),
      [{ SyncCycleEnabled: false }, { SyncCycleEnabled: true }],
    );
  });

  it('swallows a pause for the next N calls, and a resume until cleared, returning quietly as if it worked', async () => {
    const ps = shell();
    await run(ps, "$ErrorActionPreference = 'Stop'");
    const enabled = async () =>
      (JSON.parse(await run(ps, STATUS_SCRIPTS[0])) as { SyncCycleEnabled: boolean }).SyncCycleEnabled;

    sim.ignorePause(1);
    assert.equal(await run(ps, PAUSE), '', 'no error, no output');
    assert.equal(await enabled(), true, 'the pause did not take');
    assert.equal(await run(ps, PAUSE), '');
    assert.equal(await enabled(), false, 'only the next one was swallowed');

    sim.ignoreResume('always');
    for (let i = 0; i < 3; i++) assert.equal(await run(ps, RESUME), '');
    assert.equal(await enabled(), false, 'still paused');
    sim.ignoreResume(0);
    assert.equal(await run(ps, RESUME), '');
    assert.equal(await enabled(), true);
    assert.deepEqual(
      sim
        .history()
        .filter((h) => h.cmdlet === 'Set-ADSyncScheduler')
        .map((h) => [h.parameters.SyncCycleEnabled, h.outcome, h.ignored ?? false]),
      [
        [false, 'ok', true],
        [false, 'ok', false],
        [true, 'ok', true],
        [true, 'ok', true],
        [true, 'ok', true],
        [true, 'ok', false],
      ],
    );
  });

  it('keeps a cycle running after a pause for a given time, or for ever', async () => {
    const ps = shell();
    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '', 'idle (and the shell has started)');
    sim.setCycleRunning(1500);
    assert.equal(await run(ps, PAUSE), '');
    assert.match(await run(ps, STATUS_SCRIPTS[1]), /"RunState":1/, 'pausing does not stop it');
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '');

    sim.setCycleRunning(Infinity);
    assert.equal(sim.read().cycleRunningUntil, '9999-12-31T23:59:59.999Z');
    const scheduler = JSON.parse(await run(ps, STATUS_SCRIPTS[0])) as Record<string, unknown>;
    assert.equal(scheduler.SyncCycleInProgress, true);
    assert.match(await run(ps, STATUS_SCRIPTS[1]), /"RunState":1/);
    sim.setCycleRunning(0);
    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '');
  });

  it('starts a delta run that shows in the run status and makes a second delta "AAD is busy" until it ends', async () => {
    const ps = shell();
    assert.equal(await run(ps, DELTA), '{"Result":0}');
    assert.equal(
      await run(ps, STATUS_SCRIPTS[1]),
      '{"RunState":1,"ConnectorName":"contoso.onmicrosoft.com - AAD"}',
    );
    assert.equal(
      (JSON.parse(await run(ps, STATUS_SCRIPTS[0])) as Record<string, unknown>).SyncCycleInProgress,
      true,
    );
    const busy = await invocationError(ps.invoke(DELTA));
    assert.match(
      busy,
      /^Start-ADSyncSyncCycle : System\.InvalidOperationException: Connector: contoso\.onmicrosoft\.com - AAD is busy\.\n {3}at /,
    );
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '');
    assert.equal(await run(ps, DELTA), '{"Result":0}');
  });

  it('answers "AAD is busy" for the next N deltas when told to be busy, then succeeds', async () => {
    sim.setBusy(2);
    const ps = shell();
    assert.match(await invocationError(ps.invoke(DELTA)), /AAD is busy\./);
    assert.match(await invocationError(ps.invoke(DELTA)), /AAD is busy\./);
    assert.equal(await run(ps, DELTA), '{"Result":0}');
    assert.equal(sim.read().busyCycles, 0);
    assert.deepEqual(
      sim.history().map((h) => h.outcome),
      ['error', 'error', 'ok'],
    );
  });

  it('reports staging mode', async () => {
    sim.set({ stagingModeEnabled: true });
    const scheduler = JSON.parse(await run(shell(), STATUS_SCRIPTS[0])) as { StagingModeEnabled: boolean };
    assert.equal(scheduler.StagingModeEnabled, true);
  });

  it('is slow when told to be', async () => {
    const ps = shell();
    await run(ps, 'Import-Module ADSync');
    sim.set({ slowMs: 700 });
    const result = await ps.invoke(STATUS_SCRIPTS[2]);
    assert.equal(result.raw, '{"Name":"ADSync","Status":4}');
    assert.ok((result.duration ?? 0) >= 700, `took ${result.duration} ms`);
  });

  it('never answers a hung cmdlet: only invocationTimeout frees the caller, with an empty InvocationError', async () => {
    sim.set({ hang: 'Start-ADSyncSyncCycle' });
    const patient = shell();
    const outcome = await Promise.race([
      patient.invoke(DELTA).then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('still waiting'), 1500)),
    ]);
    assert.equal(outcome, 'still waiting');

    const ps = shell({}, { invocationTimeout: 500 });
    const started = Date.now();
    assert.equal(await invocationError(ps.invoke(DELTA)), '');
    assert.ok(Date.now() - started >= 500);
    assert.equal(ps.history[0].hadErrors, true);
    // The caller gave up after 500 ms; the host may have taken longer than that to start (a loaded
    // machine) and not have read the line yet. Clear the fault only once it did, and hung on it.
    await hangsIn(sim, 2);
    // The shell is still stuck on the hung line: the next command waits behind it and times out too.
    sim.set({ hang: null });
    assert.equal(await invocationError(ps.invoke(STATUS_SCRIPTS[2])), '');
    assert.deepEqual(
      sim.history().map((h) => [h.cmdlet, h.outcome]),
      [
        ['Start-ADSyncSyncCycle', 'hang'],
        ['Start-ADSyncSyncCycle', 'hang'],
      ],
    );
    await ps.dispose();
    await patient.dispose();
  });

  it('fails a cmdlet told to fail with its message, as PowerShell writes errors', async () => {
    sim.setFailing('Set-ADSyncScheduler', 'Access is denied.');
    const ps = shell();
    const denied = 'Set-ADSyncScheduler : Access is denied.\nAt line:1 char:1\n+ ' + PAUSE;
    assert.ok((await invocationError(ps.invoke(PAUSE))).startsWith(denied));
    assert.equal(sim.read().syncCycleEnabled, true);
    const quiet = shell({}, { throwOnInvocationError: false });
    const result = await quiet.invoke(PAUSE);
    assert.equal(result.hadErrors, true);
    assert.ok(result.raw.startsWith(denied), result.raw);
    sim.setFailing('Set-ADSyncScheduler', null);
    assert.equal(await run(ps, PAUSE), '');
    assert.equal(sim.read().syncCycleEnabled, false);
  });

  it('refuses an unknown cmdlet with Windows PowerShell 5.1 text and keeps the shell usable', async () => {
    const ps = shell();
    assert.equal(
      await invocationError(ps.invoke('Set-MsolDirSyncEnabled -EnableDirSync $false')),
      "Set-MsolDirSyncEnabled : The term 'Set-MsolDirSyncEnabled' is not recognized as the name of a cmdlet, function, script file, or operable program. " +
        'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n' +
        'At line:1 char:1\n' +
        '+ Set-MsolDirSyncEnabled -EnableDirSync $false\n' +
        '+ ~~~~~~~~~~~~~~~~~~~~~~\n' +
        '    + CategoryInfo          : ObjectNotFound: (:) [Set-MsolDirSyncEnabled], CommandNotFoundException\n' +
        '    + FullyQualifiedErrorId : CommandNotFoundException,Set-MsolDirSyncEnabled',
    );
    assert.equal(await run(ps, STATUS_SCRIPTS[2]), '{"Name":"ADSync","Status":4}');
  });

  it('restarts the service, even during a run, and records that it did', async () => {
    const ps = shell();
    sim.set({ serviceState: 'Stopped' });
    assert.equal(await run(ps, RESTART), '');
    assert.equal(sim.read().serviceState, 'Running');
    await run(ps, DELTA);
    assert.equal(await run(ps, RESTART), '');
    const restarts = sim.history().filter((h) => h.cmdlet === 'Restart-Service');
    assert.deepEqual(
      restarts.map((h) => h.duringRun),
      [false, true],
    );
    assert.equal(await run(ps, STATUS_SCRIPTS[1]), '', 'the restart ended the run');
  });

  it('keeps the framing straight over many invocations in a row', async () => {
    const ps = shell();
    for (let i = 0; i < 150; i += 1) {
      const raw = await run(ps, STATUS_SCRIPTS[i % 3]);
      if (i % 3 === 0)
        assert.equal((JSON.parse(raw) as { SyncCycleEnabled: boolean }).SyncCycleEnabled, true);
      else assert.equal(raw, i % 3 === 1 ? '' : '{"Name":"ADSync","Status":4}');
    }
    assert.equal(sim.history().length, 150);
  });

  it('is found on PATH by name and works from another working directory', async () => {
    const ps = new PowerShell({
      pwsh: true,
      spawnOptions: {
        cwd: tmpdir(),
        env: {
          ...process.env,
          PATH: `${dirname(PWSH)}${delimiter}${process.env.PATH}`,
          ADSYNC_SIM_STATE: sim.path,
        },
      },
    });
    shells.push(ps);
    assert.equal(await run(ps, DELTA), '{"Result":0}');
  });

  describe('node-powershell without a pwsh (what the relay must guard against)', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'pwsh');

    it('rejects invoke and dispose with ProcessError "spawn … ENOENT"', async () => {
      const ps = new PowerShell({ executable: missing });
      await assert.rejects(ps.invoke('Import-Module ADSync'), {
        name: 'ProcessError',
        message: `Shell process exited.\nspawn ${missing} ENOENT`,
      });
      await assert.rejects(ps.dispose(), { name: 'ProcessError' });
    });

    it('crashes a process that creates a shell and never invokes it (unhandled rejection)', () => {
      const script = `new (require('node-powershell').PowerShell)({ executable: ${JSON.stringify(missing)} });`;
      const child = spawnSync(process.execPath, ['-e', script], {
        cwd: resolve(__dirname, '../../../..'),
        encoding: 'utf8',
      });
      assert.equal(child.status, 1);
      assert.match(child.stderr, /ProcessError: Shell process exited\.\nspawn .* ENOENT/);
    });
  });

  describe('with the Graph simulator', () => {
    let h: SimHarness;
    let graphEnv: NodeJS.ProcessEnv;
    const apes: SimAdUser = {
      sourceAnchor: guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0'),
      sAMAccountName: 'apes',
      userPrincipalName: 'apes@contoso.com',
      mail: 'apes@contoso.com',
      displayName: 'Aaron Pescasio',
      givenName: 'Aaron',
      surname: 'Pescasio',
      distinguishedName: 'CN=Aaron Pescasio,OU=Staff,DC=corp,DC=contoso,DC=com',
      enabled: true,
      inScope: true,
    };
    const lrobbins: SimAdUser = {
      ...apes,
      sourceAnchor: LROBBINS_ANCHOR,
      sAMAccountName: 'lrobbins',
      userPrincipalName: 'lrobbins@contoso.com',
      mail: 'lrobbins@contoso.com',
      displayName: 'Lynne Robbins',
      givenName: 'Lynne',
      surname: 'Robbins',
      distinguishedName: 'CN=Lynne Robbins,OU=Staff,DC=corp,DC=contoso,DC=com',
    };

    beforeEach(async () => {
      h = await startSim();
      const view = join(dir, 'ad-view.json');
      // The demo AD's synced users as they are (Diego's and Miriam's twins too: left out, the delta
      // would take them as gone from scope and soft-delete them), with Aaron's the one to export.
      writeFileSync(view, JSON.stringify([lrobbins, apes, ...demoTwinsAdView()]));
      graphEnv = { ADSYNC_SIM_GRAPH_URL: h.base, ADSYNC_SIM_AD_VIEW: view };
      // The link: the cloud-only user gets the AD user's ImmutableId, so the delta hard-matches it.
      const patch = await h.send('PATCH', `/v1.0/users/${APES}`, {
        onPremisesImmutableId: apes.sourceAnchor,
      });
      assert.equal(patch.status, 204);
    });
    afterEach(() => h.stop());

    const cloudUser = async () =>
      (await (await fetch(`${h.base}/_sim/users/${APES}`)).json()) as {
        onPremisesSyncEnabled: boolean | null;
        onPremisesSamAccountName: string | null;
      };

    it('runs the sync engine on a delta: the linked user turns synced', async () => {
      assert.equal((await cloudUser()).onPremisesSyncEnabled, null);
      assert.equal(await run(shell(graphEnv), DELTA), '{"Result":0}');
      const user = await cloudUser();
      assert.equal(user.onPremisesSyncEnabled, true);
      assert.equal(user.onPremisesSamAccountName, 'apes');
      const delta = sim.history().find((e) => e.cmdlet === 'Start-ADSyncSyncCycle');
      assert.deepEqual(delta?.graphSync, {
        status: 200,
        report: {
          matched: [{ sourceAnchor: apes.sourceAnchor, userId: APES, userPrincipalName: 'apes@contoso.com' }],
          created: [],
          // The demo's synced users: Lynne, and the synced twins of Diego and Miriam.
          refreshed: [{ sourceAnchor: LROBBINS_ANCHOR, userId: LROBBINS }, ...demoTwinsRefreshed()],
          deleted: [],
          errors: [],
        },
      });
    });

    it('exports nothing from a staging server, and nothing on a busy delta', async () => {
      sim.set({ stagingModeEnabled: true });
      assert.equal(await run(shell(graphEnv), DELTA), '{"Result":0}');
      assert.equal((await cloudUser()).onPremisesSyncEnabled, null);
      sim.set({ stagingModeEnabled: false, cycleRunningUntil: null, busyCycles: 1 });
      assert.match(await invocationError(shell(graphEnv).invoke(DELTA)), /AAD is busy/);
      assert.equal((await cloudUser()).onPremisesSyncEnabled, null);
      assert.deepEqual(
        sim.history().map((e) => [e.outcome, e.graphSync]),
        [
          ['ok', undefined],
          ['error', undefined],
        ],
      );
    });
  });
});
