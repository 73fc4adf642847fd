import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { Logger } from './logger';

/** Set while a call runs whose failures its caller logs itself (see {@link withQuietConsole}). */
const quiet = new AsyncLocalStorage<true>();

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
type Level = 'info' | 'warn' | 'error' | 'debug';

const LEVEL_OF: Record<ConsoleMethod, Level> = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
  trace: 'debug',
};

/**
 * Routes what libraries print with `console.*` through `logger`, as JSON lines marked
 * `source: "console"`, and Node's process warnings (deprecations) as warn lines, so nothing
 * reaches stdout or stderr outside the redacting logger. botbuilder's token validation, for one,
 * prints the JWT library's errors with console.error.
 * @returns A function that puts the original console methods and warning listeners back.
 */
export function routeConsoleToLogger(logger: Logger): () => void {
  const target = console;
  const methods = Object.keys(LEVEL_OF) as ConsoleMethod[];
  const originals = methods.map((method) => [method, target[method]] as const);
  for (const method of methods) {
    target[method] = (...args: unknown[]) => {
      const level = quiet.getStore() ? 'debug' : LEVEL_OF[method];
      logger[level]({ source: 'console' }, format(...args));
    };
  }
  // Node prints warnings to stderr from a listener of its own; this one takes its place.
  const nodeListeners = process.listeners('warning');
  const onWarning = (warning: Error & { code?: string }) =>
    logger.warn({ source: 'process', warning: warning.name, code: warning.code }, warning.message);
  process.removeAllListeners('warning');
  process.on('warning', onWarning);
  return () => {
    for (const [method, original] of originals) target[method] = original;
    process.removeListener('warning', onWarning);
    for (const listener of nodeListeners) process.on('warning', listener);
  };
}

/**
 * Runs `work` with what libraries print meanwhile logged at debug level only: for calls whose
 * failure the caller logs itself, once, so the library's own printout would only repeat it.
 */
export function withQuietConsole<T>(work: () => Promise<T>): Promise<T> {
  return quiet.run(true, work);
}
