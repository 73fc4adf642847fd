import { approvalNotice, approvalNoticeTone } from '../../src/bot/cards/approval-notice';
import type { PublishOutcome } from '../../src/bot/cards/approval-notice';
import type { CardData, CardName } from '../../src/bot/cards/card-templates';
import { alertCardData } from '../../src/bot/views/alert';
import type { Incident, IncidentRemedy } from '../../src/services/alerts/incident';
import { candidatesCardData } from '../../src/bot/views/candidates';
import { preflightCardData } from '../../src/bot/views/preflight';
import { twinPlanCardData } from '../../src/bot/views/twin-plan';
import { realisticTwinPreflight, twinPlanSample, twinRequestSamples } from './twin-fixtures';
import { requestCardData } from '../../src/bot/views/request';
import { requestListData } from '../../src/bot/views/request-list';
import { statusCardDataOf } from '../../src/bot/views/status';
import type { HealthReport } from '../../src/services/health/health-monitor';
import type { RelayHealth } from '../../src/services/relay/presence';
import type { SyncHealthSnapshot } from '../../src/services/alerts/sync-health';
import { linkCandidatesSample, preflightSample, requestSamples } from './link-card-fixtures';

/** The longest notice a requester usually gets: one admin reached, one who could not be. */
const PUBLISHED: PublishOutcome = {
  sentTo: ['Adele Vance'],
  notReached: [
    {
      name: 'Isaiah Langer',
      why: 'they never opened Anchor in Teams, and TEAMS_APP_CATALOG_ID is not set, so Anchor cannot install itself for them',
    },
  ],
};

const VARIANTS = Symbol('card sample variants');

/** Adele Vance, who presses the buttons in the alert samples. */
const ADELE = { aadObjectId: '8f0e4b1c-2d3a-4b5c-9d6e-7f8a9b0c1d2e', name: 'Adele Vance' };

/** When the status samples were checked. */
const SAMPLE_NOW = new Date('2026-11-25T10:00:00.000Z');

/** Several samples for one card, by variant name; make one with {@link variants}. */
export interface SampleVariants<T extends object = object> {
  readonly [VARIANTS]: Readonly<Record<string, T>>;
}

/** A card's sample data: one data object, or several named ones made with {@link variants}. */
export type CardSample<T extends object = object> = T | SampleVariants<T>;

/**
 * Several samples for one card, e.g. `variants({ empty: {...}, full: {...} })`. Variant names are
 * lowercase words joined by dashes; they end up in test titles and file names (`status-empty`).
 */
export function variants<T extends object>(samples: Record<string, T>): SampleVariants<T> {
  return { [VARIANTS]: samples };
}

/**
 * Sample data for every template in `cards/`, for the card tests and the rendered PNGs. The mapped
 * type makes a new card without a sample, or a sample that does not fit its card, a compile error.
 */
