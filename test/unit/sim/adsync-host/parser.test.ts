import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { bindParameters } from '../../../../src/sim/adsync-host/binder';
import type { ParameterSpec } from '../../../../src/sim/adsync-host/binder';
import { convertToJson } from '../../../../src/sim/adsync-host/convert-to-json';
import { PsSession } from '../../../../src/sim/adsync-host/interpreter';
import { parseLine, PsParseError } from '../../../../src/sim/adsync-host/parser';
import { PsDateTime, PsDouble, PsEnum, timeSpan } from '../../../../src/sim/adsync-host/ps-values';
import { AdSyncSimState } from '../../../../src/sim/adsync-host/state';

/** The first line of an error as the host wrote it. */
function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

describe('stand-in ADSync host: parser', () => {
  it('parses node-powershell framing lines', () => {
    assert.deepEqual(parseLine('[Console]::Error.WriteLine("k3Jd9sPq0aZx1LmN")'), [
      { kind: 'console', stream: 'Error', text: 'k3Jd9sPq0aZx1LmN' },
    ]);
    assert.deepEqual(parseLine('[console]::Out.WriteLine("abc")'), [
      { kind: 'console', stream: 'Out', text: 'abc' },
    ]);
  });

  it('parses the relay scripts into pipelines', () => {
    assert.deepEqual(
      parseLine('Get-Service -Name ADSync | Select-Object Name,Status | ConvertTo-Json -Compress'),
      [
        {
          kind: 'pipeline',
          commands: [
            { name: 'Get-Service', arguments: [{ parameter: 'Name' }, { value: 'ADSync' }] },
            { name: 'Select-Object', arguments: [{ value: ['Name', 'Status'] }] },
            { name: 'ConvertTo-Json', arguments: [{ parameter: 'Compress' }] },
          ],
        },
      ],
    );
    assert.deepEqual(parseLine('Set-ADSyncScheduler -SyncCycleEnabled $false'), [
      {
        kind: 'pipeline',
        commands: [
          { name: 'Set-ADSyncScheduler', arguments: [{ parameter: 'SyncCycleEnabled' }, { value: false }] },
        ],
      },
    ]);
    assert.deepEqual(parseLine('Import-Module ADSync'), [
      { kind: 'pipeline', commands: [{ name: 'Import-Module', arguments: [{ value: 'ADSync' }] }] },
    ]);
  });

  it('parses assignments, quoted strings, -Param:value, lists with spaces, numbers, ; and comments', () => {
    assert.deepEqual(parseLine("$ErrorActionPreference = 'Stop'"), [
      { kind: 'assign', variable: 'ErrorActionPreference', value: 'Stop' },
    ]);
    const [statement] = parseLine(
      `X -A 'it''s' -B "say \`"hi\`"" -C:$TRUE -D 'a', "b" -E 3 -F $null # trailing comment`,
    );
    assert.deepEqual(statement, {
      kind: 'pipeline',
      commands: [
        {
          name: 'X',
          arguments: [
            { parameter: 'A' },
            { value: "it's" },
            { parameter: 'B' },
            { value: 'say "hi"' },
            { parameter: 'C', value: true },
            { parameter: 'D' },
            { value: ['a', 'b'] },
            { parameter: 'E' },
            { value: 3 },
            { parameter: 'F' },
            { value: null },
          ],
        },
      ],
    });
    assert.equal(parseLine("A; B 'x;y'").length, 2);
    assert.deepEqual(parseLine('   '), []);
    assert.deepEqual(parseLine('# only a comment'), []);
    assert.deepEqual(parseLine("A 'x|y' | B")[0], {
      kind: 'pipeline',
      commands: [
        { name: 'A', arguments: [{ value: 'x|y' }] },
        { name: 'B', arguments: [] },
      ],
    });
  });

  it('refuses what it does not implement instead of guessing', () => {
    for (const line of [
      'Get-ADSyncScheduler | Where-Object { $_.SyncCycleEnabled }',
      'Set-ADSyncScheduler -SyncCycleEnabled $enabled',
      'Write-Output "$($env:PATH)"',
      "Get-Foo 'unterminated",
      '(Get-ADSyncScheduler).SyncCycleEnabled',
      'Get-ADSyncScheduler |',
    ]) {
      assert.throws(() => parseLine(line), PsParseError, line);
    }
  });
});

