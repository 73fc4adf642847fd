import { TurnContext } from 'botbuilder';
import type { RegisteredChannel } from '../../services/conversations/approval-channel';
import { actorOf } from '../actor';

/**
 * The channel a command was typed in, as cards are later posted there, and who registered it;
 * undefined outside a channel (a personal or group chat).
 */
export function channelRegistration(context: TurnContext): RegisteredChannel | undefined {
  const activity = context.activity;
  if (activity.conversation?.conversationType !== 'channel') return undefined;
  const reference = TurnContext.getConversationReference(activity);
  // Posts go to the channel itself, not into the thread the command was typed in.
  const channelId = reference.conversation?.id?.split(';')[0] ?? '';
  const conversation = { ...reference, conversation: { ...reference.conversation, id: channelId } };
  delete (conversation as { activityId?: string }).activityId;
  const name = activity.channelData?.channel?.name ?? activity.conversation?.name ?? 'this channel';
  return { conversation, name, registeredBy: actorOf(context).name, registeredAt: new Date().toISOString() };
}
