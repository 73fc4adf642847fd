import type { TurnContext } from 'botbuilder';
import type { ApprovalChannel } from '../../services/conversations/approval-channel';
import { channelRegistration } from './channel-registration';
import type { Command } from './command';

/** `approvals here`: makes this channel the one approval cards go to. */
export class ApprovalsHereCommand implements Command {
  readonly name = 'approvals here';
  readonly usage = 'approvals here';
  readonly description = "In the admins' channel: send approval cards here instead of to each admin's chat.";

  constructor(private readonly channel: ApprovalChannel) {}

  async run(context: TurnContext): Promise<void> {
    const registered = channelRegistration(context);
    if (!registered) {
      await context.sendActivity(
        "Type this in the channel of your admin team, mentioning Anchor. Until then approval cards go to each admin's personal chat.",
      );
      return;
    }
    await this.channel.register(registered);
    await context.sendActivity(`Approval cards will be posted in ${registered.name} from now on.`);
  }
}
