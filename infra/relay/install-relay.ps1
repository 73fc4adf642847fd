#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Installs the Anchor relay as a Windows service on the Entra Connect (ADSync) server, running
  under a group managed service account (gMSA) with least privilege.

.DESCRIPTION
  - checks the prerequisites (Node.js >= 20.19, Windows PowerShell 5.1, the ADSync module at its
    full path, the gMSA);
  - copies the built relay (npm ci; npm run build) to -InstallDir;
  - adds the gMSA to ADSyncOperators and ADSyncBrowse (and ADSyncAdmins with -GrantADSyncAdmins):
    local groups, or domain groups when Entra Connect runs on a domain controller or was installed
    with custom groups (-OperatorsGroup / -BrowseGroup / -AdminsGroup name them);
  - grants the gMSA start/stop/query-status/query-config/enumerate-dependents rights on the ADSync
    service only (what Restart-Service needs, for restart-service);
  - creates the state folder (pause lease) readable and writable only by the gMSA and admins;
  - writes the settings, asking for the relay's private key without echoing it, and (with -LdapUrl,
    for AD reads through the relay) the read account's password the same way;
  - registers the service with WinSW (a service wrapper you download and verify yourself), start
    type Automatic (Delayed Start) and restart on failure, so a pause lease is honoured soon
    after any stop.
  The relay opens no port. It needs outbound HTTPS to -BotUrl only, and, with -LdapUrl, LDAPS (636)
  or LDAP with StartTLS (389) to the domain controller it names.

  With -TestSchedulerRights it installs nothing: it runs, as the gMSA (a one-off scheduled task),
  Get-ADSyncScheduler, a pause and a resume with a read-back after each, and says whether the
  account may pause the scheduler. Run it before going live, and after any change of groups.

.EXAMPLE
  .\install-relay.ps1 -SourceDir C:\src\anchor -WinSWExe C:\Downloads\WinSW-x64.exe `
      -ServiceAccount 'CONTOSO\gmsa-anchorrly$' -BotUrl https://anchor-bot.azurewebsites.net `
      -RelayId sync01 -BotPublicKey 'MCowBQYDK2VwAyEA...'

.EXAMPLE
  # The same, and AD read through the relay (DIRECTORY_SOURCE=relay on the bot): asks for the
  # read account's password without echoing it.
  .\install-relay.ps1 -SourceDir C:\src\anchor -WinSWExe C:\Downloads\WinSW-x64.exe `
      -ServiceAccount 'CONTOSO\gmsa-anchorrly$' -BotUrl https://anchor-bot.azurewebsites.net `
      -RelayId sync01 -BotPublicKey 'MCowBQYDK2VwAyEA...' `
      -LdapUrl ldaps://dc1.corp.contoso.com -LdapBaseDn 'DC=corp,DC=contoso,DC=com' `
      -LdapBindDn 'CN=svc-anchor-read,OU=Service Accounts,DC=corp,DC=contoso,DC=com'

.EXAMPLE
  # Before going live: may the gMSA pause and resume the scheduler? (pauses it for a few seconds)
  .\install-relay.ps1 -TestSchedulerRights -ServiceAccount 'CONTOSO\gmsa-anchorrly$'
