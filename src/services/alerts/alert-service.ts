import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/logger';
import type { AuditLog } from '../audit/audit-log';
import { updateItem } from '../state/conditional-update';
import type { StateStore } from '../state/state-store';
import type { Incident, IncidentCard, IncidentKind, IncidentText } from './incident';

/**
 * What happened to an incident; told to every {@link IncidentListener}: `updated` is a change of
 * its fix or evidence while it stays open (the cards are updated in place, nothing new is posted).
 */
export type IncidentChange = 'raised' | 'reminder' | 'updated' | 'resolved';

/** Told after an incident changed (the chat posts or updates its cards). */
export type IncidentListener = (change: IncidentChange, incident: Incident) => Promise<void> | void;

/** Settings of {@link AlertService}. */
export interface AlertServiceOptions {
  store: StateStore;
  audit: AuditLog;
  logger: Logger;
  now?: () => Date;
}

const INCIDENT_KEY = (kind: IncidentKind) => `alerts/${kind}`;

/** Who the audit names for what Anchor noticed itself. */
const ANCHOR = { aadObjectId: null, name: 'Anchor' };

/**
 * Incidents every admin must hear about until they are over. Raising, reminding and resolving
 * each change the stored incident conditionally (so two instances raise one incident once),
 * write the audit entry and tell the listeners.
 */
export class AlertService {
  private readonly listeners: IncidentListener[] = [];
  private readonly now: () => Date;

  constructor(private readonly options: AlertServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Adds a listener told after every change; its failures are logged and never undo the change. */
  onChange(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  /** The incident of `kind` as stored (open or the last resolved one), or undefined. */
  async get(kind: IncidentKind): Promise<Incident | undefined> {
    return (await this.options.store.read<Incident>(INCIDENT_KEY(kind)))?.value;
  }

  /**
   * Opens an incident of `kind` unless one is open already.
   * @returns the new incident, or undefined when one was open (nothing changed).
   */
  async raise(kind: IncidentKind, text: IncidentText): Promise<Incident | undefined> {
    const at = this.now().toISOString();
    const raised = await updateItem<Incident>(this.options.store, INCIDENT_KEY(kind), (current) =>
      current?.state === 'open'
        ? undefined
        : {
            ...text,
            id: randomUUID(),
            kind,
            state: 'open',
            openedAt: at,
            notifiedAt: at,
            resolvedAt: null,
            resolution: null,
            cards: [],
          },
    );
    if (!raised) return undefined;
    await this.audit(raised, 'alert.raised', `${raised.title}: ${raised.detail}`);
    this.options.logger.warn({ incident: raised.id, kind, detail: raised.detail }, raised.title);
    await this.announce('raised', raised);
    return raised;
  }

  /**
   * Ends the open incident of `kind`, saying what Anchor saw.
   * @returns the resolved incident, or undefined when none was open.
   */
  async resolve(kind: IncidentKind, resolution: string): Promise<Incident | undefined> {
    const resolved = await updateItem<Incident>(this.options.store, INCIDENT_KEY(kind), (current) =>
      current?.state === 'open'
        ? { ...current, state: 'resolved', resolvedAt: this.now().toISOString(), resolution }
        : undefined,
    );
    if (!resolved) return undefined;
    await this.audit(resolved, 'alert.resolved', resolution);
    this.options.logger.info({ incident: resolved.id, kind, resolution }, `resolved: ${resolved.title}`);
    await this.announce('resolved', resolved);
    return resolved;
  }

  /**
   * Reminds the admins of the open incident of `kind` when they were last told `everyMs` ago or
   * more (exactly one instance reminds).
   * @returns the incident when a reminder is due now, else undefined.
   */
  async remindIfDue(kind: IncidentKind, everyMs: number): Promise<Incident | undefined> {
    const now = this.now();
    const due = await updateItem<Incident>(this.options.store, INCIDENT_KEY(kind), (current) =>
      current?.state === 'open' && now.getTime() - Date.parse(current.notifiedAt) >= everyMs
        ? { ...current, notifiedAt: now.toISOString() }
        : undefined,
    );
    if (due) await this.announce('reminder', due);
    return due;
  }

  /**
   * Changes the open incident `id` of `kind` with `change` (given the current incident, returns
   * the new one, or undefined to leave it) and tells the listeners `updated`.
   * @returns the changed incident, or undefined when nothing changed (not open, another id, or
   *   `change` declined).
   */
  async update(
    kind: IncidentKind,
    id: string,
    change: (current: Incident) => Incident | undefined,
  ): Promise<Incident | undefined> {
    const updated = await updateItem<Incident>(this.options.store, INCIDENT_KEY(kind), (current) =>
      current?.id === id && current.state === 'open' ? change(current) : undefined,
    );
    if (updated) await this.announce('updated', updated);
    return updated;
  }

  /** Remembers where cards about the incident were posted, for in-place updates. */
  async addCards(kind: IncidentKind, id: string, cards: IncidentCard[]): Promise<void> {
    await updateItem<Incident>(this.options.store, INCIDENT_KEY(kind), (current) =>
      current?.id === id ? { ...current, cards: [...current.cards, ...cards] } : undefined,
    );
  }

  private async audit(incident: Incident, action: 'alert.raised' | 'alert.resolved', detail: string) {
    await this.options.audit.append({
      action,
      actor: ANCHOR,
      requestId: incident.id,
      correlationId: incident.id,
      detail,
    });
  }

  private async announce(change: IncidentChange, incident: Incident): Promise<void> {
    await Promise.all(
      this.listeners.map(async (listener) => {
        try {
          await listener(change, incident);
        } catch (err) {
          this.options.logger.warn({ err, incident: incident.id, change }, 'a listener of incidents failed');
        }
      }),
    );
  }
}
