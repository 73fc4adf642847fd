import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { BlobStateStore } from '../../../../src/services/state/blob-state-store';
import { FileStateStore } from '../../../../src/services/state/file-state-store';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { createStateStore } from '../../../../src/services/state/state-store-factory';

const CREDENTIAL: TokenCredential = {
  getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }),
};

describe('createStateStore', () => {
  it('makes the store the settings name, touching nothing yet', () => {
    assert.ok(createStateStore({ kind: 'memory' }) instanceof MemoryStateStore);
    const file = createStateStore({ kind: 'file', dir: '/nonexistent/anchor-data' });
    assert.ok(file instanceof FileStateStore);
    assert.equal(file.describe(), 'file (/nonexistent/anchor-data)');
    const blob = createStateStore({
      kind: 'blob',
      container: 'anchor-state',
      connectionString:
        'DefaultEndpointsProtocol=https;AccountName=anchorstate;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net',
    });
    assert.ok(blob instanceof BlobStateStore);
    assert.equal(blob.describe(), 'Azure Blob Storage (anchorstate/anchor-state)');
  });

  it('signs in to an account URL with the credential it is given, and needs one', () => {
    const settings = {
      kind: 'blob',
      container: 'anchor-state',
      accountUrl: 'https://anchorstate.blob.core.windows.net',
    } as const;
    assert.equal(
      createStateStore(settings, CREDENTIAL).describe(),
      'Azure Blob Storage (anchorstate/anchor-state)',
    );
    assert.throws(() => createStateStore(settings), /needs a credential/);
  });
});