describe('stand-in ADSync host: parameter binding', () => {
  const specs: ParameterSpec[] = [
    { name: 'SyncCycleEnabled', type: 'bool', position: 1, typeName: 'System.Boolean' },
    { name: 'PolicyType', type: 'enum', position: 0, values: ['Delta', 'Initial'], typeName: 'PolicyType' },
    { name: 'Force', type: 'switch' },
    { name: 'SyncOther', type: 'string' },
  ];
  const bind = (line: string) => {
    const [statement] = parseLine(`X ${line}`);
    assert.equal(statement.kind, 'pipeline');
    return bindParameters('X', specs, statement.commands[0].arguments);
  };

  it('binds named, shortened, switch, positional and common parameters', () => {
    assert.deepEqual(bind('-synccycleenabled $true -Force'), { SyncCycleEnabled: true, Force: true });
    assert.deepEqual(bind('-Force'), { Force: true });
    assert.deepEqual(bind('-Pol delta'), { PolicyType: 'Delta' });
    assert.deepEqual(bind('Initial 0'), { PolicyType: 'Initial', SyncCycleEnabled: false });
    assert.deepEqual(bind('-Force:$false -ErrorAction Stop -Verbose'), { Force: false });
  });

  it('fails in PowerShell words', () => {
    assert.throws(() => bind('-Nope 1'), {
      message: "A parameter cannot be found that matches parameter name 'Nope'.",
    });
    assert.throws(() => bind('-Sync $true'), { message: /parameter name 'Sync' is ambiguous/ });
    assert.throws(() => bind("-SyncCycleEnabled 'no'"), {
      message: /Cannot convert value "System.String" to type "System.Boolean"/,
    });
    assert.throws(() => bind('-SyncCycleEnabled'), {
      message: /Missing an argument for parameter 'SyncCycleEnabled'/,
    });
    assert.throws(() => bind('-PolicyType Full'), { message: /Unable to match the identifier name Full/ });
    assert.throws(() => bind('Delta $true extra'), {
      message: "A positional parameter cannot be found that accepts argument 'extra'.",
    });
  });
});

describe('stand-in ADSync host: ConvertTo-Json', () => {
  const compress = { compress: true, depth: 2 };

  it('writes doubles as JavaScriptSerializer does, enums as numbers, dates as \\/Date(ms)\\/ (5.1)', () => {
    assert.equal(
      convertToJson(
        [
          {
            D: new PsDouble(30),
            H: new PsDouble(0.5),
            E: new PsEnum('Running', 4),
            T: new PsDateTime(new Date('2026-11-25T10:30:00.000Z')),
            F: new PsDateTime(new Date('2026-11-25T10:30:00.120Z')),
            N: null,
            S: 'x"y',
          },
        ],
        compress,
      ),
      '{"D":30,"H":0.5,"E":4,"T":"\\/Date(1795602600000)\\/","F":"\\/Date(1795602600120)\\/","N":null,"S":"x\\"y"}',
    );
  });

  it('shifts a DateTime of kind Unspecified by the server offset, as JavaScriptSerializer does', () => {
    const wall = new Date('2026-11-25T10:30:00.000Z');
    const unspecified = new PsDateTime(wall, 'Unspecified', 60);
    assert.equal(convertToJson([{ T: unspecified }], compress), '{"T":"\\/Date(1795599000000)\\/"}');
    assert.equal(unspecified.withKind('Utc').toRoundTrip(), '2026-11-25T10:30:00.0000000Z');
  });

  it('prints nothing for no input, an array for several, and indents like PowerShell 7', () => {
    assert.equal(convertToJson([], compress), undefined);
    assert.equal(convertToJson([{ A: 1 }, { A: 2 }], compress), '[{"A":1},{"A":2}]');
    assert.equal(
      convertToJson([{ A: 1, B: { C: true } }], { ...compress, compress: false }),
      '{\n  "A": 1,\n  "B": {\n    "C": true\n  }\n}',
    );
  });

  it('serializes a TimeSpan as its .NET Framework properties', () => {
    const span = timeSpan(7 * 86_400_000 + 90_061_001);
    assert.ok(!('Microseconds' in span) && !('TotalNanoseconds' in span), 'no .NET 7 properties');
    assert.equal(span.Days, 8);
    assert.equal(span.Hours, 1);
    assert.equal(span.Minutes, 1);
    assert.equal(span.Seconds, 1);
    assert.equal(span.Milliseconds, 1);
    assert.equal(span.Ticks, (7 * 86_400_000 + 90_061_001) * 10_000);
  });

  it('writes objects past -Depth as their type name', () => {
    assert.equal(
      convertToJson([{ A: { B: { C: 1 } } }], { ...compress, depth: 1 }),
      '{"A":{"B":"System.Management.Automation.PSCustomObject"}}',
    );
  });
});

