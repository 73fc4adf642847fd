/**
 * Directory reads through the relay (issue 19): the bot asks, the relay runs the same LDAP
 * directory code next to a domain controller, and the answer travels back in the signed result.
 * Parameters are typed values, never filter text: the relay turns them into LDAP filters with the
 * same builders a direct read uses (`shared/directory/ldap-filters.ts`).
 */
import type { DirectoryErrorKind } from '../directory/directory-error';
import type { DirectoryUser, LookupAttribute } from '../directory/ad-directory';
import type { SourceAnchorSetting } from '../directory/source-anchor';

/** The read-only directory operations a relay runs. */
export const DIRECTORY_OPERATIONS = [
  'directory-search',
  'directory-find',
  'directory-list-ous',
  'directory-ping',
] as const;

/** One of {@link DIRECTORY_OPERATIONS}. */
export type DirectoryOperation = (typeof DIRECTORY_OPERATIONS)[number];

/** True for an operation that reads the directory (and never touches the sync server). */
export function isDirectoryOperation(operation: string): operation is DirectoryOperation {
  return (DIRECTORY_OPERATIONS as readonly string[]).includes(operation);
}

/**
 * Bounds of what travels: a search text or lookup value as long as the longest AD value (256),
 * at most 100 users per answer, 2,000 OUs, the OUs Entra Connect syncs.
 */
export const DIRECTORY_LIMITS = {
  text: 256,
  users: 100,
  ous: 2000,
  dn: 1024,
  syncScopeOus: 100,
} as const;

/**
 * How the relay turns entries into users: the bot's LDAP_SYNC_OUS and SOURCE_ANCHOR, sent with
 * every read so both placements judge scope and anchor by the same settings.
 */
export interface DirectoryMapping {
  syncScopeOus: string[];
  sourceAnchor: SourceAnchorSetting;
}

/** `directory-search`: free text, as `DirectoryService.search`. */
export interface DirectorySearchParams {
  text: string;
  limit: number;
  mapping: DirectoryMapping;
}

/** `directory-find`: an exact lookup, as `DirectoryService.find`. */
export interface DirectoryFindParams {
  by: LookupAttribute;
  value: string;
  limit: number;
  mapping: DirectoryMapping;
}

/** The parameters of each directory operation (`list-ous` and `ping` take none). */
export interface DirectoryParamsByOperation {
  'directory-search': DirectorySearchParams;
  'directory-find': DirectoryFindParams;
  'directory-list-ous': Record<string, never>;
  'directory-ping': Record<string, never>;
}

/** The parameters of any directory operation. */
export type DirectoryParams = DirectoryParamsByOperation[DirectoryOperation];

/** A directory failure as the relay's directory code raised it: the same kind and words. */
export interface DirectoryFailure {
  kind: DirectoryErrorKind;
  message: string;
}

/**
 * What a directory job read: `users` and `more` for a search or find, `ous` for list-ous, nothing
 * for ping; or the directory's `error` (the job's outcome is then `failed`).
 */
export interface DirectoryAnswer {
  users?: DirectoryUser[];
  more?: number;
  ous?: string[];
  error?: DirectoryFailure;
}
