import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import {
  IMPORT_MODULE_SCRIPT,
  PROBE_SCRIPT,
  PowerShellRunner,
  PwshUnavailableError,
  ScriptError,
  ScriptTimeoutError,
  parseJsonOutput,
} from '../../../src/relay-agent/powershell-runner';
import { SCRIPTS } from '../../../src/relay-agent/scripts';
import type { PollRequest } from '../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  generateSigningKeyPair,
  publicKeyFrom,
  signatureFromHeaders,
  verifySignature,
} from '../../../src/shared/relay-protocol/request-signing';

/**
 * The relay's PowerShell runner against real child processes: a missing executable, and a small
 * executable written here that speaks node-powershell's framing (marker lines on both streams) and
 * answers each command from a table. It is framing-level only; the ADSync behaviour is the
 * stand-in host's job (see relay-agent.test.ts).
 */

const FRAMED_SHELL = `#!/usr/bin/env node
const fs = require('node:fs');
const table = JSON.parse(fs.readFileSync(process.env.FAKE_PWSH_TABLE, 'utf8'));
const log = (line) => fs.appendFileSync(process.env.FAKE_PWSH_LOG, line + '\\n');
log('start ' + process.pid + ' ' + process.argv.slice(2).join(' '));
let hung = false;
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let i;
  while (!hung && (i = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, i).replace(/\\r$/, '');
    buffer = buffer.slice(i + 1);
    const marker = /^\\[Console\\]::(Out|Error)\\.WriteLine\\("(.*)"\\)$/.exec(line);
    if (marker) {
      (marker[1] === 'Out' ? process.stdout : process.stderr).write(marker[2] + '\\n');
      continue;
    }
    if (line.trim() === '') continue;
    log('run ' + line);
    const answer = table[line] ?? { err: "The term '" + line + "' is not recognized" };
    if (answer.hang) { hung = true; return; }
    if (answer.exit !== undefined) process.exit(answer.exit);
    if (answer.out) process.stdout.write(answer.out + '\\n');
    if (answer.err) process.stderr.write(answer.err + '\\n');
  }
});
`;

interface Answer {
  out?: string;
  err?: string;
  hang?: boolean;
  exit?: number;
}

