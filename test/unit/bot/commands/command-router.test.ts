import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import type { Command } from '../../../../src/bot/commands/command';
import { CommandRouter } from '../../../../src/bot/commands/command-router';

function command(name: string): Command {
  return { name, usage: name, description: name, run: async (_c: TurnContext, _a: string) => {} };
}

describe('CommandRouter', () => {
  const router = new CommandRouter()
    .register(command('help'))
    .register(command('link'))
    .register(command('link user'));

  it('matches whole words case-insensitively and passes the rest as arguments', () => {
    assert.equal(router.parse('HELP')?.command.name, 'help');
    assert.deepEqual(
      {
        name: router.parse('  Link   User  Aaron  Pescasio ')?.command.name,
        args: router.parse('link user Aaron Pescasio')?.args,
      },
      { name: 'link user', args: 'Aaron Pescasio' },
    );
  });

  it('prefers the longest command name', () => {
    assert.equal(router.parse('link user apes')?.command.name, 'link user');
    assert.equal(router.parse('link apes')?.command.name, 'link');
  });

  it('does not match a word that only starts like a command', () => {
    assert.equal(router.parse('helpful'), undefined);
    assert.equal(router.parse(''), undefined);
  });

  it('lists commands in the order they were registered', () => {
    assert.deepEqual(
      router.list().map((c) => c.name),
      ['help', 'link', 'link user'],
    );
  });
});
