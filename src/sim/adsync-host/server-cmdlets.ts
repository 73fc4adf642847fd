import { aadIsBusy, CmdletError, serviceNotFound } from './errors';
import type { BoundParameters, ParameterSpec } from './binder';
import { runGraphSync } from './graph-sync';
import { PsDateTime, PsEnum, timeSpan } from './ps-values';
import type { PsObject, PsValue } from './ps-values';
import { AdSyncSimState, SYNC_INTERVAL_MS } from './state';
import type { AdSyncHistoryEntry, AdSyncSimData, SimServiceState } from './state';

/** What a stand-in cmdlet can reach. */
export interface HostContext {
  state: AdSyncSimState;
  env: NodeJS.ProcessEnv;
  now(): Date;
}

/** What a server cmdlet gives back: pipeline output and extra history fields. */
export interface ServerResult {
  output: PsValue[];
  history?: Partial<AdSyncHistoryEntry>;
}

/** A cmdlet that acts on the simulated sync server (slow/hang/fail modes and history apply). */
export interface ServerCmdlet {
  name: string;
  parameters: ParameterSpec[];
  run(ctx: HostContext, params: BoundParameters): Promise<ServerResult>;
}

const POLICY_TYPES = ['Unspecified', 'Delta', 'Initial'];
const POLICY_TYPE_NAME = 'Microsoft.IdentityManagement.PowerShell.ObjectModel.SynchronizationPolicyType';
const SERVICE_STATUS: Record<SimServiceState, number> = {
  Stopped: 1,
  StartPending: 2,
  StopPending: 3,
  Running: 4,
};
const ADSYNC = 'ADSync';

/** The scheduler's next start, rolled forward by whole intervals when the stored one has passed. */
function nextStart(data: AdSyncSimData, now: Date): Date {
  let next = Date.parse(data.nextSyncCycleStartTimeInUTC);
  if (Number.isNaN(next)) next = now.getTime() + SYNC_INTERVAL_MS;
  while (next < now.getTime()) next += SYNC_INTERVAL_MS;
  return new Date(next);
}

/** Get-ADSyncScheduler's object, properties in the order the real one lists them. */
export function schedulerObject(data: AdSyncSimData, now: Date): PsObject {
  return {
    AllowedSyncCycleInterval: timeSpan(SYNC_INTERVAL_MS),
    CurrentlyEffectiveSyncCycleInterval: timeSpan(SYNC_INTERVAL_MS),
    CustomizedSyncCycleInterval: null,
    NextSyncCyclePolicyType: new PsEnum('Delta', 1),
    NextSyncCycleStartTimeInUTC: new PsDateTime(nextStart(data, now)),
    PurgeRunHistoryInterval: timeSpan(7 * 86_400_000),
    SyncCycleEnabled: data.syncCycleEnabled,
    MaintenanceEnabled: data.maintenanceEnabled,
    StagingModeEnabled: data.stagingModeEnabled,
    SchedulerSuspended: false,
    SyncCycleInProgress: AdSyncSimState.cycleInProgress(data, now),
  };
}

function serviceObject(state: SimServiceState): PsObject {
  return {
    Name: ADSYNC,
    DisplayName: 'Microsoft Azure AD Sync',
    Status: new PsEnum(state, SERVICE_STATUS[state]),
    StartType: new PsEnum('Automatic', 2),
    ServiceName: ADSYNC,
    CanStop: state === 'Running',
  };
}

function serviceNames(cmdlet: string, params: BoundParameters): void {
  for (const name of (params.Name as string[] | undefined) ?? [ADSYNC]) {
    if (name.toLowerCase() !== ADSYNC.toLowerCase()) throw serviceNotFound(cmdlet, name);
  }
}

const importModule: ServerCmdlet = {
  name: 'Import-Module',
  parameters: [
    { name: 'Name', type: 'string[]', position: 0 },
    { name: 'Force', type: 'switch' },
  ],
  async run(_ctx, params) {
    for (const name of (params.Name as string[] | undefined) ?? []) {
      if (name.toLowerCase() !== ADSYNC.toLowerCase()) {
        throw new CmdletError(
          'Import-Module',
          `The specified module '${name}' was not loaded because no valid module file was found in any module directory.`,
        );
      }
    }
    return { output: [] };
  },
};

