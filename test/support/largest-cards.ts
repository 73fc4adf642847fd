import { twinPlanCardData } from '../../src/bot/views/twin-plan';
import { twinPlanSample } from './twin-fixtures';
import type { CardData, CardName } from '../../src/bot/cards/card-templates';
import { createCommandRouter } from '../../src/bot/create-bot';
import { statusCardData, statusCardDataOf } from '../../src/bot/views/status';
import { INCIDENT_KINDS } from '../../src/services/alerts/incident';
import { healthSample } from './card-samples';
import type { HealthMonitor } from '../../src/services/health/health-monitor';
import { alertCardData } from '../../src/bot/views/alert';
import { candidatesCardData } from '../../src/bot/views/candidates';
import { helpCardData } from '../../src/bot/views/help';
import { preflightCardData } from '../../src/bot/views/preflight';
import { requestCardData } from '../../src/bot/views/request';
import { listMessageData, requestListData } from '../../src/bot/views/request-list';
import type { DirectoryUser } from '../../src/shared/directory/ad-directory';
import type { CloudUserDetail } from '../../src/services/entra/cloud-user';
import { CANDIDATES_SHOWN } from '../../src/services/link/candidates';
import { LINK_STEPS } from '../../src/services/link/link-request';
import type { LinkRequest, LinkStep, Person } from '../../src/services/link/link-request';
import { PREFLIGHT_CHECK_IDS } from '../../src/services/link/preflight/report';
import type { PreflightReport } from '../../src/services/link/preflight/report';
import { MAX_REASON_LENGTH } from '../../src/services/link/request-store';
import { scorePair } from '../../src/services/link/pair-matching';
import type { PairCandidate } from '../../src/services/link/pair-matching';

/**
 * The longest values Anchor can meet, by the documented limits of where they come from:
 *
 * - Entra ID (Microsoft Graph `user` resource): `displayName` at most 256 characters;
 *   `userPrincipalName` at most 113 (64 before the @, 48 after: "Password policies and account
 *   restrictions in Microsoft Entra ID"); `mail` taken at 320 (RFC 5321: 64 + @ + 255).
 * - Active Directory (schema `rangeUpper`): `displayName` 256, `givenName` and `sn` 64, `cn` and
 *   `ou` 64 per RDN, `mail` 256, `userPrincipalName` 1024, `sAMAccountName` 256 (its documented
 *   logon limit is 20 characters; the attribute takes 256, so that is what is assumed).
 * - A DN is taken 8 OUs deep, every RDN value at its 64 and every character escaped (`\,`), under
 *   four 63-character DC labels.
 * - A request reason: {@link MAX_REASON_LENGTH}. A Teams display name (the requester, the
 *   approver): 256, as it is the Entra displayName.
 * - Anchor's own lines that quote a service (a check's detail and fix, a step, a failure, a status
 *   detail, a refusal on a card): 4000 characters, the most a relay message may be.
 *
 * Text is CJK (3 bytes in UTF-8 for each UTF-16 unit, the most any BMP character takes), except
 * where only ASCII is allowed (an Entra UPN, ids, the ImmutableId).
 */
export const LIMITS = {
  displayName: 256,
  entraUpn: 113,
  mail: 320,
  adUpn: 1024,
  sam: 256,
  nameRdn: 64,
  ouDepth: 8,
  dcLabel: 63,
  reason: MAX_REASON_LENGTH,
  serviceText: 4000,
} as const;

/** `n` characters of 3-byte UTF-8 text. */
export const wide = (n: number) => '漢'.repeat(n);
/** `n` characters of ASCII. */
const ascii = (n: number, c = 'x') => c.repeat(n);
/** A GUID that differs by `i`. */
const guid = (i: number) => `${String(i).padStart(8, '0')}-196d-40ea-9779-889d79b753f0`;

/** The longest DN: 8 OUs deep, every RDN value at 64 characters and every one of them escaped. */
function longestDn(): string {
  const rdn = (type: string) => `${type}=${'\\,'.repeat(LIMITS.nameRdn)}`;
  const ous = Array.from({ length: LIMITS.ouDepth }, () => rdn('OU'));
  const dcs = Array.from({ length: 4 }, () => `DC=${ascii(LIMITS.dcLabel, 'd')}`);
  return [rdn('CN'), ...ous, ...dcs].join(',');
}

/** An AD user with every shown attribute at its longest. */
export function longestAdUser(i = 0): DirectoryUser {
  return {
    dn: longestDn(),
    sAMAccountName: wide(LIMITS.sam),
    userPrincipalName: wide(LIMITS.adUpn),
    mail: wide(LIMITS.mail),
    proxyAddresses: [],
    primarySmtp: wide(LIMITS.mail),
    displayName: wide(LIMITS.displayName),
    givenName: wide(64),
    surname: wide(64),
    enabled: true,
    objectGuid: guid(i),
    inSyncScope: true,
    sourceAnchor: { attribute: 'objectGUID', guid: guid(i), immutableId: 'yYuRNW0Z6kCXeYidebdT8A==' },
  };
}

