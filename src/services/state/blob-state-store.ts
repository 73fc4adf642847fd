import { ContainerClient } from '@azure/storage-blob';
import type { BlobRequestConditions, StoragePipelineOptions } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { BlobsStorage } from 'botbuilder-azure-blobs';
// Not exported from the package's index, but it is how BlobsStorage names a key's blob; the writes
// below must land on the very blob its reads and deletes use.
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { InvalidStateKeyError, stateKeySegments } from './state-key';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/** Where the container is and how to sign in: a connection string, or an account URL and a credential. */
export type BlobStoreConnection =
  | { container: string; connectionString: string }
  | { container: string; accountUrl: string; credential: TokenCredential };

/** What BlobsStorage keeps per key: the value in an envelope, since it spreads the blob into an object. */
interface StateBlob {
  value: unknown;
}

/** A blob BlobsStorage could not parse: written by something else, or damaged. */
export class StateBlobCorruptError extends Error {
  constructor(
    readonly blob: string,
    readonly key: string,
    reason: string,
  ) {
    super(
      `State blob ${blob} (key "${key}") is corrupt: ${reason}. Restore an earlier version of it ` +
        '(blob versioning or soft delete), or delete it to drop this one item.',
    );
    this.name = 'StateBlobCorruptError';
  }
}

/**
 * Reads and deletes are retried (repeating them changes nothing). Writes are not: a conditional write whose response was
 * lost, tried again, fails against its own new eTag, and the caller would decide again on a
 * change it already made — an approval run twice. Without the retry the caller sees an error and
 * re-reads instead. Short delays, because a Teams invoke waits seconds, not minutes.
 */
const READ_PIPELINE: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
};
const WRITE_PIPELINE: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };

/** Azure's limit on a blob name, which sanitizeBlobKey() would silently cut a longer key to. */
const MAX_BLOB_NAME = 1024;

/**
 * The {@link StateStore} for several instances: Azure Blob Storage, one blob per key, through
 * botbuilder-azure-blobs' BlobsStorage for reads and deletes.
 *
 * BlobsStorage's write cannot serve a {@link StateStore} write, so writes go to the
 * `@azure/storage-blob` ContainerClient it is built on, on the blob it would use:
 * - it has no "create only if absent": an item without eTag (or with `'*'`) is uploaded with no
 *   condition at all, so two instances creating the same request would both succeed. Here
 *   `expectedETag: null` is `If-None-Match: *` (409 BlobAlreadyExists when the blob exists);
 * - it returns nothing, not the new eTag; reading it back afterwards could return a later
 *   writer's eTag, and a write conditional on that would overwrite the later change.
 * An eTag is `If-Match: <eTag>` (412 ConditionNotMet when the blob changed), `'*'` no condition.
 * 412 and 409 BlobAlreadyExists become {@link ETagConflictError}; BlobsStorage's own
 * `Storage: error writing "<key>" due to eTag conflict.` cannot occur, since it never writes.
 *
 * The container is created on first use if it is missing (idempotent; instances may race).
 */
export class BlobStateStore implements StateStore {
  private readonly blobs: BlobsStorage;
  private readonly container: ContainerClient;
  private ready?: Promise<void>;

  constructor(connection: BlobStoreConnection) {
    if ('connectionString' in connection) {
      const { connectionString, container } = connection;
      this.blobs = new BlobsStorage(connectionString, container, { storagePipelineOptions: READ_PIPELINE });
      this.container = new ContainerClient(connectionString, container, WRITE_PIPELINE);
    } else {
      const url = `${connection.accountUrl.replace(/\/+$/, '')}/${encodeURIComponent(connection.container)}`;
      const options = { storagePipelineOptions: READ_PIPELINE };
      this.blobs = new BlobsStorage('', '', options, url, connection.credential);
      this.container = new ContainerClient(url, connection.credential, WRITE_PIPELINE);
    }
  }

  /** @throws StateBlobCorruptError when the item's blob is not JSON; other keys still read. */
  async read<T>(key: string): Promise<StoreItem<T> | undefined> {
    const blob = this.blobNameOf(key);
    await this.containerReady();
    let items: Record<string, unknown>;
    try {
      items = await this.blobs.read([key]);
    } catch (err) {
      if (err instanceof SyntaxError) throw new StateBlobCorruptError(blob, key, `not JSON (${err.message})`);
      throw err;
    }
    const item = items[key] as Partial<StateBlob & { eTag: string }> | undefined;
    if (!item) return undefined;
    if (typeof item.eTag !== 'string') throw new StateBlobCorruptError(blob, key, 'it came without an eTag');
    return { value: item.value as T, eTag: item.eTag };
  }

  async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    const blob = this.container.getBlockBlobClient(this.blobNameOf(key));
    const body = JSON.stringify({ value: value ?? null } satisfies StateBlob);
    await this.containerReady();
    try {
      const response = await blob.upload(body, Buffer.byteLength(body), {
        conditions: conditionsFor(expectedETag),
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      if (!response.etag)
        throw new Error(`Azure Blob Storage answered the write of "${key}" without an eTag`);
      return response.etag;
    } catch (err) {
      if (isConditionFailure(err)) throw new ETagConflictError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    this.blobNameOf(key); // refuses the keys read and write refuse
    await this.containerReady();
    await this.blobs.delete([key]);
  }

  /** Resolves when the container exists and its properties can be read with this sign-in. */
  async ping(): Promise<void> {
    await this.containerReady();
    await this.container.getProperties();
  }

  /** The account and container; never the connection string or a key. */
  describe(): string {
    return `Azure Blob Storage (${this.container.accountName}/${this.container.containerName})`;
  }

  /**
   * Creates the container once if it is missing. Existence is checked first, so an identity that
   * may use the container but not create containers works once it exists. Retried on the next
   * call after a failure, so a start-up outage does not stick.
   */
  private containerReady(): Promise<void> {
    this.ready ??= (async () => {
      if (!(await this.container.exists())) await this.container.createIfNotExists();
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private blobNameOf(key: string): string {
    const segments = stateKeySegments(key);
    let name: string;
    try {
      name = sanitizeBlobKey(key);
    } catch (err) {
      // encodeURIComponent refuses a lone surrogate.
      if (err instanceof URIError) throw new InvalidStateKeyError(key, 'it is not well-formed Unicode');
      throw err;
    }
    // sanitizeBlobKey cuts names at 1024 characters and joins segments past the 255th: two keys
    // could then share a blob.
    if (segments.length > 255 || name.length >= MAX_BLOB_NAME) {
      throw new InvalidStateKeyError(
        key,
        `its blob name would be longer than ${MAX_BLOB_NAME - 1} characters`,
      );
    }
    return name;
  }
}

function conditionsFor(expectedETag: string | null | '*'): BlobRequestConditions {
  if (expectedETag === null) return { ifNoneMatch: '*' };
  if (expectedETag === '*') return {};
  return { ifMatch: expectedETag };
}

/** 412 for a failed If-Match, 409 BlobAlreadyExists for a failed If-None-Match: *. */
function isConditionFailure(err: unknown): boolean {
  // Duck-typed: a RestError from another copy of @azure/core-rest-pipeline fails instanceof.
  const { statusCode, code } = (err ?? {}) as { statusCode?: unknown; code?: unknown };
  return statusCode === 412 || (statusCode === 409 && code === 'BlobAlreadyExists');
}
