// Flex Consumption plan + Function App that runs Valar.Functions, a .NET 10 isolated-worker app.
//
// functionAppConfig.runtime { name: 'dotnet-isolated', version: '10.0' } tells the host which language worker to
// start; the deployed package (scripts/publish.sh) carries host.json, functions.metadata, worker.config.json and
// the framework-dependent build. FUNCTIONS_WORKER_RUNTIME is not an app setting here: on Flex it is derived from
// functionAppConfig.runtime and the setting is deprecated.
@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Location of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name; the app is tagged azd-service-name=<serviceName> so `azd deploy` finds it.')
param serviceName string = 'api'

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account (https://<account>.queue.core.windows.net/).')
param storageQueueEndpoint string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (not a secret: ingestion needs an Entra ID token).')
param applicationInsightsConnectionString string

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Maximum number of instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Largest request body accepted, in bytes.')
param maxRequestBodyBytes int = 603979776

@description('Optional extra CIDR the URL fetcher may reach. Empty in production.')
param fetchAllowedNetwork string = ''

@description('User-Agent for image URL fetches.')
param fetchUserAgent string = 'Valar.Functions/1.0 (+image validation)'

@description('Upload container name.')
param uploadContainerName string = 'uploads'

@description('Validated image container name.')
param imageContainerName string = 'images'

@description('Verdict container name.')
param verdictContainerName string = 'verdicts'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Every setting the app reads (docs/deployment.md, "App settings"). No secrets: storage and
// Application Insights are reached with the managed identity.
var baseSettings = {
  // Functions host storage, identity-based (no AzureWebJobsStorage connection string).
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Telemetry with Entra ID (local auth is disabled on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // The host rejects larger bodies before it forwards them to the worker (default 100 MB).
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: string(maxRequestBodyBytes)
  Valar__MaxRequestBodyBytes: string(maxRequestBodyBytes)
  Valar__Fetch__TimeoutSeconds: '10'
  Valar__Fetch__MaxRedirects: '5'
  Valar__Fetch__UserAgent: fetchUserAgent
  Valar__Defaults__MaxImages: '20'
  Valar__Defaults__MaxImageBytes: '20971520'
  Valar__Defaults__MaxTotalMediaBytes: '419430400'
  // Per-model limits come from appsettings.json (Kimi-K2.5, Kimi-K2.6, a text-only model); add
  // Valar__Models__<n>__* settings here only to override them.
  Valar__Uploads__UploadContainer: uploadContainerName
  Valar__Uploads__ImageContainer: imageContainerName
  Valar__Uploads__VerdictContainer: verdictContainerName
  Valar__Uploads__UploadUrlMinutes: '10'
  Valar__Uploads__ReadUrlMinutes: '15'
}

// Only set when given: an empty list element would be bound as an invalid CIDR.
var fetchSettings = empty(fetchAllowedNetwork) ? {} : {
  Valar__Fetch__AllowedNetworks__0: fetchAllowedNetwork
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(baseSettings, fetchSettings)
}

// No basic-auth (publishing profile) credentials: deployments use Entra ID (azd, az CLI).
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
output planName string = plan.name