/** A cloud user with every shown property at its longest. */
export function longestCloudUser(i = 0): CloudUserDetail {
  return {
    id: guid(i),
    displayName: wide(LIMITS.displayName),
    userPrincipalName: ascii(LIMITS.entraUpn),
    mail: wide(LIMITS.mail),
    proxyAddresses: [],
    givenName: wide(64),
    surname: wide(64),
    accountEnabled: false,
    userType: 'Guest',
    onPremisesImmutableId: null,
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    createdDateTime: '2026-11-25T09:55:00.000Z',
  };
}

/** A preflight where every check warns, with the longest detail and fix. */
export function longestPreflight(): PreflightReport {
  return {
    ad: longestAdUser(),
    cloud: longestCloudUser(),
    immutableId: 'yYuRNW0Z6kCXeYidebdT8A==',
    anchorAttribute: 'mS-DS-ConsistencyGuid',
    checks: PREFLIGHT_CHECK_IDS.map((id) => ({
      id,
      status: 'warn',
      title: wide(120),
      detail: wide(LIMITS.serviceText),
      fix: wide(LIMITS.serviceText),
    })),
    verdict: 'warn',
    checkedAt: '2026-11-25T09:55:00.000Z',
  };
}

const person = (i: number): Person => ({
  aadObjectId: guid(i),
  name: wide(LIMITS.displayName),
  chatUserId: `29:${ascii(120)}`,
});

/** A failed request whose run went through every step twice (a takeover appends its own). */
export function longestRequest(state: LinkRequest['state'] = 'failed'): LinkRequest {
  const at = '2026-11-25T10:00:00.000Z';
  const steps: LinkStep[] = [...LINK_STEPS, 'rollback' as const, ...LINK_STEPS, 'rollback' as const].map(
    (name) => ({ name, state: 'failed', startedAt: at, finishedAt: at, detail: wide(LIMITS.serviceText) }),
  );
  const preflight = longestPreflight();
  return {
    id: guid(1),
    state,
    correlationId: guid(2),
    createdAt: at,
    expiresAt: at,
    requester: person(3),
    reason: wide(LIMITS.reason),
    preflight,
    acknowledged: preflight.checks.map((c) => c.id),
    decision: { by: person(4), at, verdict: 'approved', note: wide(LIMITS.reason) },
    cancelled: null,
    run: {
      startedAt: at,
      finishedAt: at,
      steps,
      failure: { step: 'resume', message: wide(LIMITS.serviceText), advice: wide(LIMITS.serviceText) },
      owner: ascii(100),
      leaseUntil: at,
    },
    immutableIdBefore: 'yYuRNW0Z6kCXeYidebdT8A==',
    immutableIdAfter: 'yYuRNW0Z6kCXeYidebdT8A==',
    cards: [],
  };
}

/** How many requests a list card could be asked to show: more than any view shows. */
const MANY_REQUESTS = 200;

