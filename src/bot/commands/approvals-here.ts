import { TurnContext } from 'botbuilder';
import type { ApprovalChannel } from '../../services/conversations/approval-channel';
import { actorOf } from '../actor';
import type { Command } from './command';

/** `approvals here`: makes this channel the one approval cards go to. */
export class ApprovalsHereCommand implements Command {
  readonly name = 'approvals here';
  readonly usage = 'approvals here';
  readonly description = "In the admins' channel: send approval cards here instead of to each admin's chat.";

  constructor(private readonly channel: ApprovalChannel) {}

  async run(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity(
        "Type this in the channel of your admin team, mentioning Anchor. Until then approval cards go to each admin's personal chat.",
      );
      return;
    }
    const reference = TurnContext.getConversationReference(activity);
    // Posts go to the channel itself, not into the thread the command was typed in.
    const channelId = reference.conversation?.id?.split(';')[0] ?? '';
    const conversation = { ...reference, conversation: { ...reference.conversation, id: channelId } };
    delete (conversation as { activityId?: string }).activityId;
    const name = activity.channelData?.channel?.name ?? activity.conversation?.name ?? 'this channel';
    await this.channel.register({
      conversation,
      name,
      registeredBy: actorOf(context).name,
      registeredAt: new Date().toISOString(),
    });
    await context.sendActivity(`Approval cards will be posted in ${name} from now on.`);
  }
}
