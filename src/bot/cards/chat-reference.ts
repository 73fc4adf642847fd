import type { ConversationReference } from 'botbuilder';

/**
 * A conversation reference for an admin's personal chat that Graph named (an installation's
 * chat), built on a reference Anchor already holds in the same tenant: Teams serves every chat of
 * a tenant from the same service URL, and the chat id is the Bot Framework conversation id
 * ("Send proactive installation messages", learn.microsoft.com).
 */
export function chatReference(
  chatId: string,
  admin: { aadObjectId: string; name: string },
  known: object,
): Partial<ConversationReference> {
  const base = known as Partial<ConversationReference>;
  return {
    channelId: base.channelId ?? 'msteams',
    serviceUrl: base.serviceUrl,
    bot: base.bot,
    user: { id: admin.aadObjectId, name: admin.name, aadObjectId: admin.aadObjectId },
    conversation: {
      id: chatId,
      conversationType: 'personal',
      isGroup: false,
      name: '',
      tenantId: base.conversation?.tenantId,
    },
  };
}

/** True when two references address the same conversation. */
export function sameConversation(a: object, b: object): boolean {
  const id = (r: object) => (r as Partial<ConversationReference>).conversation?.id;
  return id(a) !== undefined && id(a) === id(b);
}
