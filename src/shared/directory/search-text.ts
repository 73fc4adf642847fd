import { DirectoryError } from './directory-error';

/** Longer than any name, login or address AD accepts (UPN and mail are at most 256 characters). */
export const MAX_SEARCH_LENGTH = 256;

// AD values never contain control characters, and a DC truncates a value at NUL, which would turn
// "a\0b" into a search for "a": refusing them is the only way to keep the match literal.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Trims the text an admin typed and checks it can be matched literally.
 * @throws DirectoryError (`invalid-input`) with a message that says what to type instead.
 */
export function normalizeSearchText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed)
    throw new DirectoryError('invalid-input', 'Type part of a name, login or email address to search for.');
  const control = CONTROL_CHARACTER.exec(trimmed);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new DirectoryError(
      'invalid-input',
      `The search text contains a control character (U+${code}); no AD name or address can match it.`,
    );
  }
  if (trimmed.length > MAX_SEARCH_LENGTH) {
    throw new DirectoryError(
      'invalid-input',
      `The search text is ${trimmed.length} characters long; AD names and addresses are at most ` +
        `${MAX_SEARCH_LENGTH}, so nothing can match it.`,
    );
  }
  return trimmed;
}
