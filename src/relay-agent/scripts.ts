/**
 * Every PowerShell text the relay can ever run. They are constants: no value from a job, the bot
 * or the network is ever put into PowerShell source. The bot and the stand-in ADSync host rely
 * on these exact texts (see the relay contract).
 *
 * They are written for Windows PowerShell 5.1 (the only PowerShell Microsoft documents for the
 * ADSync module, a .NET Framework module), and each one starts with {@link QUIET}: a warning lands
 * in the output among the JSON, and a progress record on stderr fails the whole invocation.
 */

/** Silences the warning and progress streams for the rest of the script (and the session). */
export const QUIET = "$WarningPreference='SilentlyContinue'; $ProgressPreference='SilentlyContinue'; ";

/** Where Entra Connect installs the module: importing by name depends on PSModulePath. */
const MODULE = '"$env:ProgramFiles\\Microsoft Azure AD Sync\\Bin\\ADSync\\ADSync.psd1"';

/**
 * How the relay and its scripts tell the connectors apart: the AD connector by ConnectorTypeName
 * `AD`; the Entra one (ConnectorTypeName `Extensible2`) by its Subtype.
 */
export const CONNECTOR_FILTERS = {
  adType: 'AD',
  entraSubtype: 'Windows Azure Active Directory (Microsoft)',
} as const;

const CONNECTOR_VARIABLES =
  `$ad = Get-ADSyncConnector | Where-Object ConnectorTypeName -eq '${CONNECTOR_FILTERS.adType}'; ` +
  `$aad = Get-ADSyncConnector | Where-Object Subtype -eq '${CONNECTOR_FILTERS.entraSubtype}'; `;

export const SCRIPTS = {
  importModule: `${QUIET}Import-Module ${MODULE}`,
  scheduler: `${QUIET}Get-ADSyncScheduler | ConvertTo-Json -Compress`,
  /**
   * 5.1's ConvertTo-Json writes a DateTime as `\/Date(ms)\/` and takes one of kind Unspecified for
   * local time, shifting it by the server's UTC offset; the time is UTC by its name, so the kind
   * is set here and the text formatted before it leaves PowerShell.
   */
  nextCycleTime: `${QUIET}[DateTime]::SpecifyKind((Get-ADSyncScheduler).NextSyncCycleStartTimeInUTC,'Utc').ToString('o')`,
  runStatus: `${QUIET}Get-ADSyncConnectorRunStatus | ConvertTo-Json -Compress`,
  service: `${QUIET}Get-Service -Name ADSync | Select-Object Name,Status | ConvertTo-Json -Compress`,
  pause: `${QUIET}Set-ADSyncScheduler -SyncCycleEnabled $false`,
  resume: `${QUIET}Set-ADSyncScheduler -SyncCycleEnabled $true`,
  delta: `${QUIET}Start-ADSyncSyncCycle -PolicyType Delta | ConvertTo-Json -Compress`,
  restartService: `${QUIET}Restart-Service -Name ADSync`,
  /** Whether password hash sync is on for the tenant, as the sync engine has it. */
  companyFeature: `${QUIET}Get-ADSyncAADCompanyFeature | ConvertTo-Json -Compress`,
  /**
   * The newest PHS heartbeat (event 654). `-ErrorAction Stop`, not SilentlyContinue: an empty log
   * then throws "No events were found…", which the relay takes as "none", while access denied or a
   * missing log stay errors. TimeCreated is a DateTime of kind Local (EventRecord builds it with
   * DateTime.FromFileTime), which 5.1's JavaScriptSerializer converts to UTC correctly in
   * `\/Date(ms)\/`; the relay still accepts ISO text with a zone.
   */
  lastHeartbeat: `${QUIET}Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Directory Synchronization'; Id=654} -MaxEvents 1 -ErrorAction Stop | Select-Object Id,TimeCreated,Message | ConvertTo-Json -Compress`,
  /**
   * The newest ten PHS errors (611, 652, 655). Without StartTime (an expression, whose value would
   * depend on the server's clock and culture): the relay keeps those of the last 24 hours itself,
   * which among the newest ten are the newest of those 24 hours.
   */
  recentErrors: `${QUIET}Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Directory Synchronization'; Id=611,652,655} -MaxEvents 10 -ErrorAction Stop | Select-Object Id,TimeCreated,Message | ConvertTo-Json -Compress`,
  /** The connectors, so a full password sync runs only with exactly one AD and one Entra connector. */
  connectors: `${QUIET}Get-ADSyncConnector | Select-Object Name,ConnectorTypeName,Subtype | ConvertTo-Json -Compress`,
  /**
   * Microsoft's "trigger a full sync of all passwords", its toggle: the connector names are read on
   * the server by the same filters {@link CONNECTOR_FILTERS} the relay checked, never passed in.
   * Several matches make `$ad.Name` an array, which -SourceConnector (a string) refuses.
   */
  passwordSyncOff: `${QUIET}${CONNECTOR_VARIABLES}Set-ADSyncAADPasswordSyncConfiguration -SourceConnector $ad.Name -TargetConnector $aad.Name -Enable $false`,
  passwordSyncOn: `${QUIET}${CONNECTOR_VARIABLES}Set-ADSyncAADPasswordSyncConfiguration -SourceConnector $ad.Name -TargetConnector $aad.Name -Enable $true`,
  passwordSyncConfig: `${QUIET}${CONNECTOR_VARIABLES}Get-ADSyncAADPasswordSyncConfiguration -SourceConnector $ad.Name | ConvertTo-Json -Compress`,
} as const;

/** `ServiceControllerStatus` values, as 5.1's `ConvertTo-Json` prints them (always numbers). */
export const SERVICE_STATUS: Record<number, string> = {
  1: 'Stopped',
  2: 'StartPending',
  3: 'StopPending',
  4: 'Running',
  5: 'ContinuePending',
  6: 'PausePending',
  7: 'Paused',
};
