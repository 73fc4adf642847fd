import type { AlertSettings } from '../../config/alerts';
import type { Logger } from '../../shared/logger';
import { formatTime, formatTimeAgo } from '../../shared/time-text';
import { adminMessage } from '../../shared/admin-facing-error';
import type { Knowable, OrganizationSync } from '../entra/cloud-user';
import type { RelayHeartbeat } from '../relay/presence';
import type { SyncHealthReading } from '../relay/relay-client';
import { takeLease } from '../state/lease';
import type { StateStore } from '../state/state-store';
import type { AlertService } from './alert-service';
import { INCIDENT_KINDS } from './incident';
import type { Incident } from './incident';
import { judgeHeartbeat } from './heartbeat-judgement';
import type { HeartbeatSources } from './heartbeat-judgement';
import type { SyncHealthReader, SyncHealthSnapshot } from './sync-health';

/** What the relay's read-only `sync-health` operation gives (RelayClient.syncHealth). */
export type RelaySyncHealth = SyncHealthReading;

/** The relay as the monitor uses it. */
export interface SyncHealthRelay {
  readonly relayId: string;
  /** @throws RelayError (kind `offline` when the relay is not polling). */
  syncHealth(): Promise<RelaySyncHealth>;
  lastHeartbeat(): Promise<RelayHeartbeat | null>;
}

/** Settings of {@link SyncHealthMonitor}. */
export interface SyncHealthMonitorOptions {
  alerts: AlertService;
  store: StateStore;
  /** The relay; null when none is configured (only Graph's facts are read then). */
  relay: SyncHealthRelay | null;
  cloud: {
    getOrganizationSync(): Promise<OrganizationSync>;
    getLastPasswordSync(): Promise<Knowable<string | null>>;
  };
  settings: AlertSettings;
  /** This instance, as holder of the monitor's lease. */
  instanceId: string;
  logger: Logger;
  now?: () => Date;
}

/** Everything one round read; a fact that could not be read is `known: false` with the reason. */
interface Readings {
  server: string;
  relaySeen: RelayHeartbeat | null;
  relay: RelaySyncHealth | null;
  directorySync: Knowable<string | null>;
  passwordSync: Knowable<string | null>;
  problems: string[];
}

const LEASE_KEY = 'alerts/monitor-lease';
const SNAPSHOT_KEY = 'alerts/sync-health';
const UNKNOWN_SERVER = 'the Entra Connect server';

/**
 * Reads the sync health on a schedule, on one instance at a time (a lease in the state store),
 * and opens, reminds and resolves the incidents it shows: password hash sync silent, directory
 * sync silent, relay silent, ADSync service stopped, staging mode, facts it could not read. A
 * fact it cannot read never counts as healthy: it resolves nothing and is reported itself.
 */
export class SyncHealthMonitor implements SyncHealthReader {
  private readonly now: () => Date;
  /** A relay that never polled is only silent once Anchor has waited as long as for any relay. */
  private readonly startedAt: number;

  constructor(private readonly options: SyncHealthMonitorOptions) {
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now().getTime();
  }

  /**
   * One scheduled round: only the instance holding the monitor's lease reads (the lease lasts two
   * intervals, so a dead holder is replaced within two).
   * @returns whether this instance ran the round.
   */
  async tick(): Promise<boolean> {
    const { store, instanceId, settings } = this.options;
    if (!(await takeLease(store, LEASE_KEY, instanceId, settings.intervalMs * 2, this.now()))) return false;
    await this.check();
    return true;
  }

  /** Reads every fact now, judges every incident, reminds the due ones and stores the snapshot. */
  async check(): Promise<SyncHealthSnapshot> {
    const now = this.now();
    const readings = await this.read();
    await this.judgeRelay(readings, now);
    await this.judgeServer(readings);
    await this.judgeHeartbeat(readings, now);
    await this.judgeDirectorySync(readings, now);
    await this.judgeReadable(readings);
    await this.remind();
    const snapshot = await this.snapshotOf(readings, now);
    await this.options.store.write(SNAPSHOT_KEY, snapshot, '*');
    return snapshot;
  }