export const CARD_SAMPLES: { [N in CardName]: CardSample<CardData[N]> } = {
  help: {
    commands: [
      { usage: 'help', description: 'Show this list.' },
      { usage: 'link user <name>', description: 'Link a cloud-only user to their AD account.' },
    ],
  },
  status: variants({
    ok: statusCardDataOf(healthSample('ok'), SAMPLE_NOW),
    paused: statusCardDataOf(healthSample('paused'), SAMPLE_NOW),
    'no-relay': statusCardDataOf(healthSample('no-relay'), SAMPLE_NOW),
    'sync-health': statusCardDataOf(healthSample('ok'), SAMPLE_NOW, syncHealthSample()),
    'sync-health-silent': statusCardDataOf(healthSample('ok'), SAMPLE_NOW, syncHealthSample('silent')),
  }),
  'link-candidates': variants({
    preselected: candidatesCardData(linkCandidatesSample('preselected')),
    'no-cloud-match': candidatesCardData(linkCandidatesSample('no-cloud-match')),
    'search-failed': candidatesCardData(linkCandidatesSample('search-failed')),
    many: candidatesCardData(linkCandidatesSample('many')),
  }),
  'link-preflight': variants({
    pass: preflightCardData(preflightSample('pass'), 'draft-1'),
    warn: preflightCardData(preflightSample('warn'), 'draft-1'),
    fail: preflightCardData(preflightSample('fail'), 'draft-1', 'The preflight failed.'),
    twin: preflightCardData(realisticTwinPreflight(), 'draft-1'),
  }),
  'twin-plan': variants({
    clean: twinPlanCardData(twinPlanSample('clean'), 'draft-2'),
    licensed: twinPlanCardData(twinPlanSample('licensed'), 'draft-2'),
  }),
  'link-request': variants({
    'pending-approver': requestCardData(requestSamples().pending, 'approvers'),
    'pending-requester': requestCardData(
      requestSamples().pending,
      'requester',
      approvalNotice(PUBLISHED),
      approvalNoticeTone(PUBLISHED),
    ),
    running: requestCardData(requestSamples().running, 'approvers'),
    linked: requestCardData(requestSamples().linked, 'requester'),
    failed: requestCardData(requestSamples().failed, 'approvers'),
    rejected: requestCardData(requestSamples().rejected, 'requester', 'Already rejected by Adele Vance.'),
    'twin-pending-approver': requestCardData(twinRequestSamples().pending, 'approvers'),
    'twin-parking': requestCardData(twinRequestSamples().parking, 'requester'),
    'twin-linking': requestCardData(twinRequestSamples().linking, 'approvers'),
    'twin-failed': requestCardData(twinRequestSamples().failed, 'approvers'),
    'twin-linked': requestCardData(twinRequestSamples().linked, 'requester'),
  }),
  'link-list': variants({
    history: requestListData(
      'Link history',
      Object.values(requestSamples()),
      'No link request has finished yet.',
    ),
    empty: requestListData('Open link requests', [], 'No link request is open.'),
  }),
  alert: variants({
    open: alertCardData(schedulerPausedIncident()),
    resolved: alertCardData({
      ...schedulerPausedIncident(),
      state: 'resolved',
      resolvedAt: '2026-11-25T10:41:07.000Z',
      resolution: 'The relay aadc01 reported SyncCycleEnabled True at 2026-11-25 10:41:05 UTC.',
    }),
    'phs-open': alertCardData(phsSilentIncident()),
    'phs-restarting': alertCardData(phsSilentIncident(remedySample('restarting'))),
    'phs-restart-refused': alertCardData(phsSilentIncident(remedySample('restart-refused'))),
    'phs-watching': alertCardData(phsSilentIncident(remedySample('watching'))),
    'phs-no-heartbeat': alertCardData(phsSilentIncident(remedySample('no-heartbeat'))),
    'phs-full-sync-requested': alertCardData(
      phsSilentIncident(remedySample('full-sync-requested')),
      'Adele Vance asked for this full password sync: another admin must approve it.',
    ),
    'phs-resolved': alertCardData({
      ...phsSilentIncident(remedySample('watching')),
      state: 'resolved',
      resolvedAt: '2026-11-25T10:52:30.000Z',
      resolution: 'Heartbeat back at 2026-11-25 10:52:12 UTC (event 654 on aadc01).',
    }),
  }),
};

