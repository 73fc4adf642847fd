// Anchor on Azure: App Service (Linux, Node LTS) behind an Azure Bot with the Teams channel. One
// user-assigned managed identity is the bot's identity, Graph's and Blob Storage's: no client
// secret anywhere. The secrets that remain (the relay signing key; the LDAP bind password when AD
// is read directly) live in Key Vault and reach the app as Key Vault references.
//
// Deploy with the Agents Toolkit (m365agents.yml, parameters from azure.parameters.json) or:
//   az deployment group create -g <rg> -f infra/azure.bicep -p @infra/azure.parameters.json
// This repository has no Bicep compiler: check with `az bicep build -f infra/azure.bicep` and
// `az deployment group what-if` before the first deployment (docs/deploy.md).

@maxLength(20)
@minLength(4)
@description('Prefix of every resource name (letters and digits).')
param resourceBaseName string

param location string = resourceGroup().location

@description('The Entra tenant Anchor serves (ANCHOR_TENANT_ID).')
param tenantId string = subscription().tenantId

@description('Comma-separated Entra object ids of the admins who may use Anchor (ANCHOR_ADMIN_IDS).')
param adminObjectIds string

@description('An Entra security group whose members are admins too (ANCHOR_ADMIN_GROUP_ID); empty for none.')
param adminGroupId string = ''

@description('App Service plan SKU. B1 serves one tenant; P0v3 or above to scale out to several instances.')
param webAppSku string = 'B1'

@description('The bot\'s name in the Azure portal and the Bot Framework.')
param botDisplayName string = 'Anchor'

@description('Where AD is read: relay (by the relay on the Entra Connect server; nothing inbound) or ldap (LDAPS from App Service over a private network).')
@allowed(['relay', 'ldap'])
param directorySource string = 'relay'

@description('The relays\' public keys: <relayId>=<base64 SPKI>[,…] (RELAY_KEYS; printed by npm run relay:keygen).')
param relayKeys string

@description('The key id the relay knows the bot\'s signing key by (BOT_KEY_ID).')
param botKeyId string = 'anchor-bot'

@description('OUs Entra Connect syncs, separated by semicolons (LDAP_SYNC_OUS); empty when the whole domain is in scope.')
param ldapSyncOus string = ''

@description('directorySource ldap only: the domain controller (LDAP_URL), e.g. ldaps://dc1.corp.contoso.com.')
param ldapUrl string = ''

@description('directorySource ldap only: the read account\'s DN (LDAP_BIND_DN).')
param ldapBindDn string = ''

@description('directorySource ldap only: where users are searched (LDAP_BASE_DN).')
param ldapBaseDn string = ''

@description('Node LTS the app runs on.')
param linuxFxVersion string = 'NODE|22-lts'

var suffix = uniqueString(resourceGroup().id)
// Key Vault and storage names: 3–24 lower-case letters and digits.
var compactName = toLower(take('${resourceBaseName}${suffix}', 24))
var stateContainer = 'anchor-state'
// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: compactName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    // Only the managed identity reaches the state: no account keys, no SAS, no anonymous reads.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Approvals and the audit log are the record of who changed which identity.
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: stateContainer
  properties: { publicAccess: 'None' }
}

resource stateAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: container
  name: guid(container.id, identity.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: compactName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource secretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: { name: webAppSku }
  properties: { reserved: true }
}

// Every name here is a setting Anchor reads (test/unit/infra/azure-bicep.test.ts checks it).
var commonSettings = [
  { name: 'ANCHOR_MODE', value: 'production' }
  { name: 'NODE_ENV', value: 'production' }
  { name: 'PORT', value: '8080' }
  { name: 'LOG_LEVEL', value: 'info' }
  { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
  { name: 'MicrosoftAppId', value: identity.properties.clientId }
  { name: 'MicrosoftAppTenantId', value: tenantId }
  { name: 'ANCHOR_TENANT_ID', value: tenantId }
  { name: 'ANCHOR_ADMIN_IDS', value: adminObjectIds }
  { name: 'ANCHOR_ADMIN_GROUP_ID', value: adminGroupId }
  { name: 'AZURE_USE_MANAGED_IDENTITY', value: 'true' }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'STATE_STORE', value: 'blob' }
  { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.blob }
  { name: 'AZURE_STORAGE_CONTAINER', value: stateContainer }
  { name: 'DIRECTORY_SOURCE', value: directorySource }
  { name: 'LDAP_SYNC_OUS', value: ldapSyncOus }
  { name: 'RELAY_KEYS', value: relayKeys }
  { name: 'BOT_KEY_ID', value: botKeyId }
  { name: 'BOT_SIGNING_KEY', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=bot-signing-key)' }
]

// Only when the bot reads AD itself: with the relay, Anchor refuses an LDAP password in the cloud.
var ldapSettings = [
  { name: 'LDAP_URL', value: ldapUrl }
  { name: 'LDAP_BIND_DN', value: ldapBindDn }
  { name: 'LDAP_BASE_DN', value: ldapBaseDn }
  { name: 'LDAP_BIND_PASSWORD', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=ldap-bind-password)' }
]

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: '${resourceBaseName}-${suffix}'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the same identity as everything else.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      appCommandLine: 'node dist/src/main.js'
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: true
      appSettings: concat(commonSettings, directorySource == 'ldap' ? ldapSettings : [])
    }
  }
  dependsOn: [stateAccess, secretsAccess]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${resourceBaseName}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${web.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

// The Agents Toolkit writes these into env/.env.<env>.
@description('The bot\'s app id: appPackage/manifest.json\'s bot id.')
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = tenantId
output BOT_DOMAIN string = web.properties.defaultHostName
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = web.id
@description('Grant the Graph application permissions (docs/permissions.md) to this service principal.')
output BOT_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
@description('Put bot-signing-key (and ldap-bind-password for directorySource ldap) here after deployment.')
output KEY_VAULT_NAME string = vault.name
output AZURE_STORAGE_ACCOUNT_URL string = storage.properties.primaryEndpoints.blob
