import type { TurnContext } from 'botbuilder';
import type { Command } from './command';
import type { CommandRouter } from './command-router';
import { cardAttachment } from '../cards/card-templates';

/** `help`: the card listing every command the bot understands. */
export class HelpCommand implements Command {
  readonly name = 'help';
  readonly usage = 'help';
  readonly description = 'Show this list of commands.';

  constructor(private readonly router: CommandRouter) {}

  async run(context: TurnContext): Promise<void> {
    const commands = this.router.list().map((c) => ({ usage: c.usage, description: c.description }));
    await context.sendActivity({ attachments: [cardAttachment('help', { commands })] });
  }
}
