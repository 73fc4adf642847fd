import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';

/** Azurite's one built-in account; its key is public, printed in Azurite's own documentation. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** What fixes a missing Azurite: it is a devDependency pinned to the last release that runs on Node 20. */
const INSTALL = 'npm install --save-dev azurite@3.35.0';

const START_TIMEOUT_MS = 30_000;

/**
 * Azurite's blob service (the `azurite` npm package), run as a child process on a port the OS
 * picks, with its data in a temp folder. It stands in for Azure Blob Storage: same REST API,
 * same eTags and conditional headers. Started with --skipApiVersionCheck, so a newer
 * @azure/storage-blob than Azurite knows still talks to it, and --disableTelemetry.
 */
export class Azurite {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** The blob endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1. */
    readonly blobEndpoint: string,
  ) {}

  /** The connection string of Azurite's account, as AZURE_STORAGE_CONNECTION_STRING takes it. */
  get connectionString(): string {
    return (
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
      `BlobEndpoint=${this.blobEndpoint};`
    );
  }

  /** A container name no other test uses, so each test starts on an empty container. */
  static containerName(): string {
    return `anchor-test-${randomBytes(6).toString('hex')}`;
  }

  /**
   * Starts Azurite and resolves once it answers an authenticated request.
   * @throws with the install command when the package is missing or does not start; a test that
   * needs Azurite fails rather than skips.
   */
  static async start(): Promise<Azurite> {
    const main = azuriteBlobMain();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-azurite-'));
    const child = spawn(
      process.execPath,
      [
        main,
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        '0',
        '--location',
        dir,
        '--skipApiVersionCheck',
        '--disableTelemetry',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // --exit ends mocha with process.exit(), which neither ends children nor runs async cleanup:
    // this does both, for a run without the root hook (one integration file on its own).
    const killOnExit = () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    try {
      const port = await waitForPort(child, () => output);
      const azurite = new Azurite(child, dir, `http://127.0.0.1:${port}/${ACCOUNT}`);
      await azurite.waitUntilAnswering(() => output);
      return azurite;
    } catch (err) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `Azurite did not start: ${(err as Error).message}\nIts output:\n${output}\n` +
          `Is it installed? ${INSTALL}`,
        { cause: err },
      );
    }
  }

  /** Stops Azurite and removes its data. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilAnswering(output: () => string): Promise<void> {
    const service = BlobServiceClient.fromConnectionString(this.connectionString, {
      retryOptions: { maxTries: 1 },
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await service.getProperties();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        if (this.child.exitCode !== null) {
          throw new Error(`it exited (${this.child.exitCode}): ${output()}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}

/** The `azurite-blob` entry point of the installed package. */
function azuriteBlobMain(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('azurite/package.json');
  } catch {
    throw new Error(`The azurite package is not installed. Install it with:\n  ${INSTALL}`);
  }
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> };
  const main = path.join(path.dirname(packageJson), bin['azurite-blob']);
  if (!existsSync(main)) throw new Error(`${main} is missing; reinstall Azurite:\n  ${INSTALL}`);
  return main;
}

/** The port Azurite prints once it listens ("… successfully listens on http://127.0.0.1:PORT"). */
function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "listens on" line within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const check = () => {
      const match = output().match(/listens on http:\/\/127\.0\.0\.1:(\d+)/);
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code: number | null) => finish(new Error(`it exited with code ${code}`));
    const finish = (err?: Error, port?: number) => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port as number);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}