#>
[CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Install')]
param(
  # A checkout of Anchor where "npm ci" and "npm run build" have run (dist\src\relay-agent\main.js exists).
  [Parameter(Mandatory, ParameterSetName = 'Install')] [string] $SourceDir,
  # WinSW x64 executable (https://github.com/winsw/winsw/releases); check its hash before use.
  [Parameter(Mandatory, ParameterSetName = 'Install')] [string] $WinSWExe,
  # The gMSA, as DOMAIN\name$ (install it first: Install-ADServiceAccount name$).
  [Parameter(Mandatory)] [ValidatePattern('^[^\\]+\\[^\\]+\$$')] [string] $ServiceAccount,
  # The bot's public URL (https). The only address the relay ever connects to.
  [Parameter(Mandatory, ParameterSetName = 'Install')] [ValidatePattern('^https://')] [string] $BotUrl,
  [Parameter(Mandatory, ParameterSetName = 'Install')] [ValidatePattern('^[A-Za-z0-9._-]{1,64}$')] [string] $RelayId,
  # RELAY_BOT_PUBLIC_KEY as printed by "npm run relay:keygen" (public: safe to pass here).
  [Parameter(Mandatory, ParameterSetName = 'Install')] [string] $BotPublicKey,
  [Parameter(ParameterSetName = 'Install')] [string] $BotKeyId = 'anchor-bot',
  [Parameter(ParameterSetName = 'Install')] [string] $InstallDir = "$env:ProgramFiles\Anchor Relay",
  [string] $StateDir = "$env:ProgramData\Anchor Relay",
  [Parameter(ParameterSetName = 'Install')] [string] $ServiceName = 'AnchorRelay',
  # Windows PowerShell 5.1, the only PowerShell Microsoft documents for the ADSync module.
  [string] $PwshPath = "$env:SystemRoot\System32\WindowsPowerShell\v1.0\powershell.exe",
  # Optional PEM file of a CA to trust for the bot's TLS certificate (TLS inspection proxies).
  [Parameter(ParameterSetName = 'Install')] [string] $CaFile,
  # The groups Entra Connect created, by name: a bare name is looked up as a local group first,
  # then in this computer's domain (Entra Connect on a domain controller, or installed with
  # custom groups); DOMAIN\name names a domain group directly.
  [string] $OperatorsGroup = 'ADSyncOperators',
  [string] $BrowseGroup = 'ADSyncBrowse',
  [string] $AdminsGroup = 'ADSyncAdmins',
  # Also add the gMSA to ADSyncAdmins: when -TestSchedulerRights shows ADSyncOperators may not
  # pause the scheduler (Microsoft documents ADSyncOperators for sync cycles, not for the scheduler).
  [Parameter(ParameterSetName = 'Install')] [switch] $GrantADSyncAdmins,
  # AD reads through the relay (DIRECTORY_SOURCE=relay on the bot): the DC the relay reads, as
  # ldaps://host or ldap://host (StartTLS); the read-only account; where user searches start.
  [Parameter(ParameterSetName = 'Install')] [ValidatePattern('^ldaps?://[^/\s@]+/?$')] [string] $LdapUrl,
  [Parameter(ParameterSetName = 'Install')] [string] $LdapBindDn,
  [Parameter(ParameterSetName = 'Install')] [string] $LdapBaseDn,
  # PEM of the CA that issued the DC's certificate, when the machine store does not trust it.
  [Parameter(ParameterSetName = 'Install')] [string] $LdapCaFile,
  # Install nothing: test, as the gMSA, that it may pause and resume the scheduler.
  [Parameter(Mandatory, ParameterSetName = 'TestSchedulerRights')] [switch] $TestSchedulerRights
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Step($text) { Write-Host "==> $text" -ForegroundColor Cyan }

# Where Entra Connect installs the module; the relay imports it by this path, not by name.
$adsyncModule = Join-Path $env:ProgramFiles 'Microsoft Azure AD Sync\Bin\ADSync\ADSync.psd1'

function Assert-WindowsPowerShell51([string] $exe) {
  if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) {
    throw "Windows PowerShell was not found at $exe. The relay runs the ADSync cmdlets in Windows PowerShell 5.1 (not PowerShell 7); pass -PwshPath with the full path of powershell.exe."
  }
  $text = & $exe -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString(); $PSVersionTable.PSEdition'
  if ($LASTEXITCODE -ne 0 -or -not $text) { throw "$exe did not run (exit code $LASTEXITCODE)." }
  $version = [version]($text | Select-Object -First 1)
  $edition = $text | Select-Object -Skip 1 -First 1
  if ($edition -ne 'Desktop' -or $version -lt [version]'5.1') {
    throw "$exe is PowerShell $version ($edition); the relay needs Windows PowerShell 5.1 (Desktop edition), which Microsoft documents for the ADSync module."
  }
}

function Get-AccountSid([string] $account) {
  (New-Object System.Security.Principal.NTAccount($account)).Translate(
    [System.Security.Principal.SecurityIdentifier]).Value
}

# A group as found here: local (this computer's SAM), or in the domain (Entra Connect on a domain
# controller, which has no local groups, or installed with custom domain groups).
function Resolve-SyncGroup([string] $name) {
  if ($name -notmatch '\\') {
    $local = $null
    try { $local = Get-LocalGroup -Name $name -ErrorAction Stop } catch { Write-Verbose "No local group ${name}: $($_.Exception.Message)" }
    if ($local) { return [pscustomobject]@{ Name = $name; Scope = 'local'; Sid = $local.SID.Value } }
    $name = "$env:USERDOMAIN\$name"
  }
  try { $groupSid = Get-AccountSid $name } catch {
    throw "The group $name was not found, neither on this computer nor in the domain. Pass -OperatorsGroup / -BrowseGroup / -AdminsGroup with the groups Entra Connect was installed with (DOMAIN\name for a domain group)."
  }
  [pscustomobject]@{ Name = $name; Scope = 'domain'; Sid = $groupSid }
}

# The SIDs of the group's direct members, read from where the group lives.
function Get-SyncGroupMemberSids($group) {
  if ($group.Scope -eq 'local') {
    return @(Get-LocalGroupMember -Group $group.Name -ErrorAction Stop | ForEach-Object { $_.SID.Value })
  }
  $found = Find-DomainGroup $group
  @($found.Principal.GetMembers($false) | ForEach-Object { $_.Sid.Value })
}

function Find-DomainGroup($group) {
  Add-Type -AssemblyName System.DirectoryServices.AccountManagement
  $context = New-Object System.DirectoryServices.AccountManagement.PrincipalContext(
    [System.DirectoryServices.AccountManagement.ContextType]::Domain, $group.Name.Split('\')[0])
  $principal = [System.DirectoryServices.AccountManagement.GroupPrincipal]::FindByIdentity(
    $context, [System.DirectoryServices.AccountManagement.IdentityType]::Sid, $group.Sid)
  if (-not $principal) { throw "The domain group $($group.Name) could not be read from AD." }
  [pscustomobject]@{ Context = $context; Principal = $principal }
}

# Adds the account to the group (local or domain) unless it is a member already, then reads it back.
function Add-ToSyncGroup($group, [string] $account, [string] $sid) {
  if ((Get-SyncGroupMemberSids $group) -contains $sid) {
    Write-Host "   $account is already in $($group.Name) ($($group.Scope))"
    return
  }
  if (-not $PSCmdlet.ShouldProcess($group.Name, "add $account")) { return }
  try {
    if ($group.Scope -eq 'local') {
      Add-LocalGroupMember -Group $group.Name -Member $account
    } else {
      $found = Find-DomainGroup $group
      $member = [System.DirectoryServices.AccountManagement.Principal]::FindByIdentity(
        $found.Context, [System.DirectoryServices.AccountManagement.IdentityType]::Sid, $sid)
      if (-not $member) { throw "$account was not found in the domain" }
      $found.Principal.Members.Add($member)
      $found.Principal.Save()
    }
  } catch {
    throw "Could not add $account to the $($group.Scope) group $($group.Name): $($_.Exception.Message). Add it by hand (a domain group needs rights in AD), then run this again."
  }
  if ((Get-SyncGroupMemberSids $group) -notcontains $sid) {
    throw "$account does not show as a member of $($group.Name) after adding it."
  }
  Write-Host "   added $account to $($group.Name) ($($group.Scope)); it takes effect at the account's next logon"
}

# Runs pause and resume as the gMSA (a one-off scheduled task) and reads the scheduler back after each.
function Test-SchedulerRightsAsAccount([string] $account, [string] $exe, [string] $workDir) {
  New-Item -ItemType Directory -Force -Path $workDir | Out-Null
  $id = [guid]::NewGuid().ToString('N')
  $script = Join-Path $workDir "scheduler-rights-$id.ps1"
  $result = Join-Path $workDir "scheduler-rights-$id.json"
  # Runs as the gMSA. The scheduler is resumed in finally, whatever happened; every step is read back.
  $body = @'
param([string] $ResultPath, [string] $ModulePath)
$WarningPreference = 'SilentlyContinue'; $ProgressPreference = 'SilentlyContinue'
$ErrorActionPreference = 'Stop'
$report = [ordered]@{ account = [Security.Principal.WindowsIdentity]::GetCurrent().Name; read = $null; pause = $null; pausedReadBack = $null; resume = $null; resumedReadBack = $null; error = $null }
$paused = $false
try {
  Import-Module $ModulePath
  $before = Get-ADSyncScheduler
  $report.read = 'ok'
  if (-not $before.SyncCycleEnabled) { throw 'The scheduler is paused already; test again once it is enabled (Set-ADSyncScheduler -SyncCycleEnabled $true).' }
  if ($before.StagingModeEnabled) { throw 'This server is in staging mode; test on the active server.' }
  try { Set-ADSyncScheduler -SyncCycleEnabled $false; $report.pause = 'ok'; $paused = $true } catch { $report.pause = $_.Exception.Message; throw }
  $report.pausedReadBack = -not (Get-ADSyncScheduler).SyncCycleEnabled
} catch {
  if (-not $report.error) { $report.error = $_.Exception.Message }
} finally {
  if ($paused) {
    try { Set-ADSyncScheduler -SyncCycleEnabled $true; $report.resume = 'ok' } catch { $report.resume = $_.Exception.Message }
    try { $report.resumedReadBack = [bool](Get-ADSyncScheduler).SyncCycleEnabled } catch { $report.resumedReadBack = $null }
  }
  $report | ConvertTo-Json -Compress | Set-Content -LiteralPath $ResultPath -Encoding UTF8
}
'@
  Set-Content -LiteralPath $script -Value $body -Encoding UTF8
  $taskName = "AnchorRelaySchedulerRights-$id"
  try {
    $arguments = "-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" -ResultPath `"$result`" -ModulePath `"$adsyncModule`""
    $action = New-ScheduledTaskAction -Execute $exe -Argument $arguments
    # A gMSA logs on with LogonType Password: Windows fetches its password from AD.
    $principal = New-ScheduledTaskPrincipal -UserId $account -LogonType Password -RunLevel Limited
    Register-ScheduledTask -TaskName $taskName -Action $action -Principal $principal | Out-Null
    Start-ScheduledTask -TaskName $taskName
    $deadline = (Get-Date).AddMinutes(3)
    while (-not (Test-Path -LiteralPath $result) -and (Get-Date) -lt $deadline) {
      Start-Sleep -Seconds 1
      # 0x80070569: the account lacks "Log on as a batch job", which a scheduled task needs.
      if ((Get-ScheduledTaskInfo -TaskName $taskName).LastTaskResult -eq 2147943785) {
        throw "$account may not log on as a batch job, so the test task cannot run as it. Grant it 'Log on as a batch job' (secpol.msc, User Rights Assignment, or a GPO) for the test, or run the commands of infra/relay/README.md as the account yourself."
      }
    }
    if (-not (Test-Path -LiteralPath $result)) {
      $info = Get-ScheduledTaskInfo -TaskName $taskName
      throw "The test task did not report within 3 minutes (last result $($info.LastTaskResult)). Check Get-ADSyncScheduler: if SyncCycleEnabled is False, run Set-ADSyncScheduler -SyncCycleEnabled `$true."
    }
    Start-Sleep -Milliseconds 500 # the file is complete once Set-Content returned; give it a moment
    Get-Content -LiteralPath $result -Raw | ConvertFrom-Json
  } finally {
    Unregister-ScheduledTask -TaskName $taskName -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $script, $result -Force -ErrorAction SilentlyContinue
  }
}

# --- test mode: may the gMSA pause the scheduler? -------------------------------------------
if ($TestSchedulerRights) {
  Step "Testing, as $ServiceAccount, that it may pause and resume the sync scheduler"
  Assert-WindowsPowerShell51 $PwshPath
  if (-not (Test-Path -LiteralPath $adsyncModule)) { throw "The ADSync module is not at ${adsyncModule}: run this on the Entra Connect server." }
  $report = Test-SchedulerRightsAsAccount $ServiceAccount $PwshPath (Join-Path $StateDir 'rights-test')
  Write-Host "   ran as:              $($report.account)"
  Write-Host "   Get-ADSyncScheduler: $($report.read)"
  Write-Host "   pause:               $($report.pause) (read back paused: $($report.pausedReadBack))"
  Write-Host "   resume:              $($report.resume) (read back enabled: $($report.resumedReadBack))"
  if ($report.pause -and $report.pause -ne 'ok' -and $report.pause -match 'denied|Unauthorized') {
    Write-Host "$ServiceAccount may NOT pause the scheduler. Add it to $AdminsGroup (run this installer with -GrantADSyncAdmins), restart the relay service, and test again." -ForegroundColor Red
    exit 2
  }
  if ($report.error) { Write-Host "The test stopped: $($report.error)" -ForegroundColor Red }
  if ($report.resumedReadBack -eq $false -or ($report.pause -eq 'ok' -and $report.resumedReadBack -ne $true)) {
    Write-Host 'THE SCHEDULER MAY STILL BE PAUSED: run Set-ADSyncScheduler -SyncCycleEnabled $true and check Get-ADSyncScheduler.' -ForegroundColor Red
    exit 3
  }
  if ($report.pause -eq 'ok' -and $report.pausedReadBack -eq $true -and $report.resumedReadBack -eq $true) {
    Write-Host "$ServiceAccount may pause and resume the scheduler (read back both times)." -ForegroundColor Green
    exit 0
  }
  exit 1
}

# --- prerequisites ---------------------------------------------------------------------------
Step 'Checking prerequisites'
$node = (Get-Command node -ErrorAction SilentlyContinue).Source
if (-not $node) { throw 'Node.js is not installed (20.19 or later, an LTS release): https://nodejs.org' }
$nodeVersion = [version]((& $node --version).TrimStart('v'))
if ($nodeVersion -lt [version]'20.19.0') { throw "Node.js $nodeVersion is too old; install 20.19 or later (LTS)." }
Assert-WindowsPowerShell51 $PwshPath
if (-not (Test-Path -LiteralPath $adsyncModule)) {
  throw "The ADSync module is not at ${adsyncModule}: run this on the Entra Connect server."
}
if (-not (Get-Service -Name ADSync -ErrorAction SilentlyContinue)) { throw 'The ADSync service does not exist here.' }
$entry = Join-Path $SourceDir 'dist\src\relay-agent\main.js'
if (-not (Test-Path $entry)) { throw "$entry is missing: run 'npm ci' and 'npm run build' in $SourceDir first." }
if (-not (Test-Path $WinSWExe)) { throw "WinSW was not found at $WinSWExe." }
$gmsaName = $ServiceAccount.Split('\')[1]
if (Get-Command Test-ADServiceAccount -ErrorAction SilentlyContinue) {
  if (-not (Test-ADServiceAccount -Identity $gmsaName)) {
    throw "The gMSA $ServiceAccount cannot be used on this server: Install-ADServiceAccount $gmsaName (and allow this computer in PrincipalsAllowedToRetrieveManagedPassword)."
  }
} else {
  Write-Warning 'Test-ADServiceAccount is not available (RSAT AD PowerShell); the gMSA was not checked.'
}
$sid = Get-AccountSid $ServiceAccount

# --- least privilege on the sync server -----------------------------------------------------
$groups = @($OperatorsGroup, $BrowseGroup)
if ($GrantADSyncAdmins) { $groups += $AdminsGroup }
Step "Adding $ServiceAccount to $($groups -join ', ')"
foreach ($group in $groups) { Add-ToSyncGroup (Resolve-SyncGroup $group) $ServiceAccount $sid }

Step 'Granting start, stop and query on the ADSync service (nothing else)'
# CC query config, LC query status, SW enumerate dependents, RP start, WP stop, LO interrogate,
# RC read control: what Restart-Service needs (it reads the config and the dependent services).
# Not DC (change config), SD (delete) or WD/WO (change permissions or owner).
$ace = "(A;;CCLCSWRPWPLORC;;;$sid)"
$sddl = ((& sc.exe sdshow ADSync) | Where-Object { $_ -match 'D:' }) -join ''
if (-not $sddl) { throw 'Could not read the ADSync service security descriptor (sc.exe sdshow ADSync).' }
# An ACE of an earlier install (fewer rights) is replaced, not kept beside the new one.
$without = $sddl -replace "\(A;;[A-Z]*;;;$([regex]::Escape($sid))\)", ''
$new = if ($without -match 'S:') { $without -replace 'S:', "${ace}S:" } else { "$without$ace" }
if ($new -ne $sddl -and $PSCmdlet.ShouldProcess('ADSync', 'sc.exe sdset')) {
  & sc.exe sdset ADSync $new | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "sc.exe sdset ADSync failed ($LASTEXITCODE)." }
  $readBack = ((& sc.exe sdshow ADSync) | Where-Object { $_ -match 'D:' }) -join ''
  if ($readBack -notlike "*$ace*") { throw "The ADSync service descriptor does not show $ace after sc.exe sdset." }
}

# --- files ---------------------------------------------------------------------------------
# An upgrade: stop the running relay first, so no file is in use while it is replaced (robocopy
# would otherwise retry a locked file for hours). Its lease and unsent events stay in $StateDir.
$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($existing -and $existing.Status -ne 'Stopped') {
  Step "Stopping $ServiceName for the upgrade"
  Stop-Service -Name $ServiceName -ErrorAction Stop
}
Step "Copying the relay to $InstallDir"
New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
# /MIR would delete the service wrapper, which is not in the package: keep it (and its settings).
& robocopy.exe $SourceDir $InstallDir /MIR /R:2 /W:5 /XD .git test .data /XF .env "$ServiceName.exe" "$ServiceName.xml" /NFL /NDL /NJH /NJS /NP | Out-Null
if ($LASTEXITCODE -ge 8) { throw "robocopy failed ($LASTEXITCODE)." }

Step "Creating the state folder $StateDir (gMSA and administrators only)"
New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
$acl = New-Object System.Security.AccessControl.DirectorySecurity
$acl.SetAccessRuleProtection($true, $false)
$inherit = 'ContainerInherit,ObjectInherit'
foreach ($who in @('BUILTIN\Administrators', 'NT AUTHORITY\SYSTEM')) {
  $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($who, 'FullControl', $inherit, 'None', 'Allow')))
}
$acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule(
  (New-Object System.Security.Principal.SecurityIdentifier($sid)), 'Modify', $inherit, 'None', 'Allow')))
