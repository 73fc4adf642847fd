import type { TurnContext } from 'botbuilder';
import type { SyncHealthReader } from '../../services/alerts/sync-health';
import type { HealthMonitor } from '../../services/health/health-monitor';
import { cardAttachment } from '../cards/card-templates';
import type { Command } from './command';
import { statusCardData } from '../views/status';

/** `status`: what this instance can reach right now (directory, Graph, storage, relay) and the sync health. */
export class StatusCommand implements Command {
  readonly name = 'status';
  readonly usage = 'status';
  readonly description =
    'Show whether Anchor can reach AD, Graph, its storage and the sync server relay, and the sync health.';

  /** @param syncHealth the monitor's last reading; absent, the card says it was not checked yet. */
  constructor(
    private readonly health: HealthMonitor,
    private readonly syncHealth?: SyncHealthReader,
  ) {}

  async run(context: TurnContext): Promise<void> {
    await context.sendActivity({
      attachments: [cardAttachment('status', await statusCardData(this.health, this.syncHealth))],
    });
  }
}
