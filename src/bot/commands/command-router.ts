import type { TurnContext } from 'botbuilder';
import type { Command } from './command';

/** The text a user gets for anything the bot does not understand. */
export const HINT = "I didn't understand that. Type **help** to see what I can do.";

/** A message split into the command it names and the rest of the text. */
export interface ParsedCommand {
  command: Command;
  args: string;
}

/** Finds the command a message names and runs it; answers with a hint otherwise, never silence. */
export class CommandRouter {
  private readonly commands: Command[] = [];
  private readonly longestFirst: Command[] = [];

  /** Adds a command; it is listed on the help card in the order added. */
  register(command: Command): this {
    this.commands.push(command);
    // Longest names are tried first, so "link user" wins over a shorter "link".
    this.longestFirst.splice(
      0,
      this.longestFirst.length,
      ...[...this.commands].sort((a, b) => b.name.length - a.name.length),
    );
    return this;
  }

  /** The commands in the order they were registered, for the help card. */
  list(): readonly Command[] {
    return this.commands;
  }

  /** Matches whole words, case-insensitively: `Help`, `help me` but not `helpful`. */
  parse(text: string): ParsedCommand | undefined {
    const normalized = text.replace(/\s+/g, ' ').trim();
    const lower = normalized.toLowerCase();
    for (const command of this.longestFirst) {
      if (lower === command.name || lower.startsWith(`${command.name} `)) {
        return { command, args: normalized.slice(command.name.length).trim() };
      }
    }
    return undefined;
  }

  /** Runs the command named in `text`, or sends the hint. */
  async dispatch(context: TurnContext, text: string): Promise<void> {
    const parsed = this.parse(text);
    if (!parsed) {
      await context.sendActivity(HINT);
      return;
    }
    await parsed.command.run(context, parsed.args);
  }
}
