import { DEFAULT_SEARCH_LIMIT } from '../../shared/directory/ad-directory';
import type {
  DirectorySearchResult,
  DirectoryService,
  LookupAttribute,
  SearchOptions,
} from '../../shared/directory/ad-directory';
import { DirectoryError } from '../../shared/directory/directory-error';
import { guidBytesOf } from '../../shared/directory/lookup-value';
import { normalizeSearchText } from '../../shared/directory/search-text';
import { DIRECTORY_LIMITS } from '../../shared/relay-protocol/directory-jobs';
import type {
  DirectoryAnswer,
  DirectoryMapping,
  DirectoryOperation,
  DirectoryParams,
} from '../../shared/relay-protocol/directory-jobs';
import type { JobResult } from '../../shared/relay-protocol/messages';
import { formatTime } from '../../shared/time-text';
import { RelayError } from './relay-client';
import type { RelayClient, RunOptions } from './relay-client';

/** Settings of {@link RelayDirectory}. */
export interface RelayDirectoryOptions {
  /** The relay on the sync server, which reads AD next to a domain controller. */
  client: Pick<RelayClient, 'relayId' | 'run' | 'lastHeartbeat'>;
  /** The bot's LDAP_SYNC_OUS and SOURCE_ANCHOR, sent with each read. */
  mapping: DirectoryMapping;
}

/**
 * The on-prem AD read through the relay (DIRECTORY_SOURCE=relay): each read is a signed,
 * allowlisted job whose typed parameters the relay runs through the same `LdapDirectory` a direct
 * read uses. Input is checked here first with that directory's own rules, so bad text is refused
 * with the same words before anything is queued; a directory error the relay met keeps its kind
 * and words, plus where it happened.
 */
export class RelayDirectory implements DirectoryService {
  constructor(private readonly options: RelayDirectoryOptions) {}

  async search(text: string, options: SearchOptions = {}): Promise<DirectorySearchResult> {
    const params = { text: normalizeSearchText(text), limit: limitOf(options), mapping: this.mapping() };
    return usersOf(await this.read('directory-search', params), this.server);
  }

  async find(
    by: LookupAttribute,
    value: string,
    options: SearchOptions = {},
  ): Promise<DirectorySearchResult> {
    const exact = by === 'objectGuid' || by === 'sourceAnchor';
    const needle = exact ? value.trim() : normalizeSearchText(value);
    if (exact) guidBytesOf(by, needle);
    const params = { by, value: needle, limit: limitOf(options), mapping: this.mapping() };
    return usersOf(await this.read('directory-find', params), this.server);
  }

  async listOus(): Promise<string[]> {
    const answer = await this.read('directory-list-ous', {});
    if (!answer.ous) throw this.incomplete();
    return answer.ous;
  }

  /** Reads the base DN through the relay. */
  async ping(): Promise<void> {
    await this.read('directory-ping', {});
  }

  /** Short, for the status card; the DC the relay reads is in the relay's own health (`directory`). */
  describe(): string {
    return `via relay ${this.server}`;
  }

  private get server(): string {
    return this.options.client.relayId;
  }

  private mapping(): DirectoryMapping {
    const { syncScopeOus, sourceAnchor } = this.options.mapping;
    return { syncScopeOus: [...syncScopeOus], sourceAnchor };
  }

  /**
   * Runs one read on the relay.
   * @throws DirectoryError of the kind the directory (or the way to it) failed with.
   */
  private async read(operation: DirectoryOperation, params: DirectoryParams): Promise<DirectoryAnswer> {
    let result: JobResult;
    try {
      result = await this.options.client.run(operation, { params } satisfies RunOptions);
    } catch (err) {
      throw await this.errorOf(err);
    }
    if (!result.directory) throw this.incomplete();
    return result.directory;
  }

  private async errorOf(err: unknown): Promise<DirectoryError> {
    if (!(err instanceof RelayError)) return new DirectoryError('failed', String(err), { cause: err });
    const failure = err.result?.directory?.error;
    if (failure) {
      return new DirectoryError(failure.kind, `${failure.message} (through the relay on ${this.server})`, {
        cause: err,
      });
    }
    const prefix = `AD cannot be read: the relay on ${this.server}`;
    switch (err.kind) {
      case 'offline':
        return new DirectoryError('unreachable', `${prefix} ${await this.lastSeen()}`, { cause: err });
      case 'expired':
        return new DirectoryError('timeout', `${prefix} did not pick up the read in time`, { cause: err });
      case 'timeout':
        return new DirectoryError('timeout', `${prefix} started the read but did not answer in time`, {
          cause: err,
        });
      case 'refused':
        return refusalOf(err, prefix);
      default:
        return new DirectoryError('failed', `${prefix}: ${err.message}`, { cause: err });
    }
  }

  /** "has not been seen since …", or "has never been seen". */
  private async lastSeen(): Promise<string> {
    const heartbeat = await this.options.client.lastHeartbeat().catch(() => null);
    return heartbeat
      ? `has not been seen since ${formatTime(heartbeat.at)}`
      : 'has never been seen (is it installed and running?)';
  }

  private incomplete(): DirectoryError {
    return new DirectoryError(
      'failed',
      `the relay on ${this.server} answered without the directory's answer (is the relay up to date?)`,
    );
  }
}

function limitOf(options: SearchOptions): number {
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  if (limit > DIRECTORY_LIMITS.users) {
    throw new DirectoryError(
      'invalid-input',
      `at most ${DIRECTORY_LIMITS.users} users can be read through the relay at once, not ${limit}`,
    );
  }
  return limit;
}

function usersOf(answer: DirectoryAnswer, server: string): DirectorySearchResult {
  if (!answer.users) {
    throw new DirectoryError(
      'failed',
      `the relay on ${server} answered without the directory's answer (is the relay up to date?)`,
    );
  }
  return { users: answer.users, more: answer.more ?? 0 };
}

/**
 * A read the relay refused, by its reason: only parameters outside the schema are the input's
 * fault; a job past its deadline is a timeout, and an operation the relay does not know (or a
 * refusal from a relay too old to give a reason) is for whoever runs the relay.
 */
function refusalOf(err: RelayError, prefix: string): DirectoryError {
  const why = err.result?.message ?? '';
  switch (err.result?.reason) {
    case 'invalid-params':
      return new DirectoryError('invalid-input', `${prefix} refused the read: ${why}`, { cause: err });
    case 'job-expired':
      return new DirectoryError('timeout', `${prefix} picked up the read after its deadline: ${why}`, {
        cause: err,
      });
    case 'operation-not-allowed':
      return new DirectoryError(
        'failed',
        `${prefix} does not know this read (${why}): is the relay up to date?`,
        { cause: err },
      );
    default:
      return new DirectoryError('failed', `${prefix} refused the read: ${why}`, { cause: err });
  }
}
