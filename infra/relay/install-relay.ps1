#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Installs the Anchor relay as a Windows service on the Entra Connect (ADSync) server, running
  under a group managed service account (gMSA) with least privilege.

.DESCRIPTION
  - checks the prerequisites (Node.js >= 20.19, PowerShell 7, the ADSync module, the gMSA);
  - copies the built relay (npm ci; npm run build) to -InstallDir;
  - adds the gMSA to the local groups ADSyncOperators and ADSyncBrowse;
  - grants the gMSA start/stop/query rights on the ADSync service only (for restart-service);
  - creates the state folder (pause lease) readable and writable only by the gMSA and admins;
  - writes the settings, asking for the relay's private key without echoing it;
  - registers the service with WinSW (a service wrapper you download and verify yourself), start
    type Automatic (Delayed Start) and restart on failure, so a pause lease is honoured soon
    after any stop.
  The relay opens no port. It needs outbound HTTPS to -BotUrl only.

.EXAMPLE
  .\install-relay.ps1 -SourceDir C:\src\anchor -WinSWExe C:\Downloads\WinSW-x64.exe `
      -ServiceAccount 'CONTOSO\gmsa-anchorrly$' -BotUrl https://anchor-bot.azurewebsites.net `
      -RelayId sync01 -BotPublicKey 'MCowBQYDK2VwAyEA...'
#>
[CmdletBinding(SupportsShouldProcess)]
param(
  # A checkout of Anchor where "npm ci" and "npm run build" have run (dist\src\relay\index.js exists).
  [Parameter(Mandatory)] [string] $SourceDir,
  # WinSW x64 executable (https://github.com/winsw/winsw/releases); check its hash before use.
  [Parameter(Mandatory)] [string] $WinSWExe,
  # The gMSA, as DOMAIN\name$ (install it first: Install-ADServiceAccount name$).
  [Parameter(Mandatory)] [ValidatePattern('^[^\\]+\\[^\\]+\$$')] [string] $ServiceAccount,
  # The bot's public URL (https). The only address the relay ever connects to.
  [Parameter(Mandatory)] [ValidatePattern('^https://')] [string] $BotUrl,
  [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9._-]{1,64}$')] [string] $RelayId,
  # RELAY_BOT_PUBLIC_KEY as printed by "npm run relay:keygen" (public: safe to pass here).
  [Parameter(Mandatory)] [string] $BotPublicKey,
  [string] $BotKeyId = 'anchor-bot',
  [string] $InstallDir = "$env:ProgramFiles\Anchor Relay",
  [string] $StateDir = "$env:ProgramData\Anchor Relay",
  [string] $ServiceName = 'AnchorRelay',
  # Full path of pwsh.exe when it is not on the service's PATH.
  [string] $PwshPath = 'pwsh',
  # Optional PEM file of a CA to trust for the bot's TLS certificate (TLS inspection proxies).
  [string] $CaFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Step($text) { Write-Host "==> $text" -ForegroundColor Cyan }

# --- prerequisites ---------------------------------------------------------------------------
Step 'Checking prerequisites'
$node = (Get-Command node -ErrorAction SilentlyContinue).Source
if (-not $node) { throw 'Node.js is not installed (20.19 or later, an LTS release): https://nodejs.org' }
$nodeVersion = [version]((& $node --version).TrimStart('v'))
if ($nodeVersion -lt [version]'20.19.0') { throw "Node.js $nodeVersion is too old; install 20.19 or later (LTS)." }
if (-not (Get-Command $PwshPath -ErrorAction SilentlyContinue)) {
  throw "PowerShell 7 ($PwshPath) was not found. Install it, or pass -PwshPath with the full path of pwsh.exe."
}
if (-not (Get-Module -ListAvailable -Name ADSync)) {
  throw 'The ADSync module is not installed: run this on the Entra Connect server.'
}
if (-not (Get-Service -Name ADSync -ErrorAction SilentlyContinue)) { throw 'The ADSync service does not exist here.' }
$entry = Join-Path $SourceDir 'dist\src\relay\index.js'
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
$sid = (New-Object System.Security.Principal.NTAccount($ServiceAccount)).Translate(
  [System.Security.Principal.SecurityIdentifier]).Value

# --- least privilege on the sync server -----------------------------------------------------
Step "Adding $ServiceAccount to ADSyncOperators and ADSyncBrowse"
foreach ($group in 'ADSyncOperators', 'ADSyncBrowse') {
  $present = Get-LocalGroupMember -Group $group -ErrorAction Stop | Where-Object { $_.SID.Value -eq $sid }
  if (-not $present -and $PSCmdlet.ShouldProcess($group, "add $ServiceAccount")) {
    Add-LocalGroupMember -Group $group -Member $ServiceAccount
  }
}

Step 'Granting start, stop and query on the ADSync service (nothing else)'
# LC query status, RP start, WP stop, LO interrogate, RC read control: what Restart-Service needs.
$ace = "(A;;LCRPWPLORC;;;$sid)"
$sddl = ((& sc.exe sdshow ADSync) | Where-Object { $_ -match 'D:' }) -join ''
if (-not $sddl) { throw 'Could not read the ADSync service security descriptor (sc.exe sdshow ADSync).' }
if ($sddl -notlike "*$sid*") {
  $new = if ($sddl -match 'S:') { $sddl -replace 'S:', "${ace}S:" } else { "$sddl$ace" }
  if ($PSCmdlet.ShouldProcess('ADSync', 'sc.exe sdset')) {
    & sc.exe sdset ADSync $new | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe sdset ADSync failed ($LASTEXITCODE)." }
  }
}

# --- files ---------------------------------------------------------------------------------
Step "Copying the relay to $InstallDir"
New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
& robocopy.exe $SourceDir $InstallDir /MIR /XD .git test .data /XF .env /NFL /NDL /NJH /NJS /NP | Out-Null
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
$envFile = Join-Path $StateDir 'relay.env'
Set-Content -Path $envFile -Value $settings -Encoding utf8
$privateKey = $null

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
  <arguments>"$(Join-Path $InstallDir 'dist\src\relay\index.js')"</arguments>
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
