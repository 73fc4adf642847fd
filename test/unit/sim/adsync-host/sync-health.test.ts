import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutQuiet } from '../../../../src/relay-agent/powershell-runner';
import { SCRIPTS } from '../../../../src/relay-agent/scripts';
import { PsSession } from '../../../../src/sim/adsync-host/interpreter';
import { parseLine, PsHashtable, PsParseError, PsVariableRef } from '../../../../src/sim/adsync-host/parser';
import { AdSyncSimState } from '../../../../src/sim/adsync-host/state';

const MIN = 60_000;
const NO_MATCH = 'Get-WinEvent : No events were found that match the specified selection criteria.';

describe('stand-in ADSync host: sync health (PHS heartbeats, event log, service, full password sync)', () => {
  let dir: string;
  let state: AdSyncSimState;
  let out: string[];
  let err: string[];
  let clock: number;
  let env: NodeJS.ProcessEnv;
  let session: PsSession;
  const start = Date.parse('2026-12-04T12:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adsync-health-'));
    state = new AdSyncSimState(join(dir, 'state.json'));
    // Heartbeats at -95, -65, -35 and -5 minutes.
    state.reset({ heartbeatsSince: new Date(start - 95 * MIN).toISOString() });
    out = [];
    err = [];
    clock = start;
    env = {};
    session = new PsSession(
      { state, env, now: () => new Date(clock), sleep: async () => undefined },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(script: string): Promise<{ out: string[]; err: string[] }> {
    out.length = 0;
    err.length = 0;
    await session.runLine(script);
    return { out: [...out], err: err.map((e) => e.split('\n')[0] ?? '') };
  }

  async function lastHeartbeat(): Promise<number | null> {
    const result = await run(SCRIPTS.lastHeartbeat);
    if (result.err[0] === NO_MATCH) return null;
    assert.deepEqual(result.err, []);
    const event = JSON.parse(result.out[0]) as { Id: number; TimeCreated: string; Message: string };
    assert.equal(event.Id, 654);
    assert.match(event.Message, /ping end/);
    return Number(/^\/Date\((\d+)\)\/$/.exec(event.TimeCreated)?.[1]);
  }

  it('parses the relay scripts: a hashtable literal, $x = <pipeline>, $x.Property, and refuses the rest', () => {
    const [, , winEvent] = parseLine(SCRIPTS.recentErrors);
    assert.equal(winEvent.kind, 'pipeline');
    const filter = winEvent.kind === 'pipeline' ? winEvent.commands[0].arguments[1].value : undefined;
    assert.ok(filter instanceof PsHashtable);
    assert.deepEqual(filter.entries, {
      LogName: 'Application',
      ProviderName: 'Directory Synchronization',
      Id: [611, 652, 655],
    });
    const statements = parseLine(withoutQuiet(SCRIPTS.passwordSyncOn));
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['assign-pipeline', 'assign-pipeline', 'pipeline'],
    );
    const set = statements[2].kind === 'pipeline' ? statements[2].commands[0] : undefined;
    assert.deepEqual(set?.arguments[1], { value: new PsVariableRef('ad', 'Name') });
    assert.throws(() => parseLine('Get-WinEvent -FilterHashtable @{StartTime=(Get-Date)}'), PsParseError);
    assert.throws(() => parseLine('Get-WinEvent -FilterHashtable @{Id}'), PsParseError);
  });

  it('writes a 654 every interval while the service runs and PHS is on, newest first', async () => {
    assert.equal(await lastHeartbeat(), start - 5 * MIN);
    clock = start + 26 * MIN;
    assert.equal(await lastHeartbeat(), start + 25 * MIN);
    assert.equal(state.read().heartbeatTimes.length, 5);
  });

  it('silenceHeartbeat(130 min) takes the newer ones out: no match, and no error with SilentlyContinue', async () => {
    state.silenceHeartbeat(130 * MIN, new Date(start));
    assert.equal(await lastHeartbeat(), null);
    const quiet = await run(
      SCRIPTS.lastHeartbeat.replace('-ErrorAction Stop', '-ErrorAction SilentlyContinue'),
    );
    assert.deepEqual(quiet, { out: [], err: [] });
    clock = start + 60 * MIN;
    assert.equal(await lastHeartbeat(), null, 'stays silent');
  });

  it('a restart brings heartbeats back heartbeatAfterRestartMs later, unless told otherwise', async () => {
    state.silenceHeartbeat(130 * MIN, new Date(start));
    await run(SCRIPTS.restartService);
    clock = start + 5_000;
    assert.equal(await lastHeartbeat(), null);
    clock = start + 11_000;
    assert.equal(await lastHeartbeat(), start + 10_000);
    clock = start + 10_000 + 30 * MIN;
    assert.equal(await lastHeartbeat(), start + 10_000 + 30 * MIN);

    state.set({ restartRestoresHeartbeat: false });
    state.silenceHeartbeat(0, new Date(clock));
    await run(SCRIPTS.restartService);
    clock += 60 * MIN;
    assert.equal(await lastHeartbeat(), start + 10_000 + 30 * MIN, 'no new heartbeat');
  });

  it('PHS off or staging writes no heartbeat; the company feature says PasswordHashSync', async () => {
    await lastHeartbeat();
    state.set({ passwordHashSync: false });
    clock = start + 60 * MIN;
    assert.equal(await lastHeartbeat(), start - 5 * MIN);
    assert.equal(JSON.parse((await run(SCRIPTS.companyFeature)).out[0]).PasswordHashSync, false);
  });

  it('with the service stopped the ADSync cmdlets fail, Get-WinEvent and Get-Service still answer', async () => {
    await lastHeartbeat();
    state.set({ serviceState: 'Stopped' });
    const scheduler = await run(SCRIPTS.scheduler);
    assert.match(scheduler.err[0], /^Get-ADSyncScheduler : System\.ServiceModel\.EndpointNotFoundException/);
    assert.deepEqual((await run(SCRIPTS.service)).out, ['{"Name":"ADSync","Status":1}']);
    clock = start + 90 * MIN;
    assert.equal(await lastHeartbeat(), start - 5 * MIN, 'none while stopped');
    await run(SCRIPTS.restartService);
    assert.equal(state.read().serviceState, 'Running');
    clock += 11_000;
    assert.equal(await lastHeartbeat(), start + 90 * MIN + 10_000, 'none written for the stopped hour');
  });

  it('serviceStartFails: Restart-Service throws "cannot be started" and the service stays Stopped', async () => {
    state.set({ serviceState: 'Stopped', serviceStartFails: true });
    const restart = await run(SCRIPTS.restartService);
    assert.equal(
      restart.err[0],
      "Restart-Service : Service 'Microsoft Azure AD Sync (ADSync)' cannot be started due to the following error: Cannot start service ADSync on computer '.'.",
    );
    assert.equal(state.read().serviceState, 'Stopped');
  });

  it('returns injected 611/652/655 by id, newest first, at most -MaxEvents', async () => {
    assert.equal((await run(SCRIPTS.recentErrors)).err[0], NO_MATCH);
    for (let i = 0; i < 12; i++) {
      state.addSyncEvent({
        id: 611,
        at: new Date(start - (i + 1) * MIN).toISOString(),
        message: `error ${i}`,
      });
    }
    state.addSyncEvent({ id: 655, message: 'newest' }, new Date(start));
    const events = JSON.parse((await run(SCRIPTS.recentErrors)).out[0]) as { Id: number; Message: string }[];
    assert.equal(events.length, 10);
    assert.deepEqual(
      events.slice(0, 2).map((e) => [e.Id, e.Message]),
      [
        [655, 'newest'],
        [611, 'error 0'],
      ],
    );
  });

  it('runs the full password sync toggle with the connectors the server names, and refuses two AD connectors', async () => {
    assert.deepEqual((await run(SCRIPTS.passwordSyncOff)).err, []);
    assert.equal(state.read().passwordSyncEnabled, false);
    assert.deepEqual((await run(SCRIPTS.passwordSyncOn)).err, []);
    assert.equal(JSON.parse((await run(SCRIPTS.passwordSyncConfig)).out[0]).Enabled, true);
    const sets = state.history().filter((h) => h.cmdlet === 'Set-ADSyncAADPasswordSyncConfiguration');
    assert.deepEqual(
      sets.map((h) => h.parameters),
      [false, true].map((Enable) => ({
        SourceConnector: 'contoso.com',
        TargetConnector: 'contoso.onmicrosoft.com - AAD',
        Enable,
      })),
    );
    state.set({ adConnectors: ['contoso.com', 'fabrikam.com'] });
    const two = await run(SCRIPTS.passwordSyncOff);
    assert.match(
      two.err[0],
      /Cannot convert 'System\.Object\[\]' to the type 'System\.String' required by parameter 'SourceConnector'/,
    );
    state.set({ adConnectors: [] });
    const none = await run(SCRIPTS.passwordSyncOff);
    assert.match(none.err[0], /Cannot bind argument to parameter 'SourceConnector' because it is null/);
    assert.equal(state.read().passwordSyncEnabled, true);
  });

  it('reports each new heartbeat once to the Graph simulator, and records a failed report', async () => {
    const patches: { url?: string; method?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        patches.push({ url: req.url, method: req.method, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      env.ADSYNC_SIM_GRAPH_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await run(SCRIPTS.service);
      await run(SCRIPTS.service);
      assert.deepEqual(patches, [
        {
          url: '/_sim/organization',
          method: 'PATCH',
          body: JSON.stringify({
            onPremisesLastPasswordSyncDateTime: new Date(start - 5 * MIN).toISOString(),
          }),
        },
      ]);
      env.ADSYNC_SIM_GRAPH_URL = 'http://127.0.0.1:9';
      clock = start + 26 * MIN;
      await run(SCRIPTS.service);
      const report = state.history().at(-1)?.heartbeatReport;
      assert.ok(report && 'error' in report, JSON.stringify(report));
      assert.equal(state.read().lastReportedHeartbeatAt, new Date(start + 25 * MIN).toISOString());
    } finally {
      server.close();
    }
  });
});
