import assert from 'node:assert/strict';
import { routeConsoleToLogger, withQuietConsole } from '../../../src/shared/console-capture';
import { memoryLogger } from '../../support/memory-logger';

describe('routeConsoleToLogger', () => {
  it('turns console output into log lines at the matching level, formatted as console would', () => {
    const { logger, lines } = memoryLogger('debug');
    const restore = routeConsoleToLogger(logger);
    try {
      console.log('a %s', 'b');
      console.info('info');
      console.warn('warn');
      console.error(new Error('boom'));
      console.debug('debug');
    } finally {
      restore();
    }
    const got = lines().map((l) => [l.level, l.source, String(l.msg).split('\n')[0]]);
    assert.deepEqual(got, [
      ['info', 'console', 'a b'],
      ['info', 'console', 'info'],
      ['warn', 'console', 'warn'],
      ['error', 'console', 'Error: boom'],
      ['debug', 'console', 'debug'],
    ]);
  });

  it('keeps what is printed inside withQuietConsole at debug, across awaits', async () => {
    const { logger, lines } = memoryLogger('debug');
    const restore = routeConsoleToLogger(logger);
    try {
      await withQuietConsole(async () => {
        await new Promise((r) => setTimeout(r, 5));
        console.error('library noise');
      });
      console.error('outside');
    } finally {
      restore();
    }
    assert.deepEqual(
      lines().map((l) => [l.level, l.msg]),
      [
        ['debug', 'library noise'],
        ['error', 'outside'],
      ],
    );
  });

  it("logs Node's process warnings instead of printing them, and puts everything back", async () => {
    const { logger, lines } = memoryLogger('debug');
    const before = { error: console.error, listeners: process.listeners('warning') };
    const restore = routeConsoleToLogger(logger);
    process.emitWarning('something is deprecated', { type: 'DeprecationWarning', code: 'DEP_TEST' });
    await new Promise((r) => setImmediate(r));
    restore();
    assert.deepEqual(
      lines().map((l) => [l.level, l.source, l.warning, l.code, l.msg]),
      [['warn', 'process', 'DeprecationWarning', 'DEP_TEST', 'something is deprecated']],
    );
    assert.equal(console.error, before.error);
    assert.deepEqual(process.listeners('warning'), before.listeners);
  });
});
