import { AdminFacingError } from '../../../shared/admin-facing-error';
import { DirectoryError } from '../../../shared/directory/directory-error';
import {
  CloudDirectoryError,
  GraphAuthenticationError,
  GraphDeadlineError,
  GraphPermissionError,
  GraphThrottledError,
  GraphUnreachableError,
  ImmutableIdConflictError,
  InvalidImmutableIdError,
  OnPremisesMasteredError,
  PrivilegedTargetError,
  UserNotFoundError,
} from '../../entra/graph-errors';
import { GRAPH_PERMISSIONS, grantWords } from '../../entra/graph-permissions';
import type { LinkStepName, LinkStepProblem } from '../link-request';
import { PreflightSubjectError } from '../preflight/run-preflight';
import { RelayError } from '../../relay/relay-client';
import { PAUSE_CMDLET, stillPausedInstruction } from '../../../shared/relay-protocol/scheduler-checks';

/** A step that stopped for a reason Anchor found itself; the message can be shown as is. */
export class LinkStepError extends AdminFacingError {
  /**
   * @param detail what the step's record keeps when it says more than the headline (PowerShell's
   *   own words); the message otherwise.
   */
  constructor(
    readonly problem: LinkStepProblem,
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'LinkStepError';
  }
}

/** What the advice may name. */
export interface AdviceContext {
  cloudUserId: string;
  immutableId: string;
  correlationId: string;
  /** The sync server, as the relay id names it (or a description when no relay is configured). */
  server: string;
}

/**
 * What the admin should do after `step` failed with `error`: specific to the step and to the
 * kind of error, because "check the relay service" and "hard-delete the recycle-bin twin" are
 * different jobs for different people.
 */
export function adviceFor(step: LinkStepName, error: unknown, ctx: AdviceContext): string {
  if (error instanceof LinkStepError) return problemAdvice(error.problem, ctx);
  if (error instanceof RelayError) return relayAdvice(step, error);
  if (error instanceof PreflightSubjectError) return subjectAdvice(error);
  const graph = graphAdvice(error, ctx);
  if (graph) return graph;
  if (step === 'preflight' && (error instanceof DirectoryError || error instanceof CloudDirectoryError)) {
    return 'Anchor could not re-run the preflight checks. Make sure AD and Microsoft Graph are reachable, then file the request again.';
  }
  if (error instanceof AdminFacingError) return 'Fix what the message says, then file the request again.';
  return (
    `This looks like a fault in Anchor itself; its log has the details under correlation id ` +
    `${ctx.correlationId}. File the request again once it is fixed.`
  );
}

function problemAdvice(problem: LinkStepProblem, ctx: AdviceContext): string {
  switch (problem) {
    case 'no-relay':
      return (
        'Install the Anchor relay on the Entra Connect server and configure it in Anchor (RELAY_KEYS, ' +
        'BOT_SIGNING_KEY), then file the request again. Anchor does not link without pausing the scheduler.'
      );
    case 'pause-not-taken':
      return (
        `Anchor wrote nothing. ${PAUSE_CMDLET} did not pause the scheduler on ${ctx.server}: check the ` +
        "relay's log, that the relay's account may change the scheduler (ADSyncAdmins; ADSyncOperators may " +
        'not be enough), that the ADSync service runs, and that no other tool or task turns the scheduler ' +
        'back on. Then file the request again.'
      );
    case 'scheduler-access-denied':
      // The message names the group; this says what comes after.
      return (
        // Restarted, the service logs on again with the new group.
        `Anchor wrote nothing. Then restart the relay service on ${ctx.server}, check with ` +
        'install-relay.ps1 -TestSchedulerRights and file the request again.'
      );
    case 'cycle-still-running':
      return (
        'Anchor resumed the scheduler and wrote nothing. A cycle that runs this long is usually a full ' +
        'import or synchronization after a configuration change: watch it in the Synchronization Service ' +
        'Manager (Operations) and file the request again once it has finished, or raise ' +
        "LINK_CYCLE_WAIT_SECONDS (keep it well below the relay's RELAY_PAUSE_LEASE_MS)."
      );
    case 'pause-lost':
      return (
        "Anchor wrote nothing. The relay's pause lease (RELAY_PAUSE_LEASE_MS) may have run out, or an admin " +
        'or a scheduled task resumed the scheduler: keep LINK_CYCLE_WAIT_SECONDS well below the lease, find ' +
        'out who resumed it, then file the request again.'
      );
    case 'scheduler-still-paused':
      return `${stillPausedInstruction(ctx.server)} Then file the request again.`;
    case 'preflight-changed':
      return 'Something changed since the request was approved. Fix what the checks say, then file a new request so it is approved as it is now.';
    case 'already-set':
      return (
        `Find out who set onPremisesImmutableId on cloud user ${ctx.cloudUserId} and why before anything ` +
        'else; Anchor left it as it was.'
      );
    case 'instance-stopped':
      return (
        'Anchor resumed the scheduler and undid any change the stopped run had made. Look in the log of the ' +
        `stopped instance (correlation id ${ctx.correlationId}) for why it stopped, then file the request again.`
      );
    case 'verify-timeout':
      return (
        'Look for the export error in the Synchronization Service Manager (Connectors → the AAD connector, ' +
        'export errors) or in Entra Connect Health sync errors: InvalidHardMatch means the tenant or the ' +
        '2026 hardening blocked the takeover (privileged role, onPremisesObjectIdentifier, or ' +
        'blockCloudObjectTakeoverThroughHardMatchEnabled). Also check that the AD user is in the sync ' +
        'scope and that the cycle exported at all.'
      );
  }
}

