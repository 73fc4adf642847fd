import type { Command } from '../commands/command';

/** The data the `help` card template binds. */
export interface HelpCardData {
  /** Every command, in the order the card lists them. */
  commands: { usage: string; description: string }[];
}

/** The data the `help` card template expects: how to call each command and what it does. */
export function helpCardData(commands: readonly Pick<Command, 'usage' | 'description'>[]): HelpCardData {
  return { commands: commands.map((c) => ({ usage: c.usage, description: c.description })) };
}
