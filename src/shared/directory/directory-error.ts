import { AdminFacingError } from '../admin-facing-error';

/** What can go wrong talking to the on-prem directory, in terms an admin can act on. */
export const DIRECTORY_ERROR_KINDS = [
  'invalid-input',
  'bind-failed',
  'unreachable',
  'tls-untrusted',
  'tls-required',
  'timeout',
  'size-limit',
  'access-denied',
  'failed',
] as const;

/** One of {@link DIRECTORY_ERROR_KINDS}. */
export type DirectoryErrorKind = (typeof DIRECTORY_ERROR_KINDS)[number];

/**
 * A directory failure with a message fit for the chat: it says what happened and what to check,
 * and never carries the bind password. The original error stays in `cause` for the logs.
 */
export class DirectoryError extends AdminFacingError {
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}
