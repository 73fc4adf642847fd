import type { AlertSettings } from '../../config/alerts';
import { AdminFacingError, adminMessage } from '../../shared/admin-facing-error';
import type { Logger } from '../../shared/logger';
import type { JobResult } from '../../shared/relay-protocol/messages';
import { sleep } from '../../shared/sleep';
import { formatTime } from '../../shared/time-text';
import type { AuditAction, AuditLog } from '../audit/audit-log';
import type { RelayError } from '../relay/relay-client';
import { sameObjectId } from '../link/link-request';
import type { AlertService } from './alert-service';
import { RESTARTABLE_KINDS } from './incident';
import type { Incident, IncidentKind, IncidentRemedy, RemedyActor, RemedyState } from './incident';
import type { RemedyActions } from './remedy-actions';
import type { RelaySyncHealth } from './sync-health-monitor';

/** The relay operations the fixes use (RelayClient). */
export interface RemedyRelay {
  /** Restarts ADSync; the relay refuses while a cycle runs and reads the service back Running. */
  restartService(): Promise<JobResult>;
  /** Microsoft's full password sync; the relay reads the configuration back. */
  fullPasswordSync(): Promise<JobResult>;
  syncHealth(): Promise<RelaySyncHealth>;
}

/** Settings of {@link AdSyncRemedy}. */
export interface AdSyncRemedyOptions {
  alerts: AlertService;
  audit: AuditLog;
  /** Null when no relay is configured: the buttons are refused. */
  relay: RemedyRelay | null;
  /** Judges the incidents again at once (SyncHealthMonitor.check), so a fix shows without waiting a round. */
  recheck: () => Promise<unknown>;
  settings: Pick<AlertSettings, 'heartbeatWatchMs'>;
  /** How often the relay is asked for a heartbeat while Anchor watches for one. */
  watchPollMs?: number;
  logger: Logger;
  now?: () => Date;
}

/** Fix states in which a press of Restart ADSync changes nothing (one is under way). */
const BUSY: readonly RemedyState[] = ['restarting', 'watching', 'full-sync-running', 'full-sync-done'];

/** Refused presses: the card shows the message as is. */
export class RemedyRefusedError extends AdminFacingError {}

/**
 * The one-click fixes of a silent password hash sync or a stopped ADSync service: Restart ADSync
 * (any admin; the relay refuses while a cycle runs), then, when no heartbeat comes back, a full
 * password sync that a second admin approves and that runs at most once per incident. Every
 * press and every outcome is written to the incident (the cards update in place) and audited.
 */
