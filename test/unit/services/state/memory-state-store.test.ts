import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';
import { stateStoreContract } from '../../../support/state-store-contract';

stateStoreContract('MemoryStateStore', async () => {
  const store = new MemoryStateStore();
  return { store, another: () => store };
});
