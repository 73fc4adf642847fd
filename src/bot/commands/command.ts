import type { TurnContext } from 'botbuilder';

/** A chat command the bot understands. */
export interface Command {
  /** The first word(s) a user types, lower case, e.g. `help` or `link user`. */
  readonly name: string;
  /** How to call it, shown on the help card. */
  readonly usage: string;
  /** One line shown on the help card. */
  readonly description: string;
  /** Runs the command with whatever followed its name. */
  run(context: TurnContext, args: string): Promise<void>;
}
