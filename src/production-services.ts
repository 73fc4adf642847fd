import type { AppServices } from './app';
import type { DirectoryService } from './services/directory';
import { MemoryStateStore } from './services/memory-state-store';

/**
 * The services production runs on. The LDAP directory (issue 4) and durable storage (issue 8)
 * are not built yet: until then the directory reports itself unavailable in health and status
 * rather than pretending, and state is kept in memory.
 */
export function productionServices(): AppServices {
  return { directory: new UnconfiguredDirectory(), store: new MemoryStateStore() };
}

class UnconfiguredDirectory implements DirectoryService {
  async search(): Promise<never> {
    throw new Error('No on-prem directory is configured yet: the LDAP directory service is not available.');
  }

  async ping(): Promise<void> {
    await this.search();
  }

  describe(): string {
    return 'not configured';
  }
}
