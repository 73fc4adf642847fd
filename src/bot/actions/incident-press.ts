import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { AlertService } from '../../services/alerts/alert-service';
import { INCIDENT_KINDS } from '../../services/alerts/incident';
import type { Incident, IncidentKind, RemedyActor } from '../../services/alerts/incident';
import type { RemedyActions } from '../../services/alerts/remedy-actions';
import { AdminFacingError } from '../../shared/admin-facing-error';
import { actorOf } from '../actor';
import { expandCard } from '../cards/card-templates';
import { alertCardData } from '../views/alert';
import { cardResponse, dataGuid, dataString, messageResponse, refusedDataResponse } from './card-action';

/** What an alert card's button needs: the fix (absent when this Anchor cannot run it) and the incidents. */
export interface IncidentPressServices {
  /** Restart ADSync and the full password sync; absent, every button answers {@link REMEDIES_UNAVAILABLE}. */
  remedies?: RemedyActions;
  alerts: Pick<AlertService, 'get'>;
}

/** The answer to a button whose card names no incident Anchor put there (stale, crafted). */
export const UNKNOWN_INCIDENT = 'Anchor does not know this alert. Type status to see the open ones.';

/** The answer when this Anchor was started without the one-click fix (no relay to run it). */
export const REMEDIES_UNAVAILABLE =
  'The one-click fix is not available on this Anchor: it needs the relay on the Entra Connect server. Follow "What to do" on the card.';

/**
 * Runs one press of an alert card's button: the kind and id are checked before any service sees
 * them, the clicker is the activity's sender, and the answer is the incident's card as it is
 * after the press. A refusal (an `AdminFacingError`) is shown on the card as the service words it.
 */
export async function pressRemedy(
  context: TurnContext,
  data: Record<string, unknown>,
  services: IncidentPressServices,
  press: (
    remedies: RemedyActions,
    kind: IncidentKind,
    incidentId: string,
    actor: RemedyActor,
  ) => Promise<Incident>,
): Promise<AdaptiveCardInvokeResponse> {
  const kind = incidentKind(dataString(data, 'kind'));
  if (!kind) return refusedDataResponse(context, data, 'kind', UNKNOWN_INCIDENT);
  const incidentId = dataGuid(data, 'incidentId');
  if (!incidentId) return refusedDataResponse(context, data, 'incidentId', UNKNOWN_INCIDENT);
  if (!services.remedies) return messageResponse(REMEDIES_UNAVAILABLE);
  const { aadObjectId, name } = actorOf(context);
  try {
    const incident = await press(services.remedies, kind, incidentId, { aadObjectId, name });
    return cardResponse(expandCard('alert', alertCardData(incident)));
  } catch (err) {
    if (!(err instanceof AdminFacingError)) throw err;
    // Redraw the clicked card as the incident is now, so the refusal sits next to its cause.
    const current = await services.alerts.get(kind);
    return current?.id === incidentId
      ? cardResponse(expandCard('alert', alertCardData(current, err.message)))
      : messageResponse(err.message);
  }
}

function incidentKind(value: string): IncidentKind | undefined {
  return INCIDENT_KINDS.find((kind) => kind === value);
}
