import { updateItem } from '../state/conditional-update';
import type { RelayEvent } from '../../shared/relay-protocol/messages';
import type { StateStore } from '../state/state-store';

/** A relay event as kept: what the relay said, and when the bot received it. */
export interface StoredRelayEvent extends RelayEvent {
  receivedAt: string;
}

const EVENTS_KEY = 'relay/events';

/**
 * The last events relays reported (e.g. a pause lease ran out and the relay resumed the scheduler
 * by itself), kept in the store for the audit. Only the newest `limit` are kept.
 */
export class RelayEventLog {
  constructor(
    private readonly store: StateStore,
    private readonly limit = 200,
  ) {}

  /** Appends `event`, dropping the oldest beyond the limit. */
  async append(event: RelayEvent, receivedAt: Date = new Date()): Promise<void> {
    const stored: StoredRelayEvent = { ...event, receivedAt: receivedAt.toISOString() };
    await updateItem<{ events: StoredRelayEvent[] }>(this.store, EVENTS_KEY, (current) => ({
      events: [...(current?.events ?? []), stored].slice(-this.limit),
    }));
  }

  /** The kept events, oldest first. */
  async list(): Promise<StoredRelayEvent[]> {
    return (await this.store.read<{ events: StoredRelayEvent[] }>(EVENTS_KEY))?.value.events ?? [];
  }
}
