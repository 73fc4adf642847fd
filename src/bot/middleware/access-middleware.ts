import { ActivityTypes } from 'botbuilder';
import type { Middleware, TurnContext } from 'botbuilder';
import type { AccessDenialReason, AccessPolicy } from '../../services/access/access-policy';
import { invokeMessageActivity } from '../actions/card-action';
import { turnLogger } from './correlation-middleware';

/** What a turned-away user reads. Polite, and it says nothing about the tenant or the admins. */
export const REFUSAL: Record<AccessDenialReason, string> = {
  'wrong-tenant': 'Sorry, Anchor is not available in your organization.',
  'not-admin':
    'Sorry, Anchor is only for the directory administrators of this organization. ' +
    'Ask one of them if you need an account linked.',
};

/**
 * Stops every activity that does not come from an admin of the allowed tenant before any
 * handler runs. Messages get a polite refusal, card clicks a refusal toast; everything else
 * (installs, typing, reactions) is dropped without a word.
 */
export class AccessMiddleware implements Middleware {
  constructor(private readonly policy: AccessPolicy) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    await this.policy.ready();
    const decision = this.policy.check({
      aadObjectId: activity.from?.aadObjectId,
      tenantId: activity.channelData?.tenant?.id ?? activity.conversation?.tenantId,
    });
    if (decision.allowed) return next();
    turnLogger(context)?.warn({ reason: decision.reason }, 'activity refused');
    if (activity.type === ActivityTypes.Message) {
      await context.sendActivity(REFUSAL[decision.reason]);
    } else if (activity.type === ActivityTypes.Invoke) {
      await context.sendActivity(invokeMessageActivity(REFUSAL[decision.reason]));
    }
  }
}
