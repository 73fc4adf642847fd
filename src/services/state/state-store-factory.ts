import type { TokenCredential } from '@azure/identity';
import { BlobStateStore } from './blob-state-store';
import { FileStateStore } from './file-state-store';
import { MemoryStateStore } from './memory-state-store';
import type { StateStore } from './state-store';

/** Which {@link StateStore} to run on, as the configuration (STATE_STORE and friends) describes it. */
export type StateStoreSettings =
  | { kind: 'memory' }
  | { kind: 'file'; dir: string }
  | { kind: 'blob'; container: string; connectionString: string }
  /** Signs in with the credential passed to createStateStore(): Anchor's Graph credential. */
  | { kind: 'blob'; container: string; accountUrl: string };

/**
 * The state store the settings ask for. Nothing is touched yet: the file store makes its
 * directory and the blob store its container on first use, and ping() (the `storage` health
 * check) proves either works.
 * @param credential Signs in to an account URL; unused otherwise.
 */
export function createStateStore(settings: StateStoreSettings, credential?: TokenCredential): StateStore {
  switch (settings.kind) {
    case 'memory':
      return new MemoryStateStore();
    case 'file':
      return new FileStateStore(settings.dir);
    case 'blob':
      if ('connectionString' in settings) {
        return new BlobStateStore({
          container: settings.container,
          connectionString: settings.connectionString,
        });
      }
      if (!credential) throw new Error('A blob store on an account URL needs a credential to sign in with.');
      return new BlobStateStore({
        container: settings.container,
        accountUrl: settings.accountUrl,
        credential,
      });
  }
}
