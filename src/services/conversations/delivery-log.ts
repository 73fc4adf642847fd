import { createHash } from 'node:crypto';
import { updateItem } from '../state/conditional-update';
import type { StateStore } from '../state/state-store';

/** How many recent activity ids are kept per conversation; a retry comes within seconds. */
const KEPT_PER_CONVERSATION = 100;

/**
 * One item per conversation, named by a digest of its id: the id is the channel's text (and in an
 * anonymous demo anyone's), so it never shapes a key itself and cannot be one the store refuses.
 */
const KEY = (conversationId: string) =>
  `deliveries/${createHash('sha256').update(conversationId, 'utf8').digest('hex')}`;

/**
 * The activities each conversation delivered recently, so one the channel delivers again (Teams
 * retries a slow activity, possibly to another instance) is recognised and handled once.
 */
export class DeliveryLog {
  constructor(private readonly store: StateStore) {}

  /**
   * Records the delivery; true the first time this activity id is seen in the conversation, by
   * any instance (the write is conditional, so two instances cannot both see a first delivery).
   */
  async firstDelivery(conversationId: string, activityId: string): Promise<boolean> {
    let first = false;
    await updateItem<{ ids: string[] }>(this.store, KEY(conversationId), (current) => {
      const ids = current?.ids ?? [];
      first = !ids.includes(activityId);
      return first ? { ids: [...ids, activityId].slice(-KEPT_PER_CONVERSATION) } : undefined;
    });
    return first;
  }
}
