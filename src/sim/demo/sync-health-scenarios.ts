import { AdSyncSimState } from '../adsync-host/state';
import type { DemoControls } from './demo-controls';

/** What each scenario of `npm run demo:sync-health -- <scenario>` does to the running demo. */
export const SYNC_HEALTH_SCENARIOS = {
  'phs-silent':
    'Password hash sync went silent 2 h 10 min ago (no heartbeat in the event log, none in Entra ID). Restart ADSync on the alert brings it back.',
  'phs-stuck':
    'Like phs-silent, but a restart does not bring the heartbeat back: after HEARTBEAT_WATCH_MINUTES the alert offers a full password sync, which a second admin approves.',
  'service-stopped': 'The ADSync service stopped. Restart ADSync on the alert starts it again.',
  healthy:
    'Everything healthy again: the service runs, heartbeats come every 30 minutes, Entra ID saw them now.',
} as const;

/** A scenario's name. */
export type SyncHealthScenario = keyof typeof SYNC_HEALTH_SCENARIOS;

/** How long ago the silent scenarios stopped the heartbeat: past the default PHS_SILENCE_MINUTES (120). */
const SILENT_FOR_MS = 130 * 60_000;

/** True for a known scenario name. */
export function isSyncHealthScenario(name: string): name is SyncHealthScenario {
  return Object.hasOwn(SYNC_HEALTH_SCENARIOS, name);
}

/**
 * Puts the demo's simulated sync server and tenant into `scenario`: the stand-in ADSync host's
 * state file and the Graph simulator's last password sync. The bot only learns of it the way it
 * would in a tenant: from its monitor's next round.
 */
export async function applySyncHealthScenario(
  scenario: SyncHealthScenario,
  controls: DemoControls,
  now: Date = new Date(),
): Promise<void> {
  const adsync = new AdSyncSimState(controls.adsyncStatePath);
  switch (scenario) {
    case 'phs-silent':
    case 'phs-stuck':
      adsync.set({ serviceState: 'Running', restartRestoresHeartbeat: scenario === 'phs-silent' });
      adsync.silenceHeartbeat(SILENT_FOR_MS, now);
      await setLastPasswordSync(controls.graphUrl, new Date(now.getTime() - SILENT_FOR_MS));
      return;
    case 'service-stopped':
      adsync.set({ serviceState: 'Stopped', serviceStartFails: false, restartRestoresHeartbeat: true });
      return;
    case 'healthy':
      adsync.update((data) => {
        data.serviceState = 'Running';
        data.serviceStartFails = false;
        data.restartRestoresHeartbeat = true;
        AdSyncSimState.restoreHeartbeat(data, now);
        // The first heartbeat comes now, not after heartbeatAfterRestartMs.
        data.nextHeartbeatAt = now.toISOString();
      });
      await setLastPasswordSync(controls.graphUrl, now);
      return;
  }
}

/** Sets Entra ID's last password sync in the Graph simulator (unfrozen: heartbeats move it again). */
async function setLastPasswordSync(graphUrl: string, at: Date): Promise<void> {
  const res = await fetch(`${graphUrl}/_sim/organization`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      onPremisesLastPasswordSyncDateTime: at.toISOString(),
      freeze: { passwordSync: false },
    }),
  });
  if (!res.ok) throw new Error(`the Graph simulator answered ${res.status} to PATCH /_sim/organization`);
}
