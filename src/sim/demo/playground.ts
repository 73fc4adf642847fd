import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../shared/paths';
import { sleep } from '../../shared/sleep';
import type { DemoTeamsUser } from './demo-tenant';

/** A Teams user as the Playground presents it to the bot. */
export type PlaygroundUser = DemoTeamsUser;

/** Settings of one Playground instance: one instance is one signed-in user. */
export interface PlaygroundOptions {
  /** The port it must serve on; 0 for any free one. */
  port: number;
  /** The setting that chose the port, named when the port is taken. */
  portSetting?: string;
  botEndpoint: string;
  tenantId: string;
  currentUser: PlaygroundUser;
  /** Other people in the simulated tenant; the Playground needs at least five. */
  otherUsers: PlaygroundUser[];
  /** Folder for this instance's config file and log. */
  workDir: string;
}

/** A running Playground instance. */
export interface PlaygroundInstance {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

const CLI = path.join(PROJECT_ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

/** Preloaded into the CLI so that it listens on 127.0.0.1 only (it has no setting for that). */
export const LOOPBACK_ONLY_PRELOAD = path.join(PROJECT_ROOT, 'src', 'sim', 'demo', 'loopback-only.mjs');

/** How long the CLI may take to say which port it listens on, and then to serve its page. */
const START_TIMEOUT_MS = 30_000;

/**
 * The port a Playground was configured with is taken. The CLI would silently move to another
 * port, and the demo would point people at whatever program holds the configured one.
 */
export class PlaygroundPortTakenError extends Error {
  constructor(
    readonly port: number,
    setting: string | undefined,
  ) {
    super(
      `Port ${port} for an Agents Playground is taken: another program listens on it on this machine. ` +
        (setting
          ? `Stop that program, or set ${setting} to a free port.`
          : 'Stop that program, or pick a free port.'),
    );
    this.name = 'PlaygroundPortTakenError';
  }
}

/** The install command printed when the Playground package is missing. */
export const PLAYGROUND_INSTALL_HINT = 'npm install --save-dev @microsoft/m365agentsplayground';

/**
 * Starts a Microsoft 365 Agents Playground (the Teams-like test client) signed in as one user
 * and pointed at the bot, listening on 127.0.0.1 only, and waits until its page answers on the
 * port the CLI reports it listens on.
 * @throws PlaygroundPortTakenError when the configured port is taken (the CLI moved elsewhere).
 */
export async function startPlayground(options: PlaygroundOptions): Promise<PlaygroundInstance> {
  if (!existsSync(CLI)) {
    throw new Error(`The Microsoft 365 Agents Playground is not installed. Run: ${PLAYGROUND_INSTALL_HINT}`);
  }
  mkdirSync(options.workDir, { recursive: true });
  const configFile = path.join(options.workDir, 'm365agentsplayground.yml');
  const logFile = path.join(options.workDir, 'm365agentsplayground.log');
  writeFileSync(configFile, playgroundConfig(options));
  const child = spawn(process.execPath, cliArguments(options), {
    cwd: options.workDir,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    // stdout carries "Listening on <port>" (the CLI prints it when stdout is not a terminal).
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // A Playground must not outlive the process that started it, even when that process crashes.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  try {
    const port = await listeningPort(child, logFile);
    if (options.port !== 0 && port !== options.port) {
      throw new PlaygroundPortTakenError(options.port, options.portSetting);
    }
    const url = `http://127.0.0.1:${port}`;
    await waitUntilServing(url, child, logFile);
    return { url, logFile, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** The CLI's command line: loopback only, on the configured port, replies to 127.0.0.1. */
function cliArguments(options: PlaygroundOptions): string[] {
  const args = ['--import', pathToFileURL(LOOPBACK_ONLY_PRELOAD).href, CLI, 'start'];
  args.push('-e', options.botEndpoint, '-p', String(options.port), '-c', 'msteams', '--dt');
  // The bot replies to the service URL. The CLI's default names localhost, which may resolve to
  // ::1 first, where a Playground confined to 127.0.0.1 does not listen.
  if (options.port !== 0) args.push('--service-url', `http://127.0.0.1:${options.port}/_connector`);
  return args;
}

/** The port the CLI says it listens on ("Listening on <port>" on its stdout). */
function listeningPort(child: ChildProcess, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () =>
        done(new Error(`The Playground did not say which port it listens on within 30 s; see ${logFile}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Listening on (\d+)/.exec(output);
      if (match) done(undefined, Number(match[1]));
    };
    const onExit = (code: number | null) =>
      done(new Error(`The Playground exited with code ${code} before listening; see ${logFile}`));
    function done(err: Error | undefined, port?: number) {
      clearTimeout(timer);
      child.stdout?.removeListener('data', onData);
      child.removeListener('exit', onExit);
      // Keep draining: a full pipe would block the CLI.
      child.stdout?.resume();
      if (err) reject(err);
      else resolve(port as number);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** The id of the user's personal chat with the bot in their Playground (the bot's conversation id). */
export function playgroundPersonalChatId(user: Pick<PlaygroundUser, 'id'>): string {
  return `personal-chat-${user.id}`;
}

/** The Playground's YAML configuration. JSON is valid YAML, so no YAML library is needed. */
function playgroundConfig(options: PlaygroundOptions): string {
  const user = (u: PlaygroundUser) => {
    const [givenName, ...rest] = u.name.split(' ');
    // "userPrincipleName" (sic) is the Playground's own key.
    return {
      id: u.id,
      name: u.name,
      userPrincipleName: u.upn,
      aadObjectId: u.aadObjectId,
      givenName,
      surname: rest.join(' '),
      email: u.upn,
    };
  };
  return JSON.stringify(
    {
      version: '0.1.1',
      tenantId: options.tenantId,
      bot: { id: 'anchor-bot', name: 'Anchor' },
      currentUser: user(options.currentUser),
      users: options.otherUsers.map(user),
      personalChat: { id: playgroundPersonalChatId(options.currentUser) },
      groupChat: { id: 'group-chat-admins', name: 'Directory admins' },
      team: {
        id: 'team-it',
        name: 'IT',
        aadGroupId: '5d0c9a1b-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
        channels: [{ id: 'channel-identity', name: 'Identity' }],
      },
    },
    null,
    2,
  );
}

async function waitUntilServing(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The Playground on ${url} exited with code ${child.exitCode}; see ${logFile}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`The Playground on ${url} did not answer within 30 s; see ${logFile}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
