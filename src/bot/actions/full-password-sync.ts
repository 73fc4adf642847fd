import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { ALERT_VERBS } from '../verbs';
import type { CardVerb } from '../verbs';
import type { CardAction } from './card-action';
import { pressRemedy } from './incident-press';
import type { IncidentPressServices } from './incident-press';

/** "Run a full password sync…": asks for it once no heartbeat came back after a restart. */
export class RequestFullSyncAction implements CardAction {
  readonly verb = ALERT_VERBS.requestFullSync;

  constructor(private readonly services: IncidentPressServices) {}

  run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    return pressRemedy(context, data, this.services, (remedies, kind, id, actor) =>
      remedies.requestFullSync(kind, id, actor),
    );
  }
}

/**
 * Approve or Reject a full password sync: it re-sends every password hash, so, like a link, a
 * second admin decides. The buttons show on every copy; the service refuses the requester and
 * the card shows its words.
 */
export class DecideFullSyncAction implements CardAction {
  readonly verb: CardVerb;

  constructor(
    private readonly decision: 'approved' | 'rejected',
    private readonly services: IncidentPressServices,
  ) {
    this.verb = decision === 'approved' ? ALERT_VERBS.approveFullSync : ALERT_VERBS.rejectFullSync;
  }

  run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    return pressRemedy(context, data, this.services, (remedies, kind, id, actor) =>
      remedies.decideFullSync(kind, id, actor, this.decision),
    );
  }
}