Set-Acl -Path $StateDir -AclObject $acl

Step 'Writing the relay settings'
$secure = Read-Host -AsSecureString 'RELAY_PRIVATE_KEY (from npm run relay:keygen; not echoed)'
$privateKey = [System.Net.NetworkCredential]::new('', $secure).Password
if ($privateKey -notmatch '^[A-Za-z0-9+/=]{40,}$') { throw 'That does not look like a base64 private key.' }
$settings = @(
  "RELAY_ID=$RelayId",
  "RELAY_BOT_URL=$BotUrl",
  "RELAY_PRIVATE_KEY=$privateKey",
  "RELAY_BOT_PUBLIC_KEY=$BotPublicKey",
  "RELAY_BOT_KEY_ID=$BotKeyId",
  "RELAY_PWSH=$PwshPath",
  "RELAY_STATE_FILE=$(Join-Path $StateDir 'relay-state.json')"
)
if ($CaFile) {
  Copy-Item $CaFile (Join-Path $StateDir 'bot-ca.pem') -Force
  $settings += "RELAY_CA_FILE=$(Join-Path $StateDir 'bot-ca.pem')"
}
if ($LdapUrl) {
  if (-not $LdapBindDn -or -not $LdapBaseDn) { throw '-LdapUrl needs -LdapBindDn and -LdapBaseDn.' }
  # Node's LDAP client binds with a password (no Kerberos), so the read account has one; it lives
  # only in relay.env, which only the gMSA and administrators can read.
  $secureLdap = Read-Host -AsSecureString "LDAP_BIND_PASSWORD of $LdapBindDn (not echoed)"
  $ldapPassword = [System.Net.NetworkCredential]::new('', $secureLdap).Password
  if (-not $ldapPassword) { throw 'The read account needs its password.' }
  $settings += @("LDAP_URL=$LdapUrl", "LDAP_BIND_DN=$LdapBindDn", "LDAP_BIND_PASSWORD=$ldapPassword", "LDAP_BASE_DN=$LdapBaseDn")
  if ($LdapCaFile) {
    Copy-Item $LdapCaFile (Join-Path $StateDir 'ldap-ca.pem') -Force
    $settings += "LDAP_CA_FILE=$(Join-Path $StateDir 'ldap-ca.pem')"
  }
}
$envFile = Join-Path $StateDir 'relay.env'
Set-Content -Path $envFile -Value $settings -Encoding utf8
$privateKey = $null
$ldapPassword = $null

