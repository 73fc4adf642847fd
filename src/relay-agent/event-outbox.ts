import type { RelayEvent } from '../shared/relay-protocol/messages';
import type { RelayStateStore } from './state-file';

/**
 * Events the relay must report (the lease ran out and it resumed the scheduler, a refused job).
 * They are kept in the state file until the bot has taken them, so a bot that is gone, or a relay
 * restart, loses none.
 */
export class EventOutbox {
  constructor(private readonly state: RelayStateStore) {}

  /** Queues an event for the next time the bot is reachable. */
  async add(event: RelayEvent): Promise<void> {
    await this.state.update((d) => void d.outbox.push(event));
  }

  /** How many events wait. */
  async size(): Promise<number> {
    return (await this.state.read()).outbox.length;
  }

  /**
   * Sends queued events oldest first, removing each once sent.
   * @throws the first send error (the rest stay queued).
   */
  async drain(send: (event: RelayEvent) => Promise<void>): Promise<number> {
    const { outbox } = await this.state.read();
    let sent = 0;
    for (const event of outbox) {
      await send(event);
      await this.state.update((d) => {
        d.outbox = d.outbox.filter(
          (e) => !(e.at === event.at && e.kind === event.kind && e.message === event.message),
        );
      });
      sent++;
    }
    return sent;
  }
}
