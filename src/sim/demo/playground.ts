import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../shared/paths';
import { sleep } from '../../shared/sleep';
import type { DemoTeamsUser } from './demo-tenant';

/** A Teams user as the Playground presents it to the bot. */
export type PlaygroundUser = DemoTeamsUser;

/** Settings of one Playground instance: one instance is one signed-in user. */
export interface PlaygroundOptions {
  port: number;
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

/** The install command printed when the Playground package is missing. */
export const PLAYGROUND_INSTALL_HINT = 'npm install --save-dev @microsoft/m365agentsplayground';

/**
 * Starts a Microsoft 365 Agents Playground (the Teams-like test client) signed in as one user
 * and pointed at the bot, and waits until its page answers.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<PlaygroundInstance> {
  if (!existsSync(CLI)) {
    throw new Error(`The Microsoft 365 Agents Playground is not installed. Run: ${PLAYGROUND_INSTALL_HINT}`);
  }
  mkdirSync(options.workDir, { recursive: true });
  const configFile = path.join(options.workDir, 'm365agentsplayground.yml');
  const logFile = path.join(options.workDir, 'm365agentsplayground.log');
  writeFileSync(configFile, playgroundConfig(options));
  const child = spawn(
    process.execPath,
    [CLI, 'start', '-e', options.botEndpoint, '-p', String(options.port), '-c', 'msteams', '--dt'],
    {
      cwd: options.workDir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  // A Playground must not outlive the process that started it, even when that process crashes.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const url = `http://127.0.0.1:${options.port}`;
  await waitUntilServing(url, child, logFile);
  return { url, logFile, stop: () => stopChild(child) };
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
      personalChat: { id: `personal-chat-${options.currentUser.id}` },
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
  const deadline = Date.now() + 30_000;
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
  await stopChild(child);
  throw new Error(`The Playground on ${url} did not answer within 30 s; see ${logFile}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