/** The largest data of every card, built through its view as the bot builds it. */
export async function largestCards(): Promise<{ [N in CardName]: { label: string; data: CardData[N] }[] }> {
  const candidates = {
    text: wide(256),
    ad: {
      users: Array.from({ length: CANDIDATES_SHOWN }, (_, i) => longestAdUser(i)),
      more: 99_999,
      error: null,
    },
    cloud: {
      users: Array.from({ length: CANDIDATES_SHOWN }, (_, i) => longestCloudUser(i)),
      more: 99_999,
      error: null,
    },
    preselected: null,
    // The longest pair line: two pairs of the longest users that tie.
    match: {
      kind: 'tie' as const,
      pairs: [
        scorePair(longestAdUser(0), longestCloudUser(0)),
        scorePair(longestAdUser(1), longestCloudUser(1)),
      ] as [PairCandidate, PairCandidate],
    },
  };
  const failedSearch = {
    ...candidates,
    ad: { users: [], more: 0, error: wide(LIMITS.serviceText) },
    cloud: { users: [], more: 0, error: wide(LIMITS.serviceText) },
  };
  const requests = Array.from({ length: MANY_REQUESTS }, () => longestRequest());
  return {
    help: [{ label: 'every command', data: helpCardData(createCommandRouter({} as never).list()) }],
    status: [
      {
        label: 'every dependency down with a long error',
        data: await statusCardData({
          report: async () => ({
            status: 'degraded',
            mode: 'production',
            version: ascii(64),
            uptimeSeconds: 1,
            dependencies: Object.fromEntries(
              ['directory', 'graph', 'storage', 'relay'].map((name) => [
                name,
                {
                  state: 'down' as const,
                  detail: wide(LIMITS.serviceText),
                  lastSeen: '2026-11-25T10:00:00.000Z',
                },
              ]),
            ),
          }),
        } as unknown as HealthMonitor),
      },
      {
        label: 'sync health with every fact at its longest, every incident open and many problems',
        data: statusCardDataOf(healthSample('ok'), new Date('2026-11-25T10:00:00.000Z'), {
          checkedAt: '2026-11-25T10:00:00.000Z',
          passwordHashSync: null,
          lastHeartbeat: { eventLog: wide(64), entra: null },
          lastDirectorySync: wide(64),
          server: {
            syncCycleEnabled: false,
            nextSyncCycleStartTimeInUTC: wide(LIMITS.serviceText),
            stagingModeEnabled: true,
            cycleInProgress: true,
            serviceState: wide(LIMITS.serviceText),
          },
          relay: { id: wide(LIMITS.serviceText), lastSeen: null, version: wide(LIMITS.serviceText) },
          recentErrors: Array.from({ length: 50 }, (_, i) => ({
            id: 611,
            at: `2026-11-25T09:${String(i).padStart(2, '0')}:00.000Z`,
            message: wide(LIMITS.serviceText),
          })),
          openIncidents: INCIDENT_KINDS.map((kind) => ({
            kind,
            title: wide(LIMITS.serviceText),
            openedAt: '2026-11-25T09:00:00.000Z',
          })),
          problems: Array.from({ length: 50 }, () => wide(LIMITS.serviceText)),
        }),
      },
    ],
    'link-candidates': [
      { label: 'ten of each side at their longest', data: candidatesCardData(candidates) },
      { label: 'both searches failed with a long error', data: candidatesCardData(failedSearch) },
    ],
    'link-preflight': [
      {
        label: 'every check warns, with a long refusal',
        data: preflightCardData(longestPreflight(), guid(9), wide(LIMITS.serviceText)),
      },
    ],
    // Not yet the longest plan: every text at its limit is left to do.
    'twin-plan': [{ label: 'a licensed twin', data: twinPlanCardData(twinPlanSample('licensed'), guid(9)) }],
    'link-request': (['approvers', 'requester'] as const).flatMap((viewer) => [
      {
        label: `failed after every step twice (${viewer})`,
        data: requestCardData(longestRequest(), viewer, wide(LIMITS.serviceText)),
      },
      {
        label: `pending (${viewer})`,
        data: requestCardData(
          { ...longestRequest('pending'), run: null, decision: null },
          viewer,
          wide(LIMITS.serviceText),
        ),
      },
    ]),
    'link-list': [
      { label: `${MANY_REQUESTS} requests`, data: requestListData(wide(300), requests, wide(300)) },
      { label: 'a long message', data: listMessageData(wide(300), wide(LIMITS.serviceText)) },
    ],
    alert: (['open', 'resolved'] as const).map((state) => ({
      label: `an incident ${state}, quoting a long relay message, with every fact and a full sync decided`,
      data: alertCardData(
        {
          id: guid(1),
          kind: 'phs-silent',
          state,
          title: `The sync scheduler is paused on ${ascii(64)}`,
          resolvedTitle: `The sync scheduler runs again on ${ascii(64)}`,
          detail: wide(LIMITS.serviceText),
          fix: wide(400),
          openedAt: '2026-11-25T10:00:00.000Z',
          notifiedAt: '2026-11-25T10:00:00.000Z',
          resolvedAt: state === 'resolved' ? '2026-11-25T11:00:00.000Z' : null,
          resolution: state === 'resolved' ? wide(LIMITS.serviceText) : null,
          cards: [],
          // The monitor quotes the event log: as many facts as it likes, each as long as a relay message.
          facts: Array.from({ length: 40 }, () => ({
            title: wide(LIMITS.serviceText),
            value: wide(LIMITS.serviceText),
          })),
          remedy: {
            state: 'full-sync-requested',
            message: wide(LIMITS.serviceText),
            restartedBy: { aadObjectId: guid(2), name: wide(LIMITS.displayName) },
            restartedAt: '2026-11-25T10:00:00.000Z',
            watchUntil: '2026-11-25T10:35:00.000Z',
            fullSync: {
              requestedBy: { aadObjectId: guid(3), name: wide(LIMITS.displayName) },
              requestedAt: '2026-11-25T10:36:00.000Z',
              decidedBy: { aadObjectId: guid(4), name: wide(LIMITS.displayName) },
              decidedAt: '2026-11-25T10:37:00.000Z',
              decision: 'rejected',
              ranAt: '2026-11-25T10:38:00.000Z',
            },
          },
        },
        wide(LIMITS.serviceText),
      ),
    })),
  };
}
