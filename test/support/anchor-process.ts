import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { TEST_HEALTH_TOKEN } from './health';

/** A free TCP port on loopback, for a server a test is about to start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Anchor run as a real process, exactly as `npm start` runs it (`tsx src/main.ts`), with an
 * environment of the test's choosing and nothing inherited that could change its mode.
 */
export class AnchorProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
  }

  /**
   * Starts an Anchor program (the bot by default, or `src/relay-agent/main.ts`) with `env` plus PATH,
   * HOME and the test HEALTH_TOKEN (which `env` may override). The working directory has no `.env`.
   * With `built`, `entry` is compiled JavaScript (`dist/src/main.js`) run without tsx, in `cwd`.
   */
  static start(
    env: Record<string, string>,
    entry = 'src/main.ts',
    options: { built?: boolean; cwd?: string } = {},
  ): AnchorProcess {
    // Built JavaScript runs on plain Node, as App Service and the sync server run it.
    const args = options.built ? [entry] : ['--import', 'tsx', entry];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DOTENV_CONFIG_PATH: '/dev/null',
        HEALTH_TOKEN: TEST_HEALTH_TOKEN,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AnchorProcess(child);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True until the process exits. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process printed so far, stdout and stderr interleaved. */
  get text(): string {
    return this.output;
  }

  /** The last `lines` lines the process printed. */
  tail(lines = 150): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Resolves with the match once the output matches; rejects if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `Anchor did not print ${pattern} (exit code ${this.child.exitCode}). Output:\n${this.output}`,
    );
  }

  /** Waits for the process to end by itself and returns its exit code. */
  exitCode(timeoutMs = 30_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`Anchor still running after ${timeoutMs} ms:\n${this.output}`)),
          timeoutMs,
        ),
      ),
    ]);
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and resolves with its exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Kills the process at once (SIGKILL), as a crash or a pulled plug would; resolves when it is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Registers an `afterEach` that prints the tail of the process's output, and of the demo relay's
 * log when the demo started one, when a test fails: an e2e failure on a CI machine is otherwise a
 * bare timeout, with the cause in logs removed when the demo stops.
 */
export function printOutputOnFailure(label: string, get: () => AnchorProcess | undefined): void {
  afterEach(function () {
    const proc = get();
    if (this.currentTest?.state !== 'failed' || !proc) return;
    process.stderr.write(`\n----- ${label}: the last lines it printed -----\n${proc.tail()}\n-----\n`);
    const relayLog = /"logFile":"([^"]+)"[^\n]*"msg":"demo relay started"/.exec(proc.text)?.[1];
    if (relayLog && existsSync(relayLog)) {
      const lines = readFileSync(relayLog, 'utf8').split('\n').slice(-80).join('\n');
      process.stderr.write(`----- the demo relay's log (${relayLog}) -----\n${lines}\n-----\n`);
    }
  });
}

/** Where a demo started by {@link startDemo} is reached. */
export interface DemoUrls {
  /** The requester's Agents Playground (Megan). */
  requester: string;
  /** The approver's Agents Playground (Adele). */
  approver: string;
  /** The Graph simulator, `http://127.0.0.1:<port>`. */
  graph: string;
  /** The bot's `/api/messages`. */
  bot: string;
}

/**
 * Starts the demo as `npm start` runs it with nothing configured, on free loopback ports, with
 * `env` added, and waits until it printed where its Playgrounds, Graph simulator and bot are. A
 * demo that does not come up is stopped, and the error carries what it printed.
 */
export async function startDemo(
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<{ anchor: AnchorProcess; urls: DemoUrls }> {
  const [port, graph, requester, approver] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const anchor = AnchorProcess.start({
    PORT: String(port),
    GRAPH_SIM_PORT: String(graph),
    PLAYGROUND_REQUESTER_PORT: String(requester),
    PLAYGROUND_APPROVER_PORT: String(approver),
    ...env,
  });
  try {
    const urls = {
      requester: (await anchor.waitFor(/Playground, requester: (\S+)/, timeoutMs))[1],
      approver: (await anchor.waitFor(/Playground, approver: +(\S+)/))[1],
      graph: (await anchor.waitFor(/Graph simulator: +(http:\/\/127\.0\.0\.1:\d+)/))[1],
      bot: (await anchor.waitFor(/Bot endpoint: +(\S+)/))[1],
    };
    return { anchor, urls };
  } catch (err) {
    await anchor.stop();
    throw err;
  }
}
