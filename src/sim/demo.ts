import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../app';
import type { AnchorConfig } from '../config';
import type { Logger } from '../logger';
import { DemoDirectory } from '../services/demo-directory';
import { createGraphServices } from '../services/graph-services';
import { MemoryStateStore } from '../services/memory-state-store';
import { demoGraphSeed } from './demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers, demoTeamsUsers } from './demo-tenant';
import { GraphSimulator } from './graph-simulator';
import { startPlayground } from './playground';
import type { PlaygroundInstance, PlaygroundUser } from './playground';

/** A running demo: URLs to open, and how to stop it all. */
export interface DemoHandle {
  botUrl: string;
  graphUrl: string;
  requesterUrl: string;
  approverUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs the whole demo on loopback: the Graph simulator seeded with the demo tenant, the bot
 * with the in-memory demo directory, and two Agents Playground pages, one per admin.
 */
export async function startDemo(config: AnchorConfig, logger: Logger): Promise<DemoHandle> {
  const stops: (() => Promise<void>)[] = [];
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-demo-'));
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => logger.warn({ err }, 'demo stop failed'));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    const graphUrl = await graph.start(config.demo.graphSimulatorPort);
    stops.push(() => graph.stop());
    const { cloud } = createGraphServices(config.graph, {
      baseUrl: graphUrl,
      authorityHost: await graph.startAuthority(),
      authorityCaPem: graph.authorityCaPem,
    });

    const app = createApp(
      config,
      {
        directory: new DemoDirectory(demoDirectoryUsers(), config.sourceAnchor),
        store: new MemoryStateStore(),
        cloud,
      },
      logger,
    );
    const port = await app.start();
    stops.push(() => app.stop());
    const botUrl = `http://127.0.0.1:${port}`;

    const playground = async (user: PlaygroundUser, pgPort: number): Promise<PlaygroundInstance> => {
      const instance = await startPlayground({
        port: pgPort,
        botEndpoint: `${botUrl}/api/messages`,
        tenantId: DEMO_TENANT.tenantId,
        currentUser: user,
        otherUsers: demoTeamsUsers().filter((u) => u.id !== user.id),
        workDir: path.join(workDir, user.id),
      });
      stops.push(() => instance.stop());
      return instance;
    };
    const [requester, approver] = await Promise.all([
      playground(DEMO_TENANT.requester, config.demo.requesterPlaygroundPort),
      playground(DEMO_TENANT.approver, config.demo.approverPlaygroundPort),
    ]);
    return { botUrl, graphUrl, requesterUrl: requester.url, approverUrl: approver.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
