import { AdminFacingError, adminMessage } from '../../../shared/admin-facing-error';
import type { CloudCallOptions, CloudDirectory } from '../../entra/cloud-directory';
import type { CloudUserDetail } from '../../entra/cloud-user';
import type { DirectoryService, DirectoryUser } from '../../../shared/directory/ad-directory';
import { GraphPermissionError, UserNotFoundError } from '../../entra/graph-errors';
import { scorePair } from '../pair-matching';
import { EMPTY_MATCH_CONTEXT, loadMatchContext } from '../upn-suffixes';
import type { Fact, PreflightFacts, RelayFact } from './checks';
import { evaluateChecks } from './checks';
import type { PreflightReport } from './report';
import { verdictOf } from './report';
import type { RelayPresence } from '../../relay/presence';

/** What preflight reads from. */
export interface PreflightServices {
  directory: DirectoryService;
  cloud: CloudDirectory;
  /** Null when no relay is configured: the sync-server check then fails. */
  relay: RelayPresence | null;
  /** UPN_SUFFIX_MAP, for the same-person check's evidence. */
  suffixMap: ReadonlyMap<string, string>;
}

/** The pair to check, by the ids the link request stores. */
export interface PreflightSubjects {
  /** objectGUID of the AD user, as a GUID string. */
  adObjectGuid: string;
  /** Entra object id of the cloud user. */
  cloudUserId: string;
}

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  /** Epoch ms by which every Graph read must have answered (shared by all of them). */
  deadline?: number;
  /** The clock, for the report's time and the relay heartbeat's age. */
  now?: () => Date;
}

/** One of the two users no longer exists; the request cannot go on as it was made. */
export class PreflightSubjectError extends AdminFacingError {
  constructor(
    readonly side: 'ad' | 'cloud',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PreflightSubjectError';
  }
}

/**
 * Re-reads both users (a request may wait hours for approval), fetches every other fact at once
 * and judges the pair. A failed read does not stop the others: only the checks fed by it say
 * "could not check". Missing users throw {@link PreflightSubjectError}; other errors reading the
 * two users are thrown as the services raised them (their messages are chat-ready).
 */
export async function runPreflight(
  subjects: PreflightSubjects,
  services: PreflightServices,
  options: PreflightOptions = {},
): Promise<PreflightReport> {
  const now = options.now ?? (() => new Date());
  const call: CloudCallOptions = { deadline: options.deadline };
  const [ad, cloud] = await Promise.all([
    readAdUser(services.directory, subjects.adObjectGuid),
    readCloudUser(services.cloud, subjects.cloudUserId, call),
  ]);
  const immutableId = ad.sourceAnchor.immutableId;

  const [holders, domain, roles, roleGroups, objectIdentifier, syncFeatures, syncServer, context] =
    await Promise.allSettled([
      services.cloud.findImmutableIdHolders(immutableId, call),
      services.cloud.getDomainAuthentication(cloud.userPrincipalName, call),
      services.cloud.getUserRoles(cloud.id, call),
      services.cloud.getRoleAssignableGroups(cloud.id, call),
      services.cloud.getOnPremisesObjectIdentifier(cloud.id, call),
      services.cloud.getSyncFeatures(call),
      services.relay ? readRelay(services.relay, now()) : Promise.resolve(null),
      loadMatchContext(services.cloud, services.suffixMap, call),
    ]);
  const facts: PreflightFacts = {
    ad,
    cloud,
    holders: factOf(holders),
    domain: factOf(domain),
    roles: factOf(roles),
    roleGroups: factOf(roleGroups),
    objectIdentifier: factOf(objectIdentifier),
    syncFeatures: factOf(syncFeatures),
    syncServer: factOf(syncServer),
    pair: scorePair(ad, cloud, context.status === 'fulfilled' ? context.value : EMPTY_MATCH_CONTEXT),
  };
  const checks = evaluateChecks(facts);
  return {
    ad,
    cloud,
    immutableId,
    anchorAttribute: ad.sourceAnchor.attribute,
    checks,
    verdict: verdictOf(checks),
    checkedAt: now().toISOString(),
  };
}

async function readAdUser(directory: DirectoryService, objectGuid: string): Promise<DirectoryUser> {
  const found = await directory.find('objectGuid', objectGuid, { limit: 1 });
  const user = found.users[0];
  if (!user) {
    throw new PreflightSubjectError(
      'ad',
      `The AD user with objectGUID ${objectGuid} no longer exists (deleted, or moved out of the OUs Anchor searches).`,
    );
  }
  return user;
}

async function readCloudUser(
  cloud: CloudDirectory,
  userId: string,
  call: CloudCallOptions,
): Promise<CloudUserDetail> {
  try {
    return await cloud.getUser(userId, call);
  } catch (err) {
    if (err instanceof UserNotFoundError) {
      throw new PreflightSubjectError('cloud', `The cloud user ${userId} no longer exists in Entra ID.`, {
        cause: err,
      });
    }
    throw err;
  }
}

async function readRelay(relay: RelayPresence, at: Date): Promise<RelayFact> {
  const heartbeat = await relay.lastHeartbeat();
  if (!heartbeat) return { heartbeat: null, fresh: false, ageMs: null };
  return {
    heartbeat,
    fresh: relay.isFresh(heartbeat, at.getTime()),
    ageMs: at.getTime() - Date.parse(heartbeat.at),
  };
}

function factOf<T>(settled: PromiseSettledResult<T>): Fact<T> {
  if (settled.status === 'fulfilled') return settled.value;
  return { error: adminMessage(settled.reason), denied: settled.reason instanceof GraphPermissionError };
}
