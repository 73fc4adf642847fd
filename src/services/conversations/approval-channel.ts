import type { StateStore } from '../state/state-store';

/** The channel approval cards go to, and who registered it when. */
export interface RegisteredChannel {
  /** The chat layer's conversation reference of the channel; opaque here. */
  conversation: object;
  name: string;
  registeredBy: string;
  registeredAt: string;
}

const CHANNEL_KEY = 'approvals/channel';

/**
 * Where approval cards go: the admin channel an admin registered with `approvals here`, or,
 * when none is registered, each admin's personal chat.
 */
export class ApprovalChannel {
  constructor(private readonly store: StateStore) {}

  /** Registers (or replaces) the admin channel. */
  async register(channel: RegisteredChannel): Promise<void> {
    await this.store.write(CHANNEL_KEY, channel, '*');
  }

  /** The registered channel, if any. */
  async get(): Promise<RegisteredChannel | undefined> {
    return (await this.store.read<RegisteredChannel>(CHANNEL_KEY))?.value;
  }
}
