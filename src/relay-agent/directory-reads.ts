import type { DirectoryService } from '../shared/directory/ad-directory';
import { DirectoryError } from '../shared/directory/directory-error';
import type { UserMapping } from '../shared/directory/ldap-user';
import type {
  DirectoryAnswer,
  DirectoryFindParams,
  DirectoryOperation,
  DirectoryParams,
  DirectorySearchParams,
} from '../shared/relay-protocol/directory-jobs';
import { DIRECTORY_LIMITS } from '../shared/relay-protocol/directory-jobs';
import { MAX_RESULT_BYTES } from '../shared/relay-protocol/messages';
import { plural } from '../shared/plural';
import { oneLine } from './operations';

/** The relay's AD: the shared LDAP directory, viewed through the bot's mapping for each read. */
export interface MappableDirectory extends DirectoryService {
  withMapping(mapping: UserMapping): DirectoryService;
}

/** What one directory job gave. */
export interface DirectoryReadOutcome {
  outcome: 'done' | 'failed';
  /** One line for the logs and the bot. */
  message: string;
  directory: DirectoryAnswer;
}

/** Room left in a result for everything but the answer (ids, times, the scheduler state). */
const RESULT_OVERHEAD_BYTES = 16 * 1024;

/**
 * Runs directory jobs against the relay's domain controller with the same code a direct read uses
 * (`LdapDirectory`): parameters are typed values the job's schema already checked, and every
 * filter is built by `ldap-filters.ts`. A directory error keeps its kind and words, so the chat
 * says the same thing whichever side read AD.
 */
export class DirectoryReads {
  /**
   * @param directory null when the relay has no LDAP settings: every read then fails saying so.
   * @param server the name admins know this relay by (its id), in messages.
   */
  constructor(
    private readonly directory: MappableDirectory | null,
    private readonly server: string,
  ) {}

  /** Where reads go (URL and base DN, never the account), or null without LDAP settings. */
  describe(): string | null {
    return this.directory?.describe() ?? null;
  }

  /** Runs one read. Never throws: a failure is a `failed` outcome carrying the directory's error. */
  async run(
    operation: DirectoryOperation,
    params: DirectoryParams | undefined,
  ): Promise<DirectoryReadOutcome> {
    if (!this.directory) {
      return failed(
        new DirectoryError(
          'failed',
          `the relay on ${this.server} has no LDAP settings: add LDAP_URL, LDAP_BIND_DN, LDAP_BIND_PASSWORD ` +
            'and LDAP_BASE_DN to its settings file and restart it',
        ),
      );
    }
    try {
      return withinResultSize(await this.read(this.directory, operation, params));
    } catch (err) {
      return failed(err);
    }
  }

  private async read(
    directory: MappableDirectory,
    operation: DirectoryOperation,
    params: DirectoryParams | undefined,
  ): Promise<DirectoryReadOutcome> {
    switch (operation) {
      case 'directory-search': {
        const p = params as DirectorySearchParams;
        const found = await directory.withMapping(p.mapping).search(p.text, { limit: p.limit });
        return done(`${plural(found.users.length, 'user')} found, ${found.more} more`, found);
      }
      case 'directory-find': {
        const p = params as DirectoryFindParams;
        const found = await directory.withMapping(p.mapping).find(p.by, p.value, { limit: p.limit });
        return done(`${plural(found.users.length, 'user')} found by ${p.by}, ${found.more} more`, found);
      }
      case 'directory-list-ous': {
        const ous = await directory.listOus();
        if (ous.length > DIRECTORY_LIMITS.ous) {
          throw new DirectoryError(
            'size-limit',
            `the directory has ${ous.length} OUs, more than the ${DIRECTORY_LIMITS.ous} the relay sends; ` +
              'set TWIN_PARKING_OU on the bot so Anchor need not choose one',
          );
        }
        return done(`${plural(ous.length, 'OU')} listed`, { ous });
      }
      case 'directory-ping':
        await directory.ping();
        return done('the directory answered', {});
    }
  }
}

function done(message: string, directory: DirectoryAnswer): DirectoryReadOutcome {
  return { outcome: 'done', message, directory };
}

function failed(err: unknown): DirectoryReadOutcome {
  const error =
    err instanceof DirectoryError
      ? { kind: err.kind, message: err.message }
      : { kind: 'failed' as const, message: `reading the directory failed: ${oneLine(err)}` };
  return { outcome: 'failed', message: error.message, directory: { error } };
}

/** An answer too large for the bot to read becomes a size-limit error instead of a refused result. */
function withinResultSize(outcome: DirectoryReadOutcome): DirectoryReadOutcome {
  const bytes = Buffer.byteLength(JSON.stringify(outcome.directory));
  if (bytes <= MAX_RESULT_BYTES - RESULT_OVERHEAD_BYTES) return outcome;
  return failed(
    new DirectoryError(
      'size-limit',
      `the answer is ${Math.ceil(bytes / 1024)} KiB, more than the relay can send; ask for fewer users`,
    ),
  );
}
