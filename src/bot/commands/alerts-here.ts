import type { TurnContext } from 'botbuilder';
import type { AlertChannel } from '../../services/conversations/alert-channel';
import { channelRegistration } from './channel-registration';
import type { Command } from './command';

/** What `alerts here` answers when this Anchor was started without an alerts channel store. */
export const ALERT_CHANNEL_UNAVAILABLE =
  "Anchor cannot keep an alerts channel here: alerts go to the approvals channel, or else to each admin's personal chat.";

/** `alerts here`: makes this channel the one sync health alert cards go to. */
export class AlertsHereCommand implements Command {
  readonly name = 'alerts here';
  readonly usage = 'alerts here';
  readonly description =
    'In the channel of whoever runs the sync server: send sync health alerts here instead of with the approval cards.';

  /** @param channel where the alerts channel is kept; absent, the command says it cannot keep one. */
  constructor(private readonly channel: AlertChannel | undefined) {}

  async run(context: TurnContext): Promise<void> {
    if (!this.channel) {
      await context.sendActivity(ALERT_CHANNEL_UNAVAILABLE);
      return;
    }
    const registered = channelRegistration(context);
    if (!registered) {
      await context.sendActivity(
        "Type this in the channel where admins should get sync health alerts, mentioning Anchor. Until then alerts go to the approvals channel if one is registered, else to each admin's personal chat.",
      );
      return;
    }
    await this.channel.register(registered);
    await context.sendActivity(`Sync health alerts will be posted in ${registered.name} from now on.`);
  }
}
