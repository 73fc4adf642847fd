import type { Incident, IncidentKind, RemedyActor } from './incident';

/**
 * The buttons of an alert card, as the chat layer calls them. Each names the incident by kind and
 * id (the card carries only those); a stale id (an incident since resolved or replaced) is refused
 * with an `AdminFacingError`. Each returns the incident as it is after the press, and every later
 * change of the fix is announced to the alert listeners as `updated`.
 */
export interface RemedyActions {
  /**
   * Restart ADSync: any admin may press it. Queues the relay's `restart-service` and returns at
   * once with the remedy `restarting`; a press while a restart or watch is under way changes
   * nothing and returns the incident as it is.
   */
  restart(kind: IncidentKind, incidentId: string, actor: RemedyActor): Promise<Incident>;
  /** Asks for a full password sync (only once no heartbeat came back after a restart). */
  requestFullSync(kind: IncidentKind, incidentId: string, actor: RemedyActor): Promise<Incident>;
  /**
   * A second admin's decision on the full password sync; the requester is refused. Approval runs
   * it through the relay (at most once per incident).
   */
  decideFullSync(
    kind: IncidentKind,
    incidentId: string,
    actor: RemedyActor,
    decision: 'approved' | 'rejected',
  ): Promise<Incident>;
}
