import { CardFactory } from 'botbuilder';
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../../shared/logger';
import { SerialQueue } from '../../shared/serial-queue';
import type { CardLocation } from '../../services/link/link-request';

/** The part of the adapter that continues a conversation outside a turn (CloudAdapter in the app). */
export interface ProactiveChannel {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** Teams gives up on an invoke answer after about 5 s; a hold never outlasts that by much. */
export const MAX_HOLD_MS = 10_000;

/** Where a posted card is: its conversation's id and the activity's id. */
export type CardPlace = Pick<CardLocation, 'conversation' | 'activityId'>;

/**
 * Sends cards outside a turn (to an admin's chat or the admin channel) and updates cards already
 * posted, through the conversation references the bot saved.
 *
 * Updates of one card go out one at a time, in the order they were asked for, and an update
 * overtaken by a newer one for the same card before it started is dropped: a run announces its
 * steps within milliseconds, and two updates sent side by side may land in either order, leaving
 * the card on the older state. An update of a card whose click is still being answered waits for
 * the answer, which replaces the card too (see {@link holdWhile}).
 */
export class CardMessenger {
  private readonly updates = new SerialQueue();
  /** The newest update asked for, per card. */
  private readonly newest = new Map<string, number>();
  /** Per card: settles once the invoke answer about it has been written. */
  private readonly holds = new Map<string, Promise<void>>();
  private asked = 0;

  constructor(
    private readonly adapter: ProactiveChannel,
    /** The bot's app id; empty in demo mode, where the channel is anonymous. */
    private readonly appId: string,
    private readonly logger: Logger,
  ) {}

  /** Posts `card` to the conversation; returns the new activity's id. */
  async send(conversation: object, card: Record<string, unknown>): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(
      this.appId,
      conversation as Partial<ConversationReference>,
      async (context) => {
        id = (await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] }))?.id;
      },
    );
    return id;
  }

  /**
   * Replaces the card at `location` with `card`, after the updates of that card asked for before,
   * unless a newer one is asked for first. Resolves once the card is replaced or dropped, or at once
   * while a click on that card is being answered: the turn answering it may be the one asking.
   * Failures are logged, never thrown: a card is a view.
   */
  update(location: CardPlace, card: Record<string, unknown>): Promise<void> {
    const key = placeKey(location.conversation, location.activityId);
    const ticket = ++this.asked;
    this.newest.set(key, ticket);
    const done = this.updates.run(async () => {
      await this.holds.get(key);
      if (this.newest.get(key) !== ticket) return;
      this.newest.delete(key);
      await this.replace(location, card);
    }, key);
    return this.holds.has(key) ? Promise.resolve() : done;
  }

  /**
   * Holds back updates of the card `activityId` in `conversation` until `answered` settles (at most
   * {@link MAX_HOLD_MS}): the answer to a click on a card replaces it, so an update sent before the
   * answer is written would be overwritten by an older state.
   */
  holdWhile(conversation: object, activityId: string, answered: Promise<unknown>): void {
    const key = placeKey(conversation, activityId);
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, MAX_HOLD_MS)));
    const hold = Promise.race([answered.then(settled, settled), cap]).finally(() => clearTimeout(timer));
    this.holds.set(key, hold);
    void hold.then(() => {
      if (this.holds.get(key) === hold) this.holds.delete(key);
    });
  }

  private async replace(location: CardPlace, card: Record<string, unknown>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(
        this.appId,
        location.conversation as Partial<ConversationReference>,
        async (context) => {
          await context.updateActivity({
            type: 'message',
            id: location.activityId,
            attachments: [CardFactory.adaptiveCard(card)],
          });
        },
      );
    } catch (err) {
      this.logger.warn({ err, activityId: location.activityId }, 'updating a card failed');
    }
  }
}

/** One card's key: activity ids are unique within a conversation only. */
function placeKey(conversation: object, activityId: string): string {
  const id = (conversation as { conversation?: { id?: unknown } }).conversation?.id;
  return `${typeof id === 'string' ? id : ''}\u0000${activityId}`;
}

function settled(): void {
  // Only that the answer was written matters here, not how it went.
}