export class AdSyncRemedy implements RemedyActions {
  private readonly now: () => Date;
  /** The fixes this instance is carrying out, so tests and shutdown can wait for them. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: AdSyncRemedyOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async restart(kind: IncidentKind, incidentId: string, actor: RemedyActor): Promise<Incident> {
    if (!RESTARTABLE_KINDS.includes(kind)) {
      throw new RemedyRefusedError(
        'Restart ADSync is offered on the password hash sync and ADSync service alerts only.',
      );
    }
    const relay = this.relayOrRefuse();
    await this.openIncident(kind, incidentId);
    const at = this.now().toISOString();
    const pressed = await this.options.alerts.update(kind, incidentId, (current) =>
      current.remedy && BUSY.includes(current.remedy.state)
        ? undefined
        : withRemedy(current, {
            state: 'restarting',
            restartedBy: actor,
            restartedAt: at,
            watchUntil: null,
            // The card names who pressed and when from restartedBy and restartedAt.
            message: 'The relay restarts the ADSync service once no sync cycle runs.',
          }),
    );
    if (!pressed) return this.openIncident(kind, incidentId);
    await this.audit('alert.restart', pressed, actor, `Restart ADSync pressed on "${pressed.title}"`);
    this.track(this.carryOutRestart(relay, pressed));
    return pressed;
  }

  async requestFullSync(kind: IncidentKind, incidentId: string, actor: RemedyActor): Promise<Incident> {
    this.relayOrRefuse();
    const incident = await this.openIncident(kind, incidentId);
    const ran = incident.remedy?.fullSync?.ranAt;
    if (ran) {
      throw new RemedyRefusedError(
        `A full password sync already ran for this alert at ${formatTime(ran)}; it runs at most once per alert.`,
      );
    }
    const state = incident.remedy?.state;
    if (state === 'full-sync-requested' || state === 'full-sync-running') return incident;
    if (state !== 'no-heartbeat') {
      throw new RemedyRefusedError(
        'A full password sync is offered once a restart of ADSync did not bring the heartbeat back.',
      );
    }
    const at = this.now().toISOString();
    const requested = await this.options.alerts.update(kind, incidentId, (current) =>
      current.remedy?.state !== 'no-heartbeat' || current.remedy.fullSync?.ranAt
        ? undefined
        : withRemedy(current, {
            state: 'full-sync-requested',
            fullSync: {
              requestedBy: actor,
              requestedAt: at,
              decidedBy: null,
              decidedAt: null,
              decision: null,
              ranAt: null,
            },
            message: `${actor.name} asked for a full password sync at ${formatTime(at)}; another admin must approve it.`,
          }),
    );
    if (!requested) return this.openIncident(kind, incidentId);
    await this.audit('alert.full-sync-requested', requested, actor, 'Full password sync requested');
    return requested;
  }

  async decideFullSync(
    kind: IncidentKind,
    incidentId: string,
    actor: RemedyActor,
    decision: 'approved' | 'rejected',
  ): Promise<Incident> {
    const relay = this.relayOrRefuse();
    const incident = await this.openIncident(kind, incidentId);
    const request = incident.remedy?.fullSync;
    if (incident.remedy?.state !== 'full-sync-requested' || !request || request.decision) {
      throw new RemedyRefusedError('No full password sync is waiting for a decision on this alert.');
    }
    if (decision === 'approved' && sameObjectId(request.requestedBy.aadObjectId, actor.aadObjectId)) {
      throw new RemedyRefusedError(
        'You asked for this full password sync: another admin must approve it, because it re-sends every password hash.',
      );
    }
    const at = this.now().toISOString();
    const decided = await this.options.alerts.update(kind, incidentId, (current) => {
      const pending = current.remedy?.fullSync;
      if (current.remedy?.state !== 'full-sync-requested' || !pending || pending.decision) return undefined;
      const fullSync = { ...pending, decidedBy: actor, decidedAt: at, decision };
      return withRemedy(current, {
        state: decision === 'approved' ? 'full-sync-running' : 'no-heartbeat',
        fullSync: decision === 'approved' ? fullSync : null,
        message:
          decision === 'approved'
            ? `Full password sync approved by ${actor.name} at ${formatTime(at)}; the relay runs it now.`
            : `Full password sync ${sameObjectId(pending.requestedBy.aadObjectId, actor.aadObjectId) ? 'withdrawn' : 'rejected'} by ${actor.name} at ${formatTime(at)}.`,
      });
    });
    if (!decided) throw new RemedyRefusedError('Another admin decided on this full password sync first.');
    const action = decision === 'approved' ? 'alert.full-sync-approved' : 'alert.full-sync-rejected';
    await this.audit(action, decided, actor, `Full password sync ${decision}`);
    if (decision === 'approved') this.track(this.carryOutFullSync(relay, decided));
    return decided;
  }

  /** Resolves once every fix this instance started has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async carryOutRestart(relay: RemedyRelay, incident: Incident): Promise<void> {
    const { kind, id } = incident;
    const at = this.now().toISOString();
    let next: Partial<IncidentRemedy>;
    let detail: string;
    try {
      const result = await relay.restartService();
      const watchUntil = new Date(
        this.now().getTime() + this.options.settings.heartbeatWatchMs,
      ).toISOString();
      const watching = kind === 'phs-silent';
      detail = `ADSync restarted at ${formatTime(result.finishedAt)}; the service reads ${result.scheduler.serviceState ?? 'Running'}.`;
      next = {
        state: 'watching',
        watchUntil: watching ? watchUntil : null,
        message: watching
          ? `${detail} Watching for the next heartbeat until ${formatTime(watchUntil)}.`
          : detail,
      };
    } catch (err) {
      const refused = (err as { kind?: string }).kind === 'refused';
      detail = adminMessage(err);
      next = {
        state: refused ? 'restart-refused' : 'restart-failed',
        message: refused
          ? `Not restarted at ${formatTime(at)}: ${detail}. Try again once the cycle has ended.`
          : `The restart failed at ${formatTime(at)}: ${detail}`,
      };
    }
    const updated = await this.options.alerts.update(kind, id, (current) =>
      current.remedy?.state === 'restarting' ? withRemedy(current, next) : undefined,
    );
    if (updated) await this.audit('alert.restarted', updated, null, next.message ?? detail);
    await this.recheck();
    if (updated?.remedy?.state === 'watching' && updated.remedy.watchUntil) {
      await this.watchForHeartbeat(relay, updated, updated.remedy.restartedAt ?? at);
    }
  }

  private async carryOutFullSync(relay: RemedyRelay, incident: Incident): Promise<void> {
    const { kind, id } = incident;
    let next: Partial<IncidentRemedy>;
    let ranAt: string | null = null;
    try {
      const result = await relay.fullPasswordSync();
      ranAt = result.finishedAt;
      const watchUntil = new Date(
        this.now().getTime() + this.options.settings.heartbeatWatchMs,
      ).toISOString();
      next = {
        state: 'full-sync-done',
        watchUntil,
        message: `Full password sync started at ${formatTime(ranAt)} (${result.message}). Watching for the next heartbeat until ${formatTime(watchUntil)}.`,
      };
    } catch (err) {
      // The relay turned password hash sync off and could not turn it on: no password syncs until an admin acts.
      const leftOff = (err as RelayError).result?.reason === 'password-sync-left-disabled';
      next = {
        state: 'full-sync-failed',
        message: `${leftOff ? 'PASSWORD HASH SYNC IS OFF. ' : ''}The full password sync failed: ${adminMessage(err)}`,
      };
    }
    const updated = await this.options.alerts.update(kind, id, (current) =>
      current.remedy?.state === 'full-sync-running' && current.remedy.fullSync
        ? withRemedy(current, { ...next, fullSync: { ...current.remedy.fullSync, ranAt } })
        : undefined,
    );
    if (updated) await this.audit('alert.full-sync-ran', updated, null, next.message ?? '');
    await this.recheck();
    if (updated?.remedy?.state === 'full-sync-done' && ranAt)
      await this.watchForHeartbeat(relay, updated, ranAt);
  }

  /**
   * Asks the relay for the heartbeat every poll interval until one newer than `since` shows or the
   * watch ends, then judges again: the monitor resolves the incident, or offers the next step.
   */
  private async watchForHeartbeat(relay: RemedyRelay, incident: Incident, since: string): Promise<void> {
    const until = Date.parse(incident.remedy?.watchUntil ?? '');
    const pollMs = this.options.watchPollMs ?? 15_000;
    while (this.now().getTime() < until) {
      await sleep(Math.min(pollMs, Math.max(0, until - this.now().getTime())));
      const current = await this.options.alerts.get(incident.kind);
      if (current?.id !== incident.id || current.state !== 'open') return;
      const heartbeat = await relay.syncHealth().then(
        (h) => h.facts.lastHeartbeatAt,
        () => null,
      );
      if (heartbeat && Date.parse(heartbeat) > Date.parse(since)) break;
    }
    await this.recheck();
  }

