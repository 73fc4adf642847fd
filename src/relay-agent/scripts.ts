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