describe('stand-in ADSync host: session', () => {
  let dir: string;
  let state: AdSyncSimState;
  let out: string[];
  let err: string[];
  let sleep: sinon.SinonStub;
  let session: PsSession;
  const now = new Date('2026-11-25T10:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adsync-session-'));
    state = new AdSyncSimState(join(dir, 'state.json'));
    state.reset({ nextSyncCycleStartTimeInUTC: '2026-11-25T09:40:00.000Z' });
    out = [];
    err = [];
    sleep = sinon.stub().resolves();
    session = new PsSession(
      { state, env: {}, now: () => now, sleep },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls the next cycle start forward by whole intervals and formats objects without ConvertTo-Json', async () => {
    await session.runLine('Get-ADSyncScheduler | Select-Object NextSyncCycleStartTimeInUTC,SyncCycleEnabled');
    assert.deepEqual(err, []);
    assert.equal(
      out.join('\n'),
      '\nNextSyncCycleStartTimeInUTC SyncCycleEnabled\n--------------------------- ----------------\n11/25/2026 10:10:00 AM      True\n',
    );
  });

  it('stops the rest of a line after an error only when $ErrorActionPreference is Stop', async () => {
    await session.runLine('Get-Nothing; [Console]::Out.WriteLine("after")');
    assert.deepEqual(out, ['after']);
    await session.runLine("$ErrorActionPreference = 'Stop'");
    await session.runLine('Get-Nothing; [Console]::Out.WriteLine("after")');
    assert.deepEqual(out, ['after']);
    assert.equal(err.length, 2);
    assert.match(err[1], /^Get-Nothing : The term 'Get-Nothing' is not recognized as the name of a cmdlet/);
  });

  it('binds every command before running any, so a bad pipeline changes nothing', async () => {
    await session.runLine('Set-ADSyncScheduler -SyncCycleEnabled $false | ConvertTo-Json -Bogus');
    assert.deepEqual(err.map(firstLine), [
      "ConvertTo-Json : A parameter cannot be found that matches parameter name 'Bogus'.",
    ]);
    assert.equal(state.read().syncCycleEnabled, true);
    assert.deepEqual(state.history(), []);
  });

  it('sleeps slowMs before each server cmdlet, not before pipeline cmdlets', async () => {
    state.set({ slowMs: 250 });
    await session.runLine('Get-Service ADSync | Select-Object Name | ConvertTo-Json -Compress');
    assert.deepEqual(out, ['{"Name":"ADSync"}']);
    assert.deepEqual(sleep.args, [[250]]);
  });

  it('refuses other modules and services with PowerShell text', async () => {
    await session.runLine('Import-Module MSOnline');
    await session.runLine('Get-Service -Name Spooler');
    await session.runLine('Restart-Service W32Time');
    assert.deepEqual(err.map(firstLine), [
      "Import-Module : The specified module 'MSOnline' was not loaded because no valid module file was found in any module directory.",
      "Get-Service : Cannot find any service with service name 'Spooler'.",
      "Restart-Service : Cannot find any service with service name 'W32Time'.",
    ]);
  });

  it('writes errors in 5.1 NormalView: message, position, CategoryInfo, FullyQualifiedErrorId', async () => {
    state.set({ schedulerAccessDenied: true });
    await session.runLine('Set-ADSyncScheduler -SyncCycleEnabled $false');
    assert.equal(
      err[0],
      'Set-ADSyncScheduler : System.UnauthorizedAccessException: Access is denied.\n' +
        'At line:1 char:1\n' +
        '+ Set-ADSyncScheduler -SyncCycleEnabled $false\n' +
        '+ ~~~~~~~~~~~~~~~~~~~\n' +
        '    + CategoryInfo          : PermissionDenied: (:) [Set-ADSyncScheduler], UnauthorizedAccessException\n' +
        '    + FullyQualifiedErrorId : UnauthorizedAccessException,Set-ADSyncScheduler',
    );
    assert.equal(state.read().syncCycleEnabled, true, 'nothing changed');
    await session.runLine('Get-ADSyncScheduler | Select-Object SyncCycleEnabled | ConvertTo-Json -Compress');
    assert.deepEqual(out, ['{"SyncCycleEnabled":true}'], 'reads still work');
  });

  it('imports ADSync by full path with $env:ProgramFiles, and by name only when it is on PSModulePath', async () => {
    const windows = new PsSession(
      { state, env: { PROGRAMFILES: 'C:\\Program Files' }, now: () => now, sleep },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
    );
    state.set({ moduleOnPath: false });
    await windows.runLine(
      'Import-Module "$env:ProgramFiles\\Microsoft Azure AD Sync\\Bin\\ADSync\\ADSync.psd1"',
    );
    assert.deepEqual(err, []);
    await windows.runLine('Import-Module ADSync');
    assert.match(err[0] ?? '', /^Import-Module : The specified module 'ADSync' was not loaded/);
  });

  it('writes warnings to stdout and progress to stderr unless the preferences silence them', async () => {
    state.set({ noisyCmdlet: 'Get-ADSyncScheduler' });
    const script = 'Get-ADSyncScheduler | Select-Object SyncCycleEnabled | ConvertTo-Json -Compress';
    await session.runLine(script);
    assert.deepEqual(out, [
      'WARNING: Get-ADSyncScheduler is running on a server with pending updates.',
      '{"SyncCycleEnabled":true}',
    ]);
    assert.match(err[0] ?? '', /^#< CLIXML .*S="progress"/);
    out.length = 0;
    err.length = 0;
    await session.runLine(
      `$WarningPreference='SilentlyContinue'; $ProgressPreference='SilentlyContinue'; ${script}`,
    );
    assert.deepEqual(out, ['{"SyncCycleEnabled":true}']);
    assert.deepEqual(err, []);
  });

  it("formats a DateTime property with an explicit kind: [DateTime]::SpecifyKind((…).P,'Utc').ToString('o')", async () => {
    state.set({ utcOffsetMinutes: 120 });
    await session.runLine(
      "[DateTime]::SpecifyKind((Get-ADSyncScheduler).NextSyncCycleStartTimeInUTC,'Utc').ToString('o')",
    );
    assert.deepEqual(err, []);
    assert.deepEqual(out, ['2026-11-25T10:10:00.0000000Z']);
  });

  it('throws either busy text on a delta while a cycle runs', async () => {
    state.setBusy(2, 'already-running');
    await session.runLine('Start-ADSyncSyncCycle -PolicyType Delta');
    state.setBusy(1, 'connector-busy');
    await session.runLine('Start-ADSyncSyncCycle -PolicyType Delta');
    assert.match(
      err[0] ?? '',
      /^Start-ADSyncSyncCycle : System\.InvalidOperationException: Sync is already running\. Cannot start a new run till this one completes\./,
    );
    assert.match(
      err[1] ?? '',
      /^Start-ADSyncSyncCycle : System\.InvalidOperationException: Connector: contoso\.onmicrosoft\.com - AAD is busy\./,
    );
  });

  it('hides a running cycle in a gap between two steps: no run status, SyncCycleInProgress False', async () => {
    state.setCycleRunning(60_000, now);
    state.setRunStatusGap(1000, now);
    await session.runLine('Get-ADSyncConnectorRunStatus | ConvertTo-Json -Compress');
    await session.runLine(
      'Get-ADSyncScheduler | Select-Object SyncCycleInProgress | ConvertTo-Json -Compress',
    );
    assert.deepEqual(out, ['{"SyncCycleInProgress":false}']);
    assert.equal(AdSyncSimState.cycleInProgress(state.read(), now), true, 'the cycle goes on');
  });

  it('writes a parse error for syntax it does not implement', async () => {
    await session.runLine('Get-ADSyncScheduler | % { $_ }');
    assert.equal(err.length, 1);
    assert.match(err[0], /^ParserError: /);
  });
});
