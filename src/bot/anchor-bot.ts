import { TeamsActivityHandler, TurnContext } from 'botbuilder';
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, ConversationReference } from 'botbuilder';
import type { CardAction } from './actions/card-action';
import { cardData, unknownActionResponse } from './actions/card-action';
import type { AdminConversations } from '../services/conversations/admin-conversations';
import type { CommandRouter } from './commands/command-router';
import { turnLogger } from './middleware/correlation-middleware';

/** What a new admin reads when Anchor is added to their chat. */
export const WELCOME =
  "Hi, I'm Anchor. I link cloud-only Entra ID users to their AD accounts. Type **help** to start.";

/**
 * Anchor's Teams activity handler. It only speaks chat: every decision is made by services.
 * Access is checked by middleware before anything here runs.
 */
export class AnchorBot extends TeamsActivityHandler {
  /** The card actions as registered, so a check can see that each verb has exactly one. */
  readonly cardActions: readonly CardAction[];
  private readonly actions: ReadonlyMap<string, CardAction>;

  constructor(
    private readonly router: CommandRouter,
    private readonly conversations: AdminConversations,
    actions: CardAction[] = [],
    /** Told when an admin's chat becomes known, so cards that waited for it can be sent. */
    private readonly chatKnown?: (adminId: string, reference: object) => Promise<void>,
  ) {
    super();
    this.cardActions = actions;
    this.actions = new Map(actions.map((a) => [a.verb, a]));

    this.onMessage(async (context, next) => {
      const text = messageText(context);
      turnLogger(context)?.debug({ text }, 'message');
      await this.router.dispatch(context, text);
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.remember(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      await this.remember(context);
      // Teams announces the bot itself on install; a personal chat may announce the user instead.
      const added = context.activity.membersAdded ?? [];
      const personal = context.activity.conversation?.conversationType === 'personal';
      if (added.some((m) => personal || m.id === context.activity.recipient.id)) {
        await context.sendActivity(WELCOME);
      }
      await next();
    });
  }

  /** Card buttons (`Action.Execute`): dispatched by verb; the card's data is never trusted for identity. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const verb: unknown = invokeValue.action?.verb;
    const action = typeof verb === 'string' ? this.actions.get(verb) : undefined;
    // A crafted verb can be anything; the log gets no more than a verb's length of it.
    const logged = typeof verb === 'string' ? verb.slice(0, 64) : typeof verb;
    turnLogger(context)?.info({ verb: logged, known: Boolean(action) }, 'card action');
    if (!action) return unknownActionResponse(verb);
    return action.run(context, cardData(invokeValue.action.data));
  }

  /**
   * Keeps the admin's conversation so approval cards can be sent to them later, then sends the
   * cards that were waiting for it (an admin Anchor was installed for, or who opened it late).
   */
  private async remember(context: TurnContext): Promise<void> {
    const adminId = context.activity.from?.aadObjectId;
    if (!adminId || context.activity.conversation?.conversationType !== 'personal') return;
    const reference: Partial<ConversationReference> = TurnContext.getConversationReference(context.activity);
    await this.conversations.save(adminId, reference);
    try {
      await this.chatKnown?.(adminId, reference);
    } catch (err) {
      // The welcome and the saved chat matter more than a late card, which `pending` still shows.
      turnLogger(context)?.error({ err }, 'sending the cards that waited for this chat failed');
    }
  }
}

/** What the admin typed, without the @mention of Anchor; '' for a message whose text is no string. */
function messageText(context: TurnContext): string {
  const activity = context.activity;
  if (typeof activity.text !== 'string') return '';
  if (!activity.recipient?.id) return activity.text;
  return TurnContext.removeRecipientMention(activity) ?? activity.text;
}