# --- the service --------------------------------------------------------------------------
Step "Registering the $ServiceName service (WinSW) under $ServiceAccount"
$wrapper = Join-Path $InstallDir "$ServiceName.exe"
Copy-Item $WinSWExe $wrapper -Force
$xml = @"
<service>
  <id>$ServiceName</id>
  <name>Anchor relay</name>
  <description>Runs the allowlisted ADSync operations for the Anchor bot (outbound HTTPS only).</description>
  <executable>$node</executable>
  <arguments>"$(Join-Path $InstallDir 'dist\src\relay-agent\main.js')"</arguments>
  <workingdirectory>$InstallDir</workingdirectory>
  <env name="DOTENV_CONFIG_PATH" value="$envFile"/>
  <env name="NODE_ENV" value="production"/>
  <startmode>Automatic</startmode>
  <delayedAutoStart>true</delayedAutoStart>
  <stoptimeout>30 sec</stoptimeout>
  <onfailure action="restart" delay="10 sec"/>
  <onfailure action="restart" delay="60 sec"/>
  <resetfailure>1 hour</resetfailure>
  <serviceaccount>
    <username>$ServiceAccount</username>
    <allowservicelogon>true</allowservicelogon>
  </serviceaccount>
  <log mode="roll-by-size"><sizeThreshold>10240</sizeThreshold><keepFiles>8</keepFiles></log>
  <logpath>$(Join-Path $StateDir 'logs')</logpath>
