import type { StateStore } from '../state/state-store';

/**
 * The personal chat of each admin with Anchor, kept so cards can be sent to them later
 * (approval requests). The reference is opaque here: only the chat layer reads it.
 */
export class AdminConversations {
  constructor(private readonly store: StateStore) {}

  /** Saves (or replaces) the admin's conversation reference. */
  async save(adminObjectId: string, reference: object): Promise<void> {
    await this.store.write(key(adminObjectId), reference, '*');
  }

  /** The admin's conversation reference, if they ever talked to Anchor. */
  async get(adminObjectId: string): Promise<object | undefined> {
    return (await this.store.read<object>(key(adminObjectId)))?.value;
  }
}

function key(adminObjectId: string): string {
  return `conversation/${adminObjectId.toLowerCase()}`;
}
