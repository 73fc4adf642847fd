// Anchor on Azure App Service, behind an Azure Bot registration that authenticates with a
// user-assigned managed identity (no bot secret to store or rotate).
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p tenantId=<guid> adminObjectIds=<guid,guid>

@description('Short name used for every resource.')
param name string = 'anchor'

param location string = resourceGroup().location

@description('The Entra tenant Anchor serves (ANCHOR_TENANT_ID).')
param tenantId string = subscription().tenantId

@description('Comma-separated Entra object ids of the admins who may use Anchor (ANCHOR_ADMIN_IDS).')
param adminObjectIds string

@description('App Service plan SKU. B1 is enough for one tenant; use P0v3 or above to scale out.')
param skuName string = 'B1'

var suffix = uniqueString(resourceGroup().id)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id-${suffix}'
  location: location
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan-${suffix}'
  location: location
  kind: 'linux'
  sku: { name: skuName }
  properties: { reserved: true }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-${suffix}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node dist/src/main.js'
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      alwaysOn: true
      appSettings: [
        { name: 'ANCHOR_MODE', value: 'production' }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: tenantId }
        { name: 'ANCHOR_TENANT_ID', value: tenantId }
        { name: 'ANCHOR_ADMIN_IDS', value: adminObjectIds }
        { name: 'PORT', value: '8080' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'Anchor'
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

@description('Put this in appPackage/manifest.json as the app id and bot id.')
output botAppId string = identity.properties.clientId
output endpoint string = 'https://${web.properties.defaultHostName}/api/messages'
