import { updateItem } from '../state/conditional-update';
import type { StateStore } from '../state/state-store';

/** What happened, in the words the audit uses. */
export type AuditAction =
  | 'link.requested'
  | 'link.approved'
  | 'link.rejected'
  | 'link.cancelled'
  | 'link.expired'
  | 'link.refused'
  | 'link.step'
  | 'link.linked'
  | 'link.failed'
  /** A synced-twin fix: filed (its approval and rejection are link.approved / link.rejected), each step, the permanent delete, the outcome. */
  | 'twin.requested'
  | 'twin.step'
  | 'twin.deleted'
  | 'twin.fixed'
  | 'twin.failed'
  | 'alert.raised'
  | 'alert.resolved'
  /** An admin pressed Restart ADSync on an alert; then what the relay did. */
  | 'alert.restart'
  | 'alert.restarted'
  /** A full password sync asked for on an alert, its second admin's decision, and its run. */
  | 'alert.full-sync-requested'
  | 'alert.full-sync-approved'
  | 'alert.full-sync-rejected'
  | 'alert.full-sync-ran'
  /** Anchor installed itself in Teams for an admin it could not reach otherwise. */
  | 'teams.installed';

/** One audit entry: who did what, when, to which request, and the ImmutableId before and after. */
export interface AuditEntry {
  at: string;
  action: AuditAction;
  /** Who acted: an admin's Entra object id and name, or Anchor itself for the steps of a run. */
  actor: { aadObjectId: string | null; name: string };
  /** The link request, or the incident of an `alert.*` entry. */
  requestId: string;
  correlationId: string;
  /** One line: the step and its outcome, the reason given, the refusal… */
  detail: string;
  /** The cloud user the request is about. */
  cloudUserId?: string;
  immutableIdBefore?: string | null;
  immutableIdAfter?: string | null;
}

/** Entries are grouped by UTC day, so one item never grows without bound and old days can be dropped. */
const DAY_KEY = (day: string) => `audit/${day}`;
/** The days that have entries (the store cannot list keys), for retention. */
const DAYS_KEY = 'audit/days';

/** How long audit entries are kept unless AUDIT_RETENTION_DAYS says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/** How many days back `recent` looks by default. */
const DEFAULT_LOOKBACK_DAYS = 31;

/** The append-only audit log of link requests, on the {@link StateStore}. */
export class AuditLog {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends an entry (its time is now unless given). Entries are never changed or removed one by one. */
  async append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<AuditEntry> {
    const stored: AuditEntry = { ...entry, at: entry.at ?? this.now().toISOString() };
    const day = stored.at.slice(0, 10);
    let firstOfDay = false;
    await updateItem<{ entries: AuditEntry[] }>(this.store, DAY_KEY(day), (current) => {
      firstOfDay = !current;
      return { entries: [...(current?.entries ?? []), stored] };
    });
    if (firstOfDay) {
      await updateItem<{ days: string[] }>(this.store, DAYS_KEY, (index) =>
        index?.days.includes(day) ? undefined : { days: [...(index?.days ?? []), day].sort() },
      );
    }
    return stored;
  }

  /**
   * Drops whole days older than `retentionDays` (the only way entries ever leave the log).
   * @returns the days dropped.
   */
  async prune(retentionDays: number): Promise<string[]> {
    const oldest = new Date(this.now().getTime() - retentionDays * 86_400_000).toISOString().slice(0, 10);
    const days = (await this.store.read<{ days: string[] }>(DAYS_KEY))?.value.days ?? [];
    const expired = days.filter((d) => d < oldest);
    for (const day of expired) await this.store.delete(DAY_KEY(day));
    if (expired.length > 0) {
      await updateItem<{ days: string[] }>(this.store, DAYS_KEY, (index) => ({
        days: (index?.days ?? []).filter((d) => !expired.includes(d)),
      }));
    }
    return expired;
  }

  /** Entries of the last `days` days, newest first, optionally only those of one request. */
  async recent(options: { days?: number; requestId?: string } = {}): Promise<AuditEntry[]> {
    const days = options.days ?? DEFAULT_LOOKBACK_DAYS;
    const today = this.now().getTime();
    const keys = Array.from({ length: days }, (_, i) =>
      DAY_KEY(new Date(today - i * 86_400_000).toISOString().slice(0, 10)),
    );
    const items = await Promise.all(keys.map((k) => this.store.read<{ entries: AuditEntry[] }>(k)));
    const entries = items.flatMap((item) => [...(item?.value.entries ?? [])].reverse());
    return options.requestId ? entries.filter((e) => e.requestId === options.requestId) : entries;
  }
}