function subjectAdvice(error: PreflightSubjectError): string {
  return error.side === 'cloud'
    ? 'Nothing was changed. If the cloud user was deleted by mistake, restore it from Deleted users in the ' +
        'Entra admin center; then run `link user` again and file a new request for the user that exists now.'
    : 'Nothing was changed. Find out what happened to the AD account (deleted or moved out of the ' +
        'searched OUs); then run `link user` again and file a new request for the account that exists now.';
}

function relayAdvice(step: LinkStepName, error: RelayError): string {
  switch (error.kind) {
    case 'offline':
      return (
        'Check the Anchor relay service on the Entra Connect server: it must be running, able to run ' +
        'PowerShell with the ADSync module, and able to reach Anchor over HTTPS.'
      );
    case 'expired':
      return 'The relay did not pick the job up in time: check that the Anchor relay service on the Entra Connect server is running and polling.';
    case 'timeout':
      return (
        `The relay started ${step} but reported no result in time. Check the relay's log and ` +
        'Get-ADSyncScheduler on the Entra Connect server.'
      );
    case 'refused':
      return /staging/i.test(error.message)
        ? 'That Entra Connect server is in staging mode: run the relay on the active server (RELAY_KEYS names the relay jobs go to).'
        : 'The relay refused the job; its message says why. Fix that on the Entra Connect server, then file the request again.';
    case 'aborted':
      return 'The operation was cancelled before it finished; file the request again.';
    case 'failed':
      return step === 'delta'
        ? 'Start-ADSyncSyncCycle failed on the Entra Connect server: check the ADSync service and the Synchronization Service Manager, then file the request again.'
        : "PowerShell failed on the Entra Connect server: check that the ADSync service runs and that the relay's account may run the ADSync cmdlets (ADSyncOperators).";
  }
}

function graphAdvice(error: unknown, ctx: AdviceContext): string | undefined {
  if (error instanceof ImmutableIdConflictError) {
    const holder = error.conflictingObjectId ? `Object ${error.conflictingObjectId}` : 'Another object';
    return (
      `${holder} already holds ${ctx.immutableId}. If it is a deleted synced twin, hard-delete it from the ` +
      'recycle bin (DELETE /directory/deletedItems/{id}); if it is a live user, find out why it carries ' +
      'this AD user’s anchor first. Then file the request again.'
    );
  }
  if (error instanceof OnPremisesMasteredError) {
    return error.origin === 'synced'
      ? 'The cloud user is already synchronised from on-prem AD: there is nothing to link; change it in AD.'
      : 'The cloud user was converted to cloud-only after sync was turned off; Graph does not support a hard match onto it.';
  }
  if (error instanceof InvalidImmutableIdError) {
    return 'Graph refused the value itself; check the AD user’s source anchor (objectGUID or mS-DS-ConsistencyGuid).';
  }
  if (error instanceof UserNotFoundError) {
    return 'The cloud user no longer exists (deleted or renamed since the request); file a new request.';
  }
  if (error instanceof PrivilegedTargetError) {
    return (
      'Anchor does not link privileged users. Remove the cloud user’s admin roles (also those it holds ' +
      'through a group) and its memberships and ownerships of role-assignable groups, then file the ' +
      'request again; give them back after the link. Only if the user has none of these: grant ' +
      "Anchor's identity User.ReadUpdate.All (a missing permission answers the same 403)."
    );
  }
  if (error instanceof GraphPermissionError) {
    const need = error.need ?? GRAPH_PERMISSIONS.setImmutableId;
    const note = need.note ? `; ${need.note}` : '';
    return `Grant Anchor's identity the ${grantWords(need)} application permission with admin consent${note}. Then file the request again.`;
  }
  if (error instanceof GraphThrottledError || error instanceof GraphDeadlineError) {
    return 'Microsoft Graph was busy or slow; file the request again in a few minutes.';
  }
  if (error instanceof GraphUnreachableError || error instanceof GraphAuthenticationError) {
    return "Check Anchor's connection and credential for Microsoft Graph (see /healthz), then file the request again.";
  }
  return undefined;
}