class FramedShell {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'relay-pwsh-'));
  readonly executable = path.join(this.dir, 'pwsh');
  private readonly tableFile = path.join(this.dir, 'table.json');
  private readonly logFile = path.join(this.dir, 'log.txt');

  constructor(table: Record<string, Answer>) {
    writeFileSync(this.executable, FRAMED_SHELL);
    chmodSync(this.executable, 0o755);
    writeFileSync(this.logFile, '');
    this.setTable(table);
  }

  setTable(table: Record<string, Answer>): void {
    writeFileSync(
      this.tableFile,
      JSON.stringify({
        [IMPORT_MODULE_SCRIPT]: {},
        [PROBE_SCRIPT]: { out: '{"SyncCycleEnabled":true}' },
        ...table,
      }),
    );
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, FAKE_PWSH_TABLE: this.tableFile, FAKE_PWSH_LOG: this.logFile };
  }

  get log(): string[] {
    return readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean);
  }

  get starts(): number {
    return this.log.filter((l) => l.startsWith('start ')).length;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('relay PowerShell runner (real child processes)', function () {
  this.timeout(30_000);
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let runner: PowerShellRunner | null = null;
  let shell: FramedShell | null = null;

  beforeEach(() => {
    rejections.length = 0;
    process.on('unhandledRejection', onRejection);
  });
  afterEach(async () => {
    await runner?.dispose();
    runner = null;
    shell?.remove();
    shell = null;
    // Let a late rejection (the node-powershell pitfall) surface before checking.
    await new Promise((r) => setTimeout(r, 200));
    process.removeListener('unhandledRejection', onRejection);
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });

  it('reports a missing executable as a clear problem, without an unhandled rejection', async () => {
    runner = new PowerShellRunner({ executable: '/nonexistent/bin/pwsh', timeoutMs: 2000 });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(runner.problem ?? '', /"\/nonexistent\/bin\/pwsh" was not found.*RELAY_PWSH/);
    await assert.rejects(runner.run('Get-ADSyncScheduler | ConvertTo-Json -Compress'), PwshUnavailableError);
  });

  it('reports an executable that exits at start-up, without an unhandled rejection', async () => {
    shell = new FramedShell({ [IMPORT_MODULE_SCRIPT]: { exit: 3 } });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 2000, env: shell.env });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(runner.problem ?? '', /^".*pwsh" exited at start-up \(exit code 3\)$/);
  });

  it('reports a pwsh missing from PATH the same way', async () => {
    runner = new PowerShellRunner({ executable: 'pwsh', timeoutMs: 2000, env: { PATH: '/nonexistent' } });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(runner.problem ?? '', /"pwsh" was not found on PATH/);
  });

  it('starts the shell with -NoProfile -NonInteractive, imports ADSync and reads the scheduler once, and parses JSON output', async () => {
    const scheduler = SCRIPTS.scheduler;
    const runStatus = SCRIPTS.runStatus;
    shell = new FramedShell({ [runStatus]: {} });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await runner.start();
    assert.equal(runner.ready, true, String(runner.problem));
    assert.deepEqual(parseJsonOutput(scheduler, await runner.run(scheduler)), { SyncCycleEnabled: true });
    assert.equal(parseJsonOutput(runStatus, await runner.run(runStatus)), null);
    const [start, ...runs] = shell.log;
    assert.match(start, /-NoLogo -NoProfile -NonInteractive -NoExit -Command -$/);
    assert.deepEqual(runs, [
      `run ${IMPORT_MODULE_SCRIPT}`,
      `run ${PROBE_SCRIPT}`,
      `run ${scheduler}`,
      `run ${runStatus}`,
    ]);
  });

  it('is not ready when the module loads but Get-ADSyncScheduler fails, and says so', async () => {
    shell = new FramedShell({
      [PROBE_SCRIPT]: {
        err: 'Get-ADSyncScheduler : Retrieving the COM class factory for component failed due to the following error: 80070422',
      },
    });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(
      runner.problem ?? '',
      /^the ADSync module loaded but Get-ADSyncScheduler failed, so the relay cannot read the scheduler .*: Get-ADSyncScheduler : Retrieving the COM class factory/,
    );
    await assert.rejects(runner.run(SCRIPTS.scheduler), PwshUnavailableError);
  });

  it('is not ready when Get-ADSyncScheduler prints something that is not JSON', async () => {
    shell = new FramedShell({ [PROBE_SCRIPT]: { out: 'WARNING: something' } });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(runner.problem ?? '', /Get-ADSyncScheduler failed.*not JSON: WARNING: something/);
  });

  it('gives one script its own timeout when asked', async () => {
    shell = new FramedShell({ [SCRIPTS.restartService]: { hang: true } });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await runner.start();
    const began = Date.now();
    await assert.rejects(runner.run(SCRIPTS.restartService, { timeoutMs: 500 }), ScriptTimeoutError);
    assert.ok(Date.now() - began < 4000, "the script's own timeout, not the runner's");
  });

  it('turns error output into a ScriptError carrying the message', async () => {
    shell = new FramedShell({
      [SCRIPTS.delta]: {
        err: 'Start-ADSyncSyncCycle: System.InvalidOperationException: Connector: contoso.onmicrosoft.com - AAD is busy.',
      },
    });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await assert.rejects(
      runner.run(SCRIPTS.delta),
      (err: unknown) => err instanceof ScriptError && /AAD is busy/.test(err.message),
    );
    assert.equal(runner.ready, true, 'an error from a cmdlet leaves the shell usable');
  });

  it('is not ready when importing the ADSync module fails', async () => {
    shell = new FramedShell({
      [IMPORT_MODULE_SCRIPT]: { err: "Import-Module : The specified module 'ADSync' was not loaded" },
    });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 5000, env: shell.env });
    await runner.start();
    assert.equal(runner.ready, false);
    assert.match(runner.problem ?? '', /^importing the ADSync module failed: .*'ADSync' was not loaded/);
  });

  it('kills a hung shell after the timeout and starts a fresh one', async () => {
    shell = new FramedShell({
      'Get-ADSyncScheduler | ConvertTo-Json -Compress': { hang: true },
      'Set-ADSyncScheduler -SyncCycleEnabled $true': {},
    });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 1000, env: shell.env });
    const began = Date.now();
    await assert.rejects(runner.run('Get-ADSyncScheduler | ConvertTo-Json -Compress'), ScriptTimeoutError);
    const took = Date.now() - began;
    assert.ok(took >= 1000 && took < 5000, `timed out after ${took} ms`);
    assert.equal(shell.starts, 2, 'a fresh shell was started');
    assert.equal(runner.ready, true);
    assert.equal(await runner.run('Set-ADSyncScheduler -SyncCycleEnabled $true'), '');
    assert.equal(shell.starts, 2, 'the fresh shell answered');
  });

  it('starts a fresh shell when the old one died between invocations', async () => {
    shell = new FramedShell({ 'Stop-Now': { exit: 3 }, 'Get-Date': { out: '"today"' } });
    runner = new PowerShellRunner({ executable: shell.executable, timeoutMs: 3000, env: shell.env });
    await assert.rejects(runner.run('Stop-Now'), ScriptError);
    assert.equal(await runner.run('Get-Date'), '"today"');
    assert.equal(shell.starts, 2);
  });
});

