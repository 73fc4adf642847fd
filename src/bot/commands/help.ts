import type { TurnContext } from 'botbuilder';
import type { Command } from './command';
import type { CommandRouter } from './command-router';
import { cardAttachment } from '../cards/card-templates';
import { helpCardData } from '../views/help';

/** `help`: the card listing every command the bot understands. */
export class HelpCommand implements Command {
  readonly name = 'help';
  readonly usage = 'help';
  readonly description = 'Show this list of commands.';

  constructor(private readonly router: CommandRouter) {}

  async run(context: TurnContext): Promise<void> {
    await context.sendActivity({ attachments: [cardAttachment('help', helpCardData(this.router.list()))] });
  }
}
