/** Errors the stand-in reports, in the words PowerShell 7 uses. */

/** An error a cmdlet writes; shown by the host as `<cmdlet>: <message>` (ConciseView). */
export class CmdletError extends Error {
  override name = 'CmdletError';
  constructor(
    readonly cmdlet: string,
    message: string,
  ) {
    super(message);
  }

  /** The text the host writes to stderr. */
  render(): string {
    return `${this.cmdlet}: ${this.message}`;
  }
}

/** PowerShell 7.4's CommandNotFoundException text (the resource string holds the line break). */
export function commandNotFound(name: string): CmdletError {
  return new CmdletError(
    name,
    `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\n` +
      'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.',
  );
}

/** ADSync's error when a sync cycle is already running (Start-ADSyncSyncCycle). */
export function aadIsBusy(connectorName: string): CmdletError {
  return new CmdletError(
    'Start-ADSyncSyncCycle',
    `System.InvalidOperationException: Connector: ${connectorName} is busy.\n` +
      '   at Microsoft.IdentityManagement.PowerShell.ObjectModel.SchedulerUtils.StartSyncCycle(String policyType, Boolean interactiveMode)\n' +
      '   at Microsoft.IdentityManagement.PowerShell.Cmdlet.StartADSyncSyncCycleCmdlet.ProcessRecord()',
  );
}

/** Get-Service / Restart-Service for a service that does not exist. */
export function serviceNotFound(cmdlet: string, name: string): CmdletError {
  return new CmdletError(cmdlet, `Cannot find any service with service name '${name}'.`);
}