  /** The last snapshot any instance stored. */
  async snapshot(): Promise<SyncHealthSnapshot | undefined> {
    return (await this.options.store.read<SyncHealthSnapshot>(SNAPSHOT_KEY))?.value;
  }

  private async read(): Promise<Readings> {
    const { relay, cloud } = this.options;
    const problems: string[] = [];
    const relaySeen = relay ? await relay.lastHeartbeat().catch(() => null) : null;
    const [relayFacts, organization, passwordSync] = await Promise.all([
      relay ? this.readRelay(relay, problems) : null,
      cloud.getOrganizationSync().then(
        (org): Knowable<string | null> => ({ known: true, value: org.onPremisesLastSyncDateTime }),
        (err: unknown): Knowable<string | null> => ({ known: false, reason: adminMessage(err) }),
      ),
      cloud
        .getLastPasswordSync()
        .catch((err: unknown): Knowable<string | null> => ({ known: false, reason: adminMessage(err) })),
    ]);
    if (!organization.known) problems.push(`Entra ID's last directory sync: ${organization.reason}`);
    if (!passwordSync.known) problems.push(`Entra ID's last password sync: ${passwordSync.reason}`);
    for (const p of relayFacts?.facts.problems ?? [])
      problems.push(`${p.fact} on ${relayFacts?.relayId}: ${p.message}`);
    const server = relayFacts?.relayId ?? relaySeen?.poll?.relayId ?? relay?.relayId ?? UNKNOWN_SERVER;
    return { server, relaySeen, relay: relayFacts, directorySync: organization, passwordSync, problems };
  }

  /** The relay's facts; a relay that is not polling gives none (the relay-silent incident says so). */
  private async readRelay(relay: SyncHealthRelay, problems: string[]): Promise<RelaySyncHealth | null> {
    try {
      return await relay.syncHealth();
    } catch (err) {
      // A relay that is not polling (or never picked the job up) is the relay-silent incident's.
      if (!['offline', 'expired'].includes((err as { kind?: string }).kind ?? '')) {
        problems.push(`the sync server's health through the relay ${relay.relayId}: ${adminMessage(err)}`);
      }
      return null;
    }
  }

  private async judgeRelay({ relaySeen, server }: Readings, now: Date): Promise<void> {
    const { relay, alerts, settings } = this.options;
    if (!relay) return;
    const age = now.getTime() - (relaySeen ? Date.parse(relaySeen.at) : this.startedAt);
    if (age <= settings.relaySilenceMs) {
      await alerts.resolve(
        'relay-silent',
        `The relay ${server} polled again at ${formatTime(relaySeen?.at)}.`,
      );
      return;
    }
    await alerts.raise('relay-silent', {
      title: `The relay on ${server} is silent`,
      resolvedTitle: `The relay on ${server} is back`,
      detail: relaySeen
        ? `Its last poll was at ${formatTimeAgo(relaySeen.at, now)}. Without it Anchor can neither link nor read the sync server's health.`
        : "It has never polled this Anchor. Without it Anchor can neither link nor read the sync server's health.",
      fix: `On ${server}, check that the Anchor relay service runs (Get-Service AnchorRelay) and can reach Anchor over HTTPS; its log is in %ProgramData%\\Anchor Relay\\logs.`,
    });
  }

