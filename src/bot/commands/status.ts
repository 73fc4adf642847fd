import type { TurnContext } from 'botbuilder';
import type { HealthMonitor } from '../../services/health/health-monitor';
import { cardAttachment } from '../cards/card-templates';
import type { Command } from './command';
import { statusCardData } from '../views/status';

/** `status`: what this instance can reach right now (directory, Graph, storage, relay). */
export class StatusCommand implements Command {
  readonly name = 'status';
  readonly usage = 'status';
  readonly description = 'Show whether Anchor can reach AD, Graph, its storage and the sync server relay.';

  constructor(private readonly health: HealthMonitor) {}

  async run(context: TurnContext): Promise<void> {
    await context.sendActivity({
      attachments: [cardAttachment('status', await statusCardData(this.health))],
    });
  }
}
