/**
 * An error whose message is written for the admin: it says what happened in words the chat can
 * show as is. Everything Anchor expects to go wrong (a directory or Graph that cannot be reached or
 * refuses, a relay job that failed, a refused decision, a user deleted meanwhile) is one of these,
 * so "expected or a fault in Anchor" is a single `instanceof`.
 */
export class AdminFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * One line for a card: the message of an {@link AdminFacingError}, anything else named as the
 * fault in Anchor it is (its details belong in the log, next to the correlation id).
 */
export function adminMessage(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return error instanceof AdminFacingError ? text : `Unexpected error in Anchor: ${text}`;
}