  private async judgeServer({ relay, server }: Readings): Promise<void> {
    const { alerts } = this.options;
    const state = relay?.scheduler.serviceState;
    if (state === 'Running') {
      await alerts.resolve('service-stopped', `The ADSync service on ${server} runs again.`);
    } else if (state === 'Stopped' || state === 'Paused') {
      await alerts.raise('service-stopped', {
        title: `The ADSync service is ${state} on ${server}`,
        resolvedTitle: `The ADSync service runs again on ${server}`,
        detail: `Get-Service ADSync reads ${state}: nothing is synchronized, no password hash either.`,
        fix: 'Press Restart ADSync, or start the "Microsoft Azure AD Sync" service on the server. The Windows event log says why it stopped.',
      });
    }
    const staging = relay?.scheduler.stagingModeEnabled;
    if (staging === false) {
      await alerts.resolve('staging-mode', `Staging mode is off on ${server}: it exports again.`);
    } else if (staging === true) {
      await alerts.raise('staging-mode', {
        title: `${server} is in staging mode`,
        resolvedTitle: `${server} left staging mode`,
        detail: `Get-ADSyncScheduler reads StagingModeEnabled True: ${server} exports nothing to Entra ID and syncs no password hash, and Anchor cannot link through it.`,
        fix: 'If another server took over on purpose, install the Anchor relay there. Otherwise switch staging mode off in the Entra Connect wizard.',
      });
    }
  }

  private async judgeHeartbeat(readings: Readings, now: Date): Promise<void> {
    const { alerts, settings } = this.options;
    const sources: HeartbeatSources = {
      server: readings.server,
      relayExpected: this.options.relay !== null,
      relay: readings.relay,
      passwordSync: readings.passwordSync,
    };
    const judgement = judgeHeartbeat(sources, settings.phsSilenceMs, now);
    const open = await alerts.get('phs-silent');
    if (judgement.verdict === 'not-applicable' || judgement.verdict === 'fresh') {
      await alerts.resolve('phs-silent', resolutionOf(judgement.reason, open));
      return;
    }
    if (judgement.verdict === 'silent') {
      await alerts.raise('phs-silent', {
        title: `Password hash sync is silent on ${readings.server}`,
        resolvedTitle: `Password hash sync is back on ${readings.server}`,
        detail: judgement.reason,
        fix:
          'Press Restart ADSync: the relay restarts the service when no sync cycle runs, and Anchor watches for the next heartbeat.' +
          (readings.relay?.facts.recentErrors.length
            ? ' The events below say what password hash sync tripped on.'
            : ''),
        facts: judgement.facts,
      });
    }
    await this.watchRemedy(open, judgement.lastHeartbeat, now);
  }

  /** After a restart or a full sync: no heartbeat by the end of the watch offers the next step. */
  private async watchRemedy(
    open: Incident | undefined,
    lastHeartbeat: string | null,
    now: Date,
  ): Promise<void> {
    const remedy = open?.state === 'open' ? open.remedy : null;
    if (!open || !remedy?.watchUntil || !['watching', 'full-sync-done'].includes(remedy.state)) return;
    const since = remedy.state === 'watching' ? remedy.restartedAt : remedy.fullSync?.ranAt;
    if (lastHeartbeat && since && Date.parse(lastHeartbeat) > Date.parse(since)) return;
    if (now.getTime() < Date.parse(remedy.watchUntil)) return;
    const fullSyncRan = remedy.state === 'full-sync-done';
    await this.options.alerts.update('phs-silent', open.id, (current) => ({
      ...current,
      remedy: current.remedy && {
        ...current.remedy,
        state: fullSyncRan ? 'full-sync-failed' : 'no-heartbeat',
        message: fullSyncRan
          ? `No heartbeat by ${formatTime(remedy.watchUntil)} after the full password sync. Open a case with Microsoft support with the events below.`
          : `No heartbeat by ${formatTime(remedy.watchUntil)} after the restart. A full password sync re-sends every password hash; it needs a second admin's approval.`,
      },
    }));
  }