describe('relay process without pwsh (real child process)', function () {
  this.timeout(30_000);
  let relay: ChildProcess | null = null;
  let server: http.Server | null = null;
  let stateDir = '';

  afterEach(async () => {
    if (relay && relay.exitCode === null) {
      relay.kill('SIGKILL');
      await new Promise((r) => relay?.once('exit', r));
    }
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('stays up, polls with ready=false and the reason, and stops cleanly on SIGTERM', async () => {
    const relayKeys = generateSigningKeyPair();
    const botKeys = generateSigningKeyPair();
    const polls: PollRequest[] = [];
    const nonces = new NonceCache();
    // Records the relay's signed polls (checking the signature); answers "no job".
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        verifySignature(
          { method: req.method ?? '', path: req.url ?? '', body },
          signatureFromHeaders(req.headers),
          new Map([['relay-t', publicKeyFrom(relayKeys.publicKey)]]),
          nonces,
        );
        polls.push(JSON.parse(body) as PollRequest);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"job":null}');
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'relay-state-'));
    let output = '';
    relay = spawn(process.execPath, ['--import', 'tsx', 'src/relay-agent/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DOTENV_CONFIG_PATH: '/dev/null',
        RELAY_ID: 'relay-t',
        RELAY_BOT_URL: `http://127.0.0.1:${port}`,
        RELAY_PRIVATE_KEY: relayKeys.privateKey,
        RELAY_BOT_PUBLIC_KEY: botKeys.publicKey,
        RELAY_POLL_INTERVAL_MS: '200',
        RELAY_PWSH: '/nonexistent/pwsh',
        RELAY_STATE_FILE: path.join(stateDir, 'state.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    relay.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const deadline = Date.now() + 20_000;
    while (polls.length < 5 && Date.now() < deadline && relay.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(relay.exitCode, null, `the relay exited:\n${output}`);
    assert.ok(polls.length >= 5, `only ${polls.length} polls:\n${output}`);
    const last = polls[polls.length - 1];
    assert.equal(last.relayId, 'relay-t');
    assert.equal(last.ready, false);
    assert.match(last.problem ?? '', /"\/nonexistent\/pwsh" was not found.*RELAY_PWSH/);
    assert.equal(last.scheduler.syncCycleEnabled, null);
    assert.match(output, /"level":"error".*PowerShell is not ready/);
    assert.doesNotMatch(output, /Unhandled|UnhandledPromiseRejection|ENOENT/);
    assert.ok(!output.includes(relayKeys.privateKey), 'the private key is never logged');
    relay.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => relay?.once('exit', (c) => r(c)));
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"stopped"/);
  });
});
