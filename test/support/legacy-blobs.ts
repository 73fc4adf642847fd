import { json } from 'node:stream/consumers';
import { ContainerClient } from '@azure/storage-blob';

/**
 * Reads `keys` the way botbuilder-azure-blobs' BlobsStorage read them, which Anchor's earlier
 * releases kept state through: each key's blob is the key percent-encoded as a whole
 * (`encodeURIComponent`, as its sanitizeBlobKey does for a key without empty segments), the blob is
 * parsed as JSON and spread into an object with the blob's eTag; a missing blob is left out.
 * Written out here because the package is no longer a dependency, for the test that containers
 * written before and after read alike.
 */
export async function readAsBlobsStorage(
  connectionString: string,
  container: string,
  keys: string[],
): Promise<Record<string, object>> {
  const client = new ContainerClient(connectionString, container);
  const items: Record<string, object> = {};
  for (const key of keys) {
    const blob = client.getBlobClient(encodeURIComponent(key));
    if (!(await blob.exists())) continue;
    const { etag: eTag, readableStreamBody } = await blob.download();
    if (readableStreamBody) items[key] = { ...((await json(readableStreamBody)) as object), eTag };
  }
  return items;
}