  private async recheck(): Promise<void> {
    await this.options
      .recheck()
      .catch((err: unknown) =>
        this.options.logger.warn({ err }, 'judging the sync health after a fix failed'),
      );
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) => this.options.logger.error({ err }, 'a sync fix failed unexpectedly'))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private relayOrRefuse(): RemedyRelay {
    if (!this.options.relay) {
      throw new RemedyRefusedError(
        'No relay is configured (RELAY_KEYS), so Anchor cannot act on the sync server.',
      );
    }
    return this.options.relay;
  }

  /** The incident the card names, if it is still the open one of its kind. */
  private async openIncident(kind: IncidentKind, incidentId: string): Promise<Incident> {
    const incident = await this.options.alerts.get(kind);
    if (!incident || incident.id !== incidentId) {
      throw new RemedyRefusedError('This alert is no longer current; nothing was done.');
    }
    if (incident.state !== 'open') {
      throw new RemedyRefusedError(
        `This alert is over since ${formatTime(incident.resolvedAt)}; nothing was done.`,
      );
    }
    return incident;
  }

  private async audit(action: AuditAction, incident: Incident, actor: RemedyActor | null, detail: string) {
    await this.options.audit.append({
      action,
      actor: actor ?? { aadObjectId: null, name: 'Anchor' },
      requestId: incident.id,
      correlationId: incident.id,
      detail,
    });
  }
}

/** The incident with its fix changed by `change` (a fresh fix when there was none). */
function withRemedy(incident: Incident, change: Partial<IncidentRemedy>): Incident {
  const remedy: IncidentRemedy = {
    state: 'restarting',
    message: '',
    restartedBy: null,
    restartedAt: null,
    watchUntil: null,
    fullSync: null,
    ...incident.remedy,
    ...change,
  };
  return { ...incident, remedy };
}
