import { aadIsBusy, accessDenied, CmdletError, serviceCannotStart, serviceNotFound } from './errors';
import type { BoundParameters, ParameterSpec } from './binder';
import { runGraphSync } from './graph-sync';
import { PsHashtable } from './parser';
import type { PsLiteral } from './parser';
import { PsDateTime, PsEnum, timeSpan } from './ps-values';
import type { PsObject, PsValue } from './ps-values';
import { AdSyncSimState, SYNC_INTERVAL_MS } from './state';
import type { AdSyncHistoryEntry, AdSyncSimData, SimServiceState, SyncEventId } from './state';

/** What a stand-in cmdlet can reach. */
export interface HostContext {
  state: AdSyncSimState;
  env: NodeJS.ProcessEnv;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** What a server cmdlet gives back: pipeline output and extra history fields. */
export interface ServerResult {
  output: PsValue[];
  history?: Partial<AdSyncHistoryEntry>;
  /** Warning records (the host prints them unless $WarningPreference silences them). */
  warnings?: string[];
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
/** Where Entra Connect installs the module; `$env:ProgramFiles` is `C:\Program Files` on a server. */
export const ADSYNC_MODULE_PATH = 'C:\\Program Files\\Microsoft Azure AD Sync\\Bin\\ADSync\\ADSync.psd1';
/** How often Restart-Service says it is still waiting (ServiceController polls every 2 s). */
const RESTART_WARNING_MS = 2000;

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
    // Taken to be of kind Unspecified (not confirmed): 5.1's ConvertTo-Json then shifts it.
    NextSyncCycleStartTimeInUTC: new PsDateTime(nextStart(data, now), 'Unspecified', data.utcOffsetMinutes),
    PurgeRunHistoryInterval: timeSpan(7 * 86_400_000),
    SyncCycleEnabled: data.syncCycleEnabled,
    MaintenanceEnabled: data.maintenanceEnabled,
    StagingModeEnabled: data.stagingModeEnabled,
    SchedulerSuspended: false,
    SyncCycleInProgress: AdSyncSimState.cycleVisible(data, now),
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
  async run(ctx, params) {
    const onPath = ctx.state.read().moduleOnPath;
    for (const name of (params.Name as string[] | undefined) ?? []) {
      const byPath = name.toLowerCase() === ADSYNC_MODULE_PATH.toLowerCase();
      const byName = name.toLowerCase() === ADSYNC.toLowerCase() && onPath;
      if (!byPath && !byName) {
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
    if (ctx.state.read().schedulerAccessDenied) throw accessDenied('Set-ADSyncScheduler');
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
    if (busy) throw aadIsBusy(data.aadConnectorName, data.busyText);
    // A staging server imports and synchronizes but never exports, so Entra ID sees nothing.
    const graphSync = data.stagingModeEnabled ? undefined : await runGraphSync(ctx.env);
    // Result is an enum (SchedulerOperationResult); 0 = Success is a best guess, not documented.
    return { output: [{ Result: new PsEnum('Success', 0) }], history: graphSync ? { graphSync } : {} };
  },
};

const connectorRunStatus: ServerCmdlet = {
  name: 'Get-ADSyncConnectorRunStatus',
  parameters: [],
  async run(ctx) {
    const data = ctx.state.read();
    if (!AdSyncSimState.cycleVisible(data, ctx.now())) return { output: [] };
    // RunState is an enum whose numbers are not documented: 5.1 prints a number, 1 is a guess.
    return { output: [{ RunState: new PsEnum('Busy', 1), ConnectorName: data.aadConnectorName }] };
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
    const { restartMs } = ctx.state.read();
    const warnings: string[] = [];
    // Restart-Service writes this every couple of seconds while the service stops and starts.
    for (let waited = RESTART_WARNING_MS; waited <= restartMs; waited += RESTART_WARNING_MS) {
      warnings.push(
        `Waiting for service 'Microsoft Azure AD Sync (ADSync)' to ${waited * 2 <= restartMs ? 'stop' : 'start'}...`,
      );
    }
    if (restartMs > 0) await ctx.sleep(restartMs);
    const now = ctx.now();
    let duringRun = false;
    let startFails = false;
    const data = ctx.state.update((d) => {
      duringRun = AdSyncSimState.cycleInProgress(d, now);
      // Heartbeats due while the service was down are skipped before it runs again.
      AdSyncSimState.advanceHeartbeats(d, now);
      // Stopping the sync engine aborts a running cycle; the relay is the one that refuses.
      d.cycleRunningUntil = null;
      startFails = d.serviceStartFails;
      d.serviceState = startFails ? 'Stopped' : 'Running';
      if (!startFails) AdSyncSimState.restoreHeartbeat(d, now);
    });
    if (startFails) throw serviceCannotStart('Restart-Service');
    return {
      output: params.PassThru ? [serviceObject(data.serviceState)] : [],
      history: { duringRun },
      warnings,
    };
  },
};

const ENTRA_SUBTYPE = 'Windows Azure Active Directory (Microsoft)';
const PROVIDER = 'Directory Synchronization';

/** The 654 text; the exact wording on a real server is not confirmed (infra/relay/README.md). */
export const HEARTBEAT_MESSAGE = 'Password Hash Sync heartbeat: ping end.';

const companyFeature: ServerCmdlet = {
  name: 'Get-ADSyncAADCompanyFeature',
  parameters: [],
  async run(ctx) {
    // The properties the real object lists; only PasswordHashSync is read by the relay.
    return {
      output: [
        {
          PasswordHashSync: ctx.state.read().passwordHashSync,
          ForcePasswordChangeOnLogOn: false,
          UserWriteback: false,
          DeviceWriteback: false,
          UnifiedGroupWriteback: false,
          GroupWritebackV2: false,
        },
      ],
    };
  },
};

function connectorObjects(data: AdSyncSimData): PsObject[] {
  const connector = (name: string, type: string, subtype: string, index: number): PsObject => ({
    Identifier: `b891884f-051e-4a83-95af-2544101c906${index}`,
    Name: name,
    Description: '',
    ConnectorTypeName: type,
    Subtype: subtype,
    Version: 1,
  });
  return [
    ...data.adConnectors.map((name, i) => connector(name, 'AD', '', i)),
    connector(data.aadConnectorName, 'Extensible2', ENTRA_SUBTYPE, data.adConnectors.length),
  ];
}

const getConnector: ServerCmdlet = {
  name: 'Get-ADSyncConnector',
  parameters: [{ name: 'Name', type: 'string', position: 0 }],
  async run(ctx, params) {
    const all = connectorObjects(ctx.state.read());
    if (typeof params.Name !== 'string') return { output: all };
    const found = all.filter((c) => c.Name === params.Name);
    if (!found.length) throw new CmdletError('Get-ADSyncConnector', `Connector not found: ${params.Name}`);
    return { output: found };
  },
};

/** The AD connector named exactly (the names are case-sensitive), or the error the cmdlet gives. */
function sourceConnector(cmdlet: string, data: AdSyncSimData, name: unknown): string {
  if (typeof name !== 'string' || !data.adConnectors.includes(name)) {
    throw new CmdletError(
      cmdlet,
      `Connector not found: ${String(name)}`,
      'ArgumentException',
      'InvalidArgument',
    );
  }
  return name;
}

const setPasswordSync: ServerCmdlet = {
  name: 'Set-ADSyncAADPasswordSyncConfiguration',
  parameters: [
    { name: 'SourceConnector', type: 'string', position: 0 },
    { name: 'TargetConnector', type: 'string', position: 1 },
    { name: 'Enable', type: 'bool', position: 2, typeName: 'System.Boolean' },
  ],
  async run(ctx, params) {
    const cmdlet = 'Set-ADSyncAADPasswordSyncConfiguration';
    const current = ctx.state.read();
    sourceConnector(cmdlet, current, params.SourceConnector);
    if (params.TargetConnector !== current.aadConnectorName) {
      throw new CmdletError(cmdlet, `Connector not found: ${String(params.TargetConnector)}`);
    }
    if (typeof params.Enable !== 'boolean') {
      throw new CmdletError(cmdlet, "Missing an argument for parameter 'Enable'.");
    }
    const enable = params.Enable;
    if (enable && current.passwordSyncEnableFails) throw accessDenied(cmdlet);
    const now = ctx.now();
    ctx.state.update((d) => {
      // Turning it back on after off is Microsoft's full password sync: PHS starts over.
      if (enable && !d.passwordSyncEnabled) AdSyncSimState.restoreHeartbeat(d, now);
      d.passwordSyncEnabled = enable;
    });
    return { output: [] };
  },
};

const getPasswordSync: ServerCmdlet = {
  name: 'Get-ADSyncAADPasswordSyncConfiguration',
  parameters: [{ name: 'SourceConnector', type: 'string', position: 0 }],
  async run(ctx, params) {
    const data = ctx.state.read();
    const source = sourceConnector('Get-ADSyncAADPasswordSyncConfiguration', data, params.SourceConnector);
    return {
      output: [
        {
          SourceConnector: source,
          TargetConnector: data.aadConnectorName,
          Enabled: data.passwordSyncEnabled,
        },
      ],
    };
  },
};

/** A FilterHashtable value as a list of numbers or strings. */
function filterList(value: PsLiteral | undefined): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
}

const getWinEvent: ServerCmdlet = {
  name: 'Get-WinEvent',
  parameters: [
    { name: 'FilterHashtable', type: 'hashtable', position: 0, typeName: 'System.Collections.Hashtable[]' },
    { name: 'MaxEvents', type: 'int', typeName: 'System.Int64' },
    { name: 'ErrorAction', type: 'string' },
  ],
  async run(ctx, params) {
    const cmdlet = 'Get-WinEvent';
    const filter = params.FilterHashtable;
    if (!(filter instanceof PsHashtable)) {
      throw new CmdletError(
        cmdlet,
        'The stand-in ADSync host supports Get-WinEvent only with -FilterHashtable.',
      );
    }
    const keys = new Map(Object.entries(filter.entries).map(([k, v]) => [k.toLowerCase(), v]));
    for (const key of keys.keys()) {
      if (!['logname', 'providername', 'id'].includes(key)) {
        throw new CmdletError(
          cmdlet,
          `The stand-in ADSync host does not support the FilterHashtable key '${key}'.`,
        );
      }
    }
    const logs = filterList(keys.get('logname')) ?? [];
    const unknownLog = logs.find((l) => String(l).toLowerCase() !== 'application');
    if (unknownLog !== undefined || !logs.length) {
      throw new CmdletError(
        cmdlet,
        `There is not an event log on the localhost computer that matches "${String(unknownLog ?? '')}".`,
        'Exception',
        'ObjectNotFound',
      );
    }
    const providers = filterList(keys.get('providername'));
    const ids = filterList(keys.get('id'))?.map(Number);
    const data = ctx.state.read();
    const events = [
      ...data.heartbeatTimes.map((at) => ({ id: 654 as SyncEventId, at, message: HEARTBEAT_MESSAGE })),
      ...data.syncEvents,
    ]
      .filter(() => !providers || providers.some((p) => String(p).toLowerCase() === PROVIDER.toLowerCase()))
      .filter((e) => !ids || ids.includes(e.id))
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, typeof params.MaxEvents === 'number' ? params.MaxEvents : undefined);
    if (!events.length) {
      const quiet = ['silentlycontinue', 'ignore'].includes(String(params.ErrorAction ?? '').toLowerCase());
      if (quiet) return { output: [] };
      throw new CmdletError(
        cmdlet,
        'No events were found that match the specified selection criteria.',
        'NoMatchingEventsFound',
        'ObjectNotFound',
      );
    }
    return {
      output: events.map((e) => ({
        Message: e.message,
        Id: e.id,
        Level: e.id === 654 ? 4 : 2,
        ProviderName: PROVIDER,
        LogName: 'Application',
        MachineName: 'AADC01.contoso.com',
        // TimeCreated is of kind Local on a real server, serialized by 5.1 as true UTC ms: as a Utc one here.
        TimeCreated: new PsDateTime(new Date(e.at), 'Utc'),
        LevelDisplayName: e.id === 654 ? 'Information' : 'Error',
      })),
    };
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
    companyFeature,
    getConnector,
    setPasswordSync,
    getPasswordSync,
    getWinEvent,
  ].map((c) => [c.name.toLowerCase(), c]),
);
