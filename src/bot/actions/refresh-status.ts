import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import type { SyncHealthReader } from '../../services/alerts/sync-health';
import type { HealthMonitor } from '../../services/health/health-monitor';
import type { CardAction } from './card-action';
import { cardResponse } from './card-action';
import { expandCard } from '../cards/card-templates';
import { STATUS_VERBS } from '../verbs';
import { statusCardData } from '../views/status';

/** The status card's Refresh button: probes again, reads the sync health again, and replaces the card in place. */
export class RefreshStatusAction implements CardAction {
  readonly verb = STATUS_VERBS.refresh;

  constructor(
    private readonly health: HealthMonitor,
    private readonly syncHealth?: SyncHealthReader,
  ) {}

  async run(): Promise<AdaptiveCardInvokeResponse> {
    return cardResponse(expandCard('status', await statusCardData(this.health, this.syncHealth)));
  }
}
