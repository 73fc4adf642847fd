import type { TurnContext } from 'botbuilder';
import { isGuidPrefix } from '../../shared/guid';
import { isRequester } from '../../services/link/link-request';
import { LinkRequestError } from '../../services/link/request-store';
import { actorOf } from '../actor';
import type { Command } from './command';
import type { LinkChatServices } from '../link-services';
import { shortId } from '../views/request-list';

/** What `cancel` followed by anything but a request id (or its start) answers. */
export const NOT_AN_ID =
  'That is not a request id. Type "cancel" and the short id that "pending" shows, e.g. `cancel 35918bc9`.';

/** `cancel [id]`: withdraws the admin's own pending request. */
export class CancelCommand implements Command {
  readonly name = 'cancel';
  readonly usage = 'cancel [request id]';
  readonly description = 'Withdraw your pending link request (the id from "pending" when you have several).';

  constructor(private readonly services: Pick<LinkChatServices, 'link'>) {}

  async run(context: TurnContext, args: string): Promise<void> {
    if (args && !isGuidPrefix(args)) {
      // Not repeated back: it can be anything, of any length.
      await context.sendActivity(NOT_AN_ID);
      return;
    }
    const actor = actorOf(context);
    const mine = (await this.services.link.listOpen()).filter(
      (r) => r.state === 'pending' && isRequester(r, actor),
    );
    const wanted = args.toLowerCase();
    const targets = wanted ? mine.filter((r) => r.id.toLowerCase().startsWith(wanted)) : mine;
    if (targets.length === 0) {
      await context.sendActivity(
        wanted
          ? `You have no pending request with id ${args}. Type "pending" to see them.`
          : 'You have no pending link request.',
      );
      return;
    }
    if (targets.length > 1) {
      await context.sendActivity(
        `You have ${targets.length} pending requests; say which: ${targets.map((r) => `cancel ${shortId(r)}`).join(', ')}.`,
      );
      return;
    }
    try {
      const request = await this.services.link.cancel(targets[0].id, actor);
      await context.sendActivity(
        `Cancelled request ${shortId(request)} (${request.preflight.cloud.userPrincipalName}).`,
      );
    } catch (err) {
      if (!(err instanceof LinkRequestError)) throw err;
      await context.sendActivity(err.message);
    }
  }
}