/** The one-click fix of the password hash sync sample in `state`, pressed by Adele at 10:40. */
export function remedySample(state: IncidentRemedy['state']): IncidentRemedy {
  const messages: Record<IncidentRemedy['state'], string> = {
    restarting: 'The relay aadc01 is restarting the ADSync service.',
    'restart-refused': 'The relay aadc01 refused: a sync cycle (Delta) is running.',
    'restart-failed': 'The ADSync service did not come back Running within 2 minutes (Stopped).',
    watching: 'ADSync is running again; watching for the next heartbeat until 2026-11-25 11:15:00 UTC.',
    'no-heartbeat': 'No heartbeat by 2026-11-25 11:15:00 UTC after the restart.',
    'full-sync-requested': 'No heartbeat by 2026-11-25 11:15:00 UTC after the restart.',
    'full-sync-running': 'The relay aadc01 runs the full password sync.',
    'full-sync-failed':
      'The full password sync failed: Set-ADSyncAADPasswordSyncConfiguration: access denied.',
    'full-sync-done': 'The full password sync ran; watching for the heartbeat until 2026-11-25 11:50:00 UTC.',
  };
  const fullSync = state.startsWith('full-sync')
    ? {
        requestedBy: ADELE,
        requestedAt: '2026-11-25T11:16:03.000Z',
        decidedBy: null,
        decidedAt: null,
        decision: null,
        ranAt: null,
      }
    : null;
  return {
    state,
    message: messages[state],
    restartedBy: state === 'restart-refused' ? null : ADELE,
    restartedAt: state === 'restart-refused' ? null : '2026-11-25T10:40:00.000Z',
    watchUntil: '2026-11-25T11:15:00.000Z',
    fullSync,
  };
}

/** No password hash sync heartbeat on aadc01 for 2 h 10 min, with the evidence of both sources. */
export function phsSilentIncident(remedy: IncidentRemedy | null = null): Incident {
  return {
    id: '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d',
    kind: 'phs-silent',
    state: 'open',
    title: 'No password hash sync heartbeat from aadc01 for 2 h 10 min',
    resolvedTitle: 'Password hash sync heartbeats again on aadc01',
    detail:
      'Entra Connect on aadc01 has not logged a password hash sync heartbeat (event 654) since 08:02 UTC, ' +
      'and Entra ID last received a password at 08:01 UTC. Password changes on-prem do not reach the cloud.',
    fix: 'Restart ADSync (below) when no sync cycle is running. The card turns green at the next heartbeat.',
    facts: [
      { title: 'Last heartbeat (event log on aadc01)', value: '2026-11-25 08:02:11 UTC (2 h 10 min ago)' },
      { title: "Entra ID's last password sync", value: '2026-11-25 08:01:40 UTC (2 h 10 min ago)' },
      {
        title: 'Event 611 at 09:31 UTC',
        value: 'Password synchronization failed for domain contoso.com: RPC unavailable.',
      },
    ],
    openedAt: '2026-11-25T10:12:44.000Z',
    notifiedAt: '2026-11-25T10:12:44.000Z',
    resolvedAt: null,
    resolution: null,
    cards: [],
    remedy,
  };
}

/**
 * `/healthz` with the relay's last report: all well, the scheduler paused by Anchor with a lease
 * that ran out while the relay cannot tell the staging mode, or a relay that never polled.
 */
export function healthSample(kind: 'ok' | 'paused' | 'no-relay'): HealthReport {
  const up = (detail: string) => ({ state: 'ok' as const, detail });
  const relay: RelayHealth =
    kind === 'no-relay'
      ? { state: 'unknown', detail: 'the relay has not polled yet', lastSeen: null }
      : {
          ...up('polling'),
          lastSeen: '2026-11-25T09:59:58.000Z',
          relayId: 'aadc01',
          version: '1.0.0',
          syncCycleEnabled: kind === 'ok',
          staging: kind === 'ok' ? false : null,
          cycleInProgress: false,
          nextSyncCycleStartTimeInUTC: '2026-11-25T10:24:12.000Z',
          pauseLeaseExpiresAt: kind === 'ok' ? null : '2026-11-25T09:45:00.000Z',
        };
  return {
    status: kind === 'ok' ? 'ok' : 'degraded',
    mode: 'demo',
    version: '0.1.0',
    uptimeSeconds: 600,
    dependencies: {
      directory: up('via relay sync01 · p50 14 ms, p95 38 ms'),
      graph: up('https://graph.microsoft.com'),
      storage: up('file store .data'),
      relay,
    },
  };
}

