import { CardFactory } from 'botbuilder';
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../../shared/logger';
import type { CardLocation } from '../../services/link/link-request';

/** The part of the adapter that continues a conversation outside a turn (CloudAdapter in the app). */
export interface ProactiveChannel {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/**
 * Sends cards outside a turn (to an admin's chat or the admin channel) and updates cards already
 * posted, through the conversation references the bot saved.
 */
export class CardMessenger {
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

  /** Replaces the card at `location` with `card`. Failures are logged, never thrown: a card is a view. */
  async update(
    location: Pick<CardLocation, 'conversation' | 'activityId'>,
    card: Record<string, unknown>,
  ): Promise<void> {
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
