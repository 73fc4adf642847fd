import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { ALERT_VERBS } from '../verbs';
import type { CardAction } from './card-action';
import { pressRemedy } from './incident-press';
import type { IncidentPressServices } from './incident-press';

/**
 * "Restart ADSync" (and "Try again") on a password hash sync or service-stopped alert. Any admin
 * may press it; the card and the audit name who did. It answers at once with the restarting card:
 * the relay's restart and the watch for the heartbeat update every copy later.
 */
export class RestartAdsyncAction implements CardAction {
  readonly verb = ALERT_VERBS.restart;

  constructor(private readonly services: IncidentPressServices) {}

  run(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    return pressRemedy(context, data, this.services, (remedies, kind, id, actor) =>
      remedies.restart(kind, id, actor),
    );
  }
}
