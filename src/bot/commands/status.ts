import type { TurnContext } from 'botbuilder';
import type { HealthMonitor } from '../../services/health';
import type { Command } from '../command';
import { cardAttachment } from '../cards';

const STATE_ICON = { ok: '✅', down: '❌', unknown: '⚠️' } as const;

/** `status`: what this instance can reach right now (directory, Graph, storage, relay). */
export class StatusCommand implements Command {
  readonly name = 'status';
  readonly usage = 'status';
  readonly description = 'Show whether Anchor can reach AD, Graph, its storage and the sync server relay.';

  constructor(private readonly health: HealthMonitor) {}

  async run(context: TurnContext): Promise<void> {
    const report = await this.health.report();
    const dependencies = Object.entries(report.dependencies).map(([name, dep]) => ({
      name,
      icon: STATE_ICON[dep.state],
      state: dep.state,
      detail: dep.lastSeen ? `${dep.detail} (last seen ${dep.lastSeen})` : dep.detail,
    }));
    await context.sendActivity({
      attachments: [cardAttachment('status', { status: report.status, mode: report.mode, dependencies })],
    });
  }
}
