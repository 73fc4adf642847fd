import type { StateStore } from '../state/state-store';
import type { RegisteredChannel } from './approval-channel';

const CHANNEL_KEY = 'alerts/channel';

/**
 * Where alert cards go: the channel an admin registered with `alerts here`. Kept apart from the
 * approval channel because the people who fix the sync server are not always those who approve
 * links; when none is registered, alerts follow the approval cards.
 */
export class AlertChannel {
  constructor(private readonly store: StateStore) {}

  /** Registers (or replaces) the alerts channel. */
  async register(channel: RegisteredChannel): Promise<void> {
    await this.store.write(CHANNEL_KEY, channel, '*');
  }

  /** The registered alerts channel, if any. */
  async get(): Promise<RegisteredChannel | undefined> {
    return (await this.store.read<RegisteredChannel>(CHANNEL_KEY))?.value;
  }
}