/**
 * The monitor's last reading, 2 min before the samples' now: all well, or the password hash sync
 * heartbeat silent for 2 h with an error, Entra ID's side unreadable and the incident open.
 */
export function syncHealthSample(kind: 'ok' | 'silent' = 'ok'): SyncHealthSnapshot {
  const silent = kind === 'silent';
  return {
    checkedAt: '2026-11-25T09:58:00.000Z',
    passwordHashSync: true,
    lastHeartbeat: {
      eventLog: silent ? '2026-11-25T07:50:11.000Z' : '2026-11-25T09:32:11.000Z',
      entra: silent ? null : '2026-11-25T09:31:40.000Z',
    },
    lastDirectorySync: '2026-11-25T09:40:02.000Z',
    server: {
      syncCycleEnabled: true,
      nextSyncCycleStartTimeInUTC: '2026-11-25T10:10:02.000Z',
      stagingModeEnabled: false,
      cycleInProgress: false,
      serviceState: 'Running',
    },
    relay: { id: 'aadc01', lastSeen: '2026-11-25T09:59:58.000Z', version: '1.0.0' },
    recentErrors: silent
      ? [
          {
            id: 611,
            at: '2026-11-25T09:31:00.000Z',
            message: 'Password synchronization failed for domain contoso.com: RPC server unavailable.',
          },
        ]
      : [],
    openIncidents: silent
      ? [
          {
            kind: 'phs-silent',
            title: 'No password hash sync heartbeat from aadc01 for 2 h 10 min',
            openedAt: '2026-11-25T09:50:11.000Z',
          },
        ]
      : [],
    problems: silent
      ? ["Entra ID's last password sync: Graph answered 403 (Organization.Read.All not granted)"]
      : [],
  };
}

/** The incident a resume that did not take leaves: the scheduler paused on aadc01. */
function schedulerPausedIncident(): Incident {
  return {
    id: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    kind: 'scheduler-paused',
    state: 'open',
    title: 'The sync scheduler is paused on aadc01',
    resolvedTitle: 'The sync scheduler runs again on aadc01',
    detail:
      'The link of apes@contoso.com (request 1b2c3d4e) could not resume it: the sync scheduler is still ' +
      'paused on aadc01. Entra Connect exports nothing while it is paused.',
    fix:
      'Run Set-ADSyncScheduler -SyncCycleEnabled $true on the Entra Connect server. While Anchor holds its ' +
      'pause lease there, the relay keeps trying to resume the scheduler by itself. This card turns green ' +
      'as soon as the relay reports the scheduler enabled.',
    openedAt: '2026-11-25T10:12:44.000Z',
    notifiedAt: '2026-11-25T10:12:44.000Z',
    resolvedAt: null,
    resolution: null,
    cards: [],
  };
}

/** The sample of some card. */
type AnySample = CardSample<CardData[CardName]>;

function isVariants<T extends object>(sample: CardSample<T>): sample is SampleVariants<T> {
  return VARIANTS in sample;
}

/** One sample of one card: `label` is the card name, or `<card>-<variant>` for a variant. */
export interface CardSampleCase {
  card: CardName;
  label: string;
  data: CardData[CardName];
}

/** Every sample of every card, variants spread out, in CARD_SAMPLES order. */
export function cardSampleCases(): CardSampleCase[] {
  return (Object.entries(CARD_SAMPLES) as [CardName, AnySample][]).flatMap(([card, sample]) => {
    if (!isVariants(sample)) return [{ card, label: card, data: sample }];
    const named = Object.entries(sample[VARIANTS]);
    if (named.length === 0) throw new Error(`CARD_SAMPLES.${card}: variants() needs at least one sample`);
    return named.map(([variant, data]) => {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(variant))
        throw new Error(`CARD_SAMPLES.${card}: variant name "${variant}" must be lowercase words and dashes`);
      return { card, label: `${card}-${variant}`, data };
    });
  });
}