</service>
"@
Set-Content -Path (Join-Path $InstallDir "$ServiceName.xml") -Value $xml -Encoding utf8
if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
  & $wrapper stop | Out-Null
  & $wrapper uninstall | Out-Null
}
& $wrapper install
if ($LASTEXITCODE -ne 0) { throw "WinSW install failed ($LASTEXITCODE)." }
# Some WinSW releases ignore <serviceaccount> (winsw/winsw#971): set the logon explicitly. A gMSA
# takes no password; Windows fetches it from AD.
& sc.exe config $ServiceName obj= $ServiceAccount | Out-Null
if ($LASTEXITCODE -ne 0) { throw "sc.exe config $ServiceName obj= $ServiceAccount failed ($LASTEXITCODE)." }
& $wrapper start
if ($LASTEXITCODE -ne 0) { throw "The service did not start; see $(Join-Path $StateDir 'logs')." }

Step 'Done'
Write-Host "The relay runs as $ServiceAccount and polls $BotUrl."
Write-Host "Logs: $(Join-Path $StateDir 'logs')   Settings: $envFile   Pause lease: $(Join-Path $StateDir 'relay-state.json')"
Write-Host "On the bot, RELAY_KEYS must contain $RelayId=<relay public key> (npm run relay:keygen printed it)."
Write-Host "Before the first link: .\install-relay.ps1 -TestSchedulerRights -ServiceAccount '$ServiceAccount'"