const getScheduler: ServerCmdlet = {
  name: 'Get-ADSyncScheduler',
  parameters: [],
  async run(ctx) {
    return { output: [schedulerObject(ctx.state.read(), ctx.now())] };
  },
};

const setScheduler: ServerCmdlet = {
  name: 'Set-ADSyncScheduler',
  parameters: [
    { name: 'SyncCycleEnabled', type: 'bool', position: 1, typeName: 'System.Boolean' },
    { name: 'MaintenanceEnabled', type: 'bool', position: 4, typeName: 'System.Boolean' },
    { name: 'Force', type: 'switch' },
  ],
  async run(ctx, params) {
    let ignored = false;
    ctx.state.update((data) => {
      const enabled = params.SyncCycleEnabled;
      if (typeof enabled === 'boolean') {
        // The fault the relay must catch: the cmdlet returns quietly and the scheduler stays as it was.
        ignored = AdSyncSimState.takeIgnored(data, enabled);
        if (!ignored) data.syncCycleEnabled = enabled;
      }
      if (typeof params.MaintenanceEnabled === 'boolean') data.maintenanceEnabled = params.MaintenanceEnabled;
    });
    return { output: [], history: ignored ? { ignored } : {} };
  },
};

const startSyncCycle: ServerCmdlet = {
  name: 'Start-ADSyncSyncCycle',
  parameters: [
    { name: 'PolicyType', type: 'enum', position: 0, values: POLICY_TYPES, typeName: POLICY_TYPE_NAME },
    { name: 'InteractiveMode', type: 'bool', position: 1, typeName: 'System.Boolean' },
  ],
  async run(ctx) {
    const now = ctx.now();
    let busy = false;
    const data = ctx.state.update((d) => {
      busy = d.busyCycles > 0 || AdSyncSimState.cycleInProgress(d, now);
      if (d.busyCycles > 0) d.busyCycles -= 1;
      if (!busy) d.cycleRunningUntil = new Date(now.getTime() + d.cycleDurationMs).toISOString();
    });
    if (busy) throw aadIsBusy(data.aadConnectorName);
    // A staging server imports and synchronizes but never exports, so Entra ID sees nothing.
    const graphSync = data.stagingModeEnabled ? undefined : await runGraphSync(ctx.env);
    return { output: [{ Result: 'Success' }], history: graphSync ? { graphSync } : {} };
  },
};

const connectorRunStatus: ServerCmdlet = {
  name: 'Get-ADSyncConnectorRunStatus',
  parameters: [],
  async run(ctx) {
    const data = ctx.state.read();
    if (!AdSyncSimState.cycleInProgress(data, ctx.now())) return { output: [] };
    return { output: [{ RunState: 'Busy', ConnectorName: data.aadConnectorName }] };
  },
};

const getService: ServerCmdlet = {
  name: 'Get-Service',
  parameters: [{ name: 'Name', type: 'string[]', position: 0, typeName: 'System.String[]' }],
  async run(ctx, params) {
    serviceNames('Get-Service', params);
    return { output: [serviceObject(ctx.state.read().serviceState)] };
  },
};

const restartService: ServerCmdlet = {
  name: 'Restart-Service',
  parameters: [
    { name: 'Name', type: 'string[]', position: 0, typeName: 'System.String[]' },
    { name: 'Force', type: 'switch' },
    { name: 'PassThru', type: 'switch' },
  ],
  async run(ctx, params) {
    serviceNames('Restart-Service', params);
    const now = ctx.now();
    let duringRun = false;
    const data = ctx.state.update((d) => {
      duringRun = AdSyncSimState.cycleInProgress(d, now);
      // Stopping the sync engine aborts a running cycle; the relay is the one that refuses.
      d.cycleRunningUntil = null;
      d.serviceState = 'Running';
    });
    return { output: params.PassThru ? [serviceObject(data.serviceState)] : [], history: { duringRun } };
  },
};

/** The server cmdlets the stand-in implements, by lower-case name. */
export const SERVER_CMDLETS = new Map(
  [
    importModule,
    getScheduler,
    setScheduler,
    startSyncCycle,
    connectorRunStatus,
    getService,
    restartService,
  ].map((c) => [c.name.toLowerCase(), c]),
);
