/** Errors the stand-in reports, in the words Windows PowerShell 5.1 uses. */

/** An error a cmdlet writes; shown by the host in 5.1's NormalView (see {@link CmdletError.render}). */
export class CmdletError extends Error {
  override name = 'CmdletError';
  constructor(
    readonly cmdlet: string,
    message: string,
    /** The .NET exception type, for the CategoryInfo and FullyQualifiedErrorId lines. */
    readonly exceptionType = 'RuntimeException',
    readonly category = 'NotSpecified',
  ) {
    super(message);
  }

  /**
   * The text the host writes to stderr for an error in input `line`, as 5.1's NormalView does:
   * `<cmdlet> : <message>`, the position, then CategoryInfo and FullyQualifiedErrorId.
   */
  render(line = ''): string {
    const at = Math.max(0, line.toLowerCase().indexOf(this.cmdlet.toLowerCase()));
    return [
      `${this.cmdlet} : ${this.message}`,
      `At line:1 char:${at + 1}`,
      `+ ${line}`,
      `+ ${' '.repeat(at)}${'~'.repeat(Math.max(1, this.cmdlet.length))}`,
      `    + CategoryInfo          : ${this.category}: (:) [${this.cmdlet}], ${this.exceptionType}`,
      `    + FullyQualifiedErrorId : ${this.exceptionType},${this.cmdlet}`,
    ].join('\n');
  }
}

/** Windows PowerShell 5.1's CommandNotFoundException text. */
export function commandNotFound(name: string): CmdletError {
  return new CmdletError(
    name,
    `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. ` +
      'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.',
    'CommandNotFoundException',
    'ObjectNotFound',
  );
}

/** The two texts Start-ADSyncSyncCycle throws while a sync cycle runs, both seen in the field. */
export type BusyText = 'connector-busy' | 'already-running';

const STACK =
  '   at Microsoft.IdentityManagement.PowerShell.ObjectModel.SchedulerUtils.StartSyncCycle(String policyType, Boolean interactiveMode)\n' +
  '   at Microsoft.IdentityManagement.PowerShell.Cmdlet.StartADSyncSyncCycleCmdlet.ProcessRecord()';

/**
 * ADSync's error when a sync cycle is already running (Start-ADSyncSyncCycle): either
 * "Connector: <name> is busy." (the name ends in " - AAD") or "Sync is already running. Cannot
 * start a new run till this one completes."
 */
export function aadIsBusy(connectorName: string, text: BusyText = 'connector-busy'): CmdletError {
  const reason =
    text === 'connector-busy'
      ? `Connector: ${connectorName} is busy.`
      : 'Sync is already running. Cannot start a new run till this one completes.';
  return new CmdletError(
    'Start-ADSyncSyncCycle',
    `System.InvalidOperationException: ${reason}\n${STACK}`,
    'InvalidOperationException',
    'WriteError',
  );
}

/**
 * What an ADSync cmdlet that changes the sync engine writes for an account outside ADSyncAdmins
 * (and, for the scheduler, ADSyncOperators). The exact text is not documented; this is the
 * shape .NET gives an UnauthorizedAccessException.
 */
export function accessDenied(cmdlet: string): CmdletError {
  return new CmdletError(
    cmdlet,
    'System.UnauthorizedAccessException: Access is denied.',
    'UnauthorizedAccessException',
    'PermissionDenied',
  );
}

/** Get-Service / Restart-Service for a service that does not exist. */
export function serviceNotFound(cmdlet: string, name: string): CmdletError {
  return new CmdletError(
    cmdlet,
    `Cannot find any service with service name '${name}'.`,
    'ServiceCommandException',
    'ObjectNotFound',
  );
}

/** Restart-Service when the service stops but will not start again (5.1's ServiceCommandException text). */
export function serviceCannotStart(cmdlet: string): CmdletError {
  return new CmdletError(
    cmdlet,
    "Service 'Microsoft Azure AD Sync (ADSync)' cannot be started due to the following error: Cannot start service ADSync on computer '.'.",
    'ServiceCommandException',
    'OpenError',
  );
}

/**
 * An ADSync cmdlet while the ADSync service is stopped: the module talks to the service and gets
 * no answer. The exact text on a real server is not confirmed (infra/relay/README.md).
 */
export function adsyncServiceDown(cmdlet: string): CmdletError {
  return new CmdletError(
    cmdlet,
    'System.ServiceModel.EndpointNotFoundException: There was no endpoint listening at net.pipe://localhost/ADSyncService that could accept the message. The ADSync service (Microsoft Azure AD Sync) is not running.',
    'EndpointNotFoundException',
  );
}
