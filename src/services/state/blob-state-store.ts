import { text } from 'node:stream/consumers';
import { ContainerClient } from '@azure/storage-blob';
import type { BlobRequestConditions, StoragePipelineOptions } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { stateBlobOf } from './state-blob-names';
import { ETagConflictError } from './state-store';
import type { StateStore, StoreItem } from './state-store';

/** Where the container is and how to sign in: a connection string, or an account URL and a credential. */
export type BlobStoreConnection =
  | { container: string; connectionString: string }
  | { container: string; accountUrl: string; credential: TokenCredential };

/** What the store keeps per key: the value in an envelope, the shape earlier releases wrote too. */
interface StateBlob {
  value: unknown;
}

/** A blob the store cannot read back: written by something else, or damaged. */
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

/**
 * The {@link StateStore} for several instances: Azure Blob Storage, one blob per key (named by
 * {@link stateBlobOf}), through `@azure/storage-blob`: one client that retries, for reads and
 * deletes, and one that does not, for writes.
 *
 * Every write is conditional, which is why the store speaks to the SDK itself (earlier releases read
 * through the Bot Framework's blob storage, whose write could not serve a {@link StateStore}: it
 * had no "create only if absent" and returned no eTag):
 * - `expectedETag: null` is `If-None-Match: *` (409 BlobAlreadyExists when the blob exists), so
 *   two instances creating the same request cannot both succeed;
 * - an eTag is `If-Match: <eTag>` (412 ConditionNotMet when the blob changed), `'*'` no condition;
 * - the new eTag comes from the upload's own response: reading it back afterwards could return a
 *   later writer's eTag, and a write conditional on that would overwrite the later change.
 * 412 and 409 BlobAlreadyExists become {@link ETagConflictError}.
 *
 * The container is created on first use if it is missing (idempotent; instances may race).
 */
export class BlobStateStore implements StateStore {
  /** Retries: for reads and deletes. */
  private readonly reader: ContainerClient;
  /** Never retries: for writes and the container's creation. */
  private readonly container: ContainerClient;
  private ready?: Promise<void>;

  constructor(connection: BlobStoreConnection) {
    if ('connectionString' in connection) {
      const { connectionString, container } = connection;
      this.reader = new ContainerClient(connectionString, container, READ_PIPELINE);
      this.container = new ContainerClient(connectionString, container, WRITE_PIPELINE);
    } else {
      const url = `${connection.accountUrl.replace(/\/+$/, '')}/${encodeURIComponent(connection.container)}`;
      this.reader = new ContainerClient(url, connection.credential, READ_PIPELINE);
      this.container = new ContainerClient(url, connection.credential, WRITE_PIPELINE);
    }
  }

  /** @throws StateBlobCorruptError when the item's blob is not JSON; other keys still read. */
  async read<T>(key: string): Promise<StoreItem<T> | undefined> {
    const blob = stateBlobOf(key);
    await this.containerReady();
    const download = await ifFound(this.reader.getBlobClient(blob).download());
    if (!download?.readableStreamBody) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await text(download.readableStreamBody));
    } catch (err) {
      if (err instanceof SyntaxError) throw new StateBlobCorruptError(blob, key, `not JSON (${err.message})`);
      throw err;
    }
    if (typeof download.etag !== 'string')
      throw new StateBlobCorruptError(blob, key, 'it came without an eTag');
    return { value: valueOf(parsed) as T, eTag: download.etag };
  }

  async write<T>(key: string, value: T, expectedETag: string | null | '*'): Promise<string> {
    const blob = this.container.getBlockBlobClient(stateBlobOf(key));
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
    const blob = stateBlobOf(key);
    await this.containerReady();
    await ifFound(this.reader.deleteBlob(blob));
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
}

/** The value in a blob's envelope; what is not an envelope holds none, as earlier releases read it. */
function valueOf(parsed: unknown): unknown {
  return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<StateBlob>).value : undefined;
}

/** The request's result, or undefined when the blob does not exist (404). */
async function ifFound<R>(request: Promise<R>): Promise<R | undefined> {
  try {
    return await request;
  } catch (err) {
    if (statusOf(err).statusCode === 404) return undefined;
    throw err;
  }
}

function conditionsFor(expectedETag: string | null | '*'): BlobRequestConditions {
  if (expectedETag === null) return { ifNoneMatch: '*' };
  if (expectedETag === '*') return {};
  return { ifMatch: expectedETag };
}

/** 412 for a failed If-Match, 409 BlobAlreadyExists for a failed If-None-Match: *. */
function isConditionFailure(err: unknown): boolean {
  const { statusCode, code } = statusOf(err);
  return statusCode === 412 || (statusCode === 409 && code === 'BlobAlreadyExists');
}

/** Duck-typed: a RestError from another copy of @azure/core-rest-pipeline fails instanceof. */
function statusOf(err: unknown): { statusCode?: unknown; code?: unknown } {
  return (err ?? {}) as { statusCode?: unknown; code?: unknown };
}
