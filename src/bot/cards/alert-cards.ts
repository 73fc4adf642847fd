import type { Logger } from '../../shared/logger';
import type { AlertService, IncidentChange } from '../../services/alerts/alert-service';
import type { Incident, IncidentCard } from '../../services/alerts/incident';
import { alertCardData } from '../views/alert';
import { alertTargets } from './admin-targets';
import type { AlertAudience } from './admin-targets';
import type { CardMessenger } from './card-messenger';
import { expandCard } from './card-templates';

/** Settings of {@link AlertCards}. */
export interface AlertCardsOptions extends AlertAudience {
  messenger: CardMessenger;
  alerts: Pick<AlertService, 'addCards'>;
  logger: Logger;
}

/**
 * The alert cards of incidents: posted to every admin (the alerts channel, else the approvals
 * channel, else each admin's chat) when an incident is raised or reminded, and updated in place,
 * everywhere, when its fix changes or it is resolved.
 */
export class AlertCards {
  constructor(private readonly options: AlertCardsOptions) {}

  /** Follows an incident's change: post on `raised` and `reminder`, update on `updated` and `resolved`. */
  async follow(change: IncidentChange, incident: Incident): Promise<void> {
    if (change === 'resolved' || change === 'updated') await this.refresh(incident);
    else await this.publish(incident);
  }

  /** Posts the alert card to every admin and remembers where. */
  async publish(incident: Incident): Promise<void> {
    const card = expandCard('alert', alertCardData(incident));
    const posted: IncidentCard[] = [];
    for (const target of await alertTargets(this.options)) {
      try {
        const activityId = await this.options.messenger.send(target.conversation, card);
        if (activityId) posted.push({ conversation: target.conversation, activityId });
      } catch (err) {
        this.options.logger.warn(
          { err, incident: incident.id, target: target.name },
          'sending an alert card failed',
        );
      }
    }
    if (posted.length === 0) {
      this.options.logger.error(
        { incident: incident.id, title: incident.title },
        'no admin could be alerted: no alerts or approvals channel is registered and no admin has a chat with Anchor',
      );
      return;
    }
    await this.options.alerts.addCards(incident.kind, incident.id, posted);
  }

  /** Updates every posted copy of the incident's card to its current state. */
  async refresh(incident: Incident): Promise<void> {
    const card = expandCard('alert', alertCardData(incident));
    await Promise.all(incident.cards.map((location) => this.options.messenger.update(location, card)));
  }
}
