import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Paths pino removes from every log line. Secrets can arrive in configuration objects, HTTP
 * headers and error payloads; listing them here keeps them out of logs wherever they appear.
 */
export const REDACTED_PATHS = [
  'MicrosoftAppPassword',
  '*.MicrosoftAppPassword',
  '*.*.MicrosoftAppPassword',
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  '*.clientSecret',
  'token',
  '*.token',
  '*.accessToken',
  '*.access_token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  '*.headers.Authorization',
  '*.bindPassword',
  'privateKey',
  '*.privateKey',
  'healthToken',
  '*.healthToken',
  // A logged configuration (config.storage) carries the storage account key inside it.
  'connectionString',
  '*.connectionString',
  '*.*.connectionString',
];

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** The `name` on every line; the relay logs as `anchor-relay`. Default `anchor`. */
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/** Creates the process logger: JSON lines, ISO times, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name ?? 'anchor',
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination(1),
  );
}
