/**
 * Every PowerShell text the relay can ever run. They are constants: no value from a job, the bot
 * or the network is ever put into PowerShell source. The bot and the stand-in ADSync host rely
 * on these exact texts (see the relay contract).
 */
export const SCRIPTS = {
  importModule: 'Import-Module ADSync',
  scheduler: 'Get-ADSyncScheduler | ConvertTo-Json -Compress',
  runStatus: 'Get-ADSyncConnectorRunStatus | ConvertTo-Json -Compress',
  service: 'Get-Service -Name ADSync | Select-Object Name,Status | ConvertTo-Json -Compress',
  pause: 'Set-ADSyncScheduler -SyncCycleEnabled $false',
  resume: 'Set-ADSyncScheduler -SyncCycleEnabled $true',
  delta: 'Start-ADSyncSyncCycle -PolicyType Delta | ConvertTo-Json -Compress',
  restartService: 'Restart-Service -Name ADSync',
} as const;

/** `ServiceControllerStatus` values, as `ConvertTo-Json` prints them without -EnumsAsStrings. */
export const SERVICE_STATUS: Record<number, string> = {
  1: 'Stopped',
  2: 'StartPending',
  3: 'StopPending',
  4: 'Running',
  5: 'ContinuePending',
  6: 'PausePending',
  7: 'Paused',
};
