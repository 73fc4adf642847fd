import type { IncidentKind } from './incident';

/**
 * The sync health as the monitor last read it, kept in the state store so `status` on any
 * instance shows it. A fact that could not be read is null and named in `problems`.
 */
export interface SyncHealthSnapshot {
  /** When the monitor last read everything; null before its first round. */
  checkedAt: string | null;
  /** Password hash sync on (Get-ADSyncAADCompanyFeature), from the relay. */
  passwordHashSync: boolean | null;
  /** The last password hash sync heartbeat, from both sources. */
  lastHeartbeat: {
    /** Newest event 654 in the sync server's Application log. */
    eventLog: string | null;
    /** `onPremisesLastPasswordSyncDateTime` of Graph beta's organization. */
    entra: string | null;
  };
  /** `onPremisesLastSyncDateTime` of the organization. */
  lastDirectorySync: string | null;
  /** The sync server, as the relay read it. */
  server: {
    syncCycleEnabled: boolean | null;
    nextSyncCycleStartTimeInUTC: string | null;
    stagingModeEnabled: boolean | null;
    cycleInProgress: boolean | null;
    serviceState: string | null;
  };
  relay: {
    id: string | null;
    lastSeen: string | null;
    version: string | null;
  };
  /** Recent password hash sync errors (events 611, 652, 655), newest first. */
  recentErrors: { id: number; at: string; message: string }[];
  /** The incidents open when it was read. */
  openIncidents: { kind: IncidentKind; title: string; openedAt: string }[];
  /** Facts that could not be read, each in one line: "Entra ID's last password sync: 403 …". */
  problems: string[];
}

/** Where `status` reads the last snapshot (the monitor writes it; any instance reads it). */
export interface SyncHealthReader {
  /** The last snapshot, or undefined before the monitor's first round. */
  snapshot(): Promise<SyncHealthSnapshot | undefined>;
}