  private async judgeDirectorySync({ directorySync, server }: Readings, now: Date): Promise<void> {
    const { alerts, settings } = this.options;
    if (!directorySync.known || !directorySync.value) return;
    const age = now.getTime() - Date.parse(directorySync.value);
    if (age <= settings.syncSilenceMs) {
      await alerts.resolve(
        'sync-silent',
        `Entra ID saw a directory sync at ${formatTime(directorySync.value)}.`,
      );
      return;
    }
    await alerts.raise('sync-silent', {
      title: 'Directory sync to Entra ID is silent',
      resolvedTitle: 'Directory sync to Entra ID is back',
      detail: `Entra ID's last directory sync was at ${formatTimeAgo(directorySync.value, now)}; the scheduler runs every 30 minutes.`,
      fix: `On ${server}, open Synchronization Service Manager: a run that fails or never ends shows there. Check the scheduler with Get-ADSyncScheduler.`,
    });
  }

  private async judgeReadable({ problems }: Readings): Promise<void> {
    const { alerts } = this.options;
    if (problems.length === 0) {
      await alerts.resolve('health-unreadable', 'Every sync health fact could be read again.');
      return;
    }
    const detail = `Not read, so not known to be healthy: ${problems.join('; ')}.`;
    const raised = await alerts.raise('health-unreadable', {
      title: 'Anchor cannot read part of the sync health',
      resolvedTitle: 'Anchor reads the sync health again',
      detail,
      fix: 'Each line names what failed; a 403 names the Graph permission to grant. Until then Anchor cannot alert on what it cannot read.',
    });
    if (raised) return;
    // Still open, perhaps for other facts now: the cards say what cannot be read today.
    const open = await alerts.get('health-unreadable');
    if (open?.state === 'open' && open.detail !== detail) {
      await alerts.update('health-unreadable', open.id, (current) => ({ ...current, detail }));
    }
  }

  private async remind(): Promise<void> {
    for (const kind of INCIDENT_KINDS)
      await this.options.alerts.remindIfDue(kind, this.options.settings.remindMs);
  }

  private async snapshotOf(readings: Readings, now: Date): Promise<SyncHealthSnapshot> {
    const { relay, relaySeen, directorySync, passwordSync, problems } = readings;
    const open: SyncHealthSnapshot['openIncidents'] = [];
    for (const kind of INCIDENT_KINDS) {
      const incident = await this.options.alerts.get(kind);
      if (incident?.state === 'open') open.push({ kind, title: incident.title, openedAt: incident.openedAt });
    }
    const scheduler = relay?.scheduler;
    return {
      checkedAt: now.toISOString(),
      passwordHashSync: relay?.facts.passwordHashSync ?? null,
      lastHeartbeat: {
        eventLog: relay?.facts.lastHeartbeatAt ?? null,
        entra: passwordSync.known ? passwordSync.value : null,
      },
      lastDirectorySync: directorySync.known ? directorySync.value : null,
      server: {
        syncCycleEnabled: scheduler?.syncCycleEnabled ?? null,
        nextSyncCycleStartTimeInUTC: scheduler?.nextSyncCycleStartTimeInUTC ?? null,
        stagingModeEnabled: scheduler?.stagingModeEnabled ?? null,
        cycleInProgress: scheduler?.cycleInProgress ?? null,
        serviceState: scheduler?.serviceState ?? null,
      },
      relay: {
        id: relay?.relayId ?? relaySeen?.relayId ?? this.options.relay?.relayId ?? null,
        lastSeen: relaySeen?.at ?? null,
        version: relaySeen?.poll?.version ?? null,
      },
      recentErrors: relay?.facts.recentErrors ?? [],
      openIncidents: open,
      problems,
    };
  }
}

/** What ended the PHS incident, and the restart that brought the heartbeat back. */
function resolutionOf(reason: string, open: Incident | undefined): string {
  const remedy = open?.remedy;
  if (!remedy?.restartedBy || !remedy.restartedAt) return reason;
  // Who pressed it is on the card already and in the audit of the press; this says what it did.
  return `${reason.replace(/\.$/, '')}, after the restart at ${formatTime(remedy.restartedAt)}.`;
}
