import { updateItem } from './conditional-update';
import type { StateStore } from './state-store';

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
  | 'link.failed';

/** One audit entry: who did what, when, to which request, and the ImmutableId before and after. */
export interface AuditEntry {
  at: string;
  action: AuditAction;
  /** Who acted: an admin's Entra object id and name, or Anchor itself for the steps of a run. */
  actor: { aadObjectId: string | null; name: string };
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
    await updateItem<{ entries: AuditEntry[] }>(this.store, DAY_KEY(stored.at.slice(0, 10)), (current) => ({
      entries: [...(current?.entries ?? []), stored],
    }));
    return stored;
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
