// Valar.Functions: everything `azd up` provisions (see docs/deployment.md and infra/README.md).
//
// Resource group rg-<env> containing:
//   - a user-assigned managed identity (the app's only credential),
//   - a storage account without shared keys: host storage (AzureWebJobsStorage), the Flex deployment
//     package container, and the product containers uploads / images / verdicts (+ lifecycle, CORS),
//   - Log Analytics + Application Insights with local (key) auth disabled,
//   - a Flex Consumption plan and the Function App running the .NET 10 isolated worker (dotnet-isolated 10.0),
//   - an Event Grid system topic on the storage account. Its BlobCreated subscription needs the host's
//     blobs_extension system key, which only exists once the code is deployed, so
//     infra/hooks/postdeploy.sh creates it (azure.yaml postdeploy hook).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used for the resource group name and the unique resource token.')
param environmentName string

@minLength(1)
@description('Primary location for all resources. Must be a region that offers the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal; gets blob data access for debugging. Leave empty to skip.')
param principalId string = ''

@description('Type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Browser origins allowed to PUT/GET blobs through SAS URLs (storage CORS). The SAS itself is the credential, so * is acceptable; list your web origins to narrow it.')
param corsAllowedOrigins array = [
  '*'
]

@description('Days after which blobs left in the uploads container are deleted (unvalidated or abandoned uploads).')
@minValue(1)
param uploadRetentionDays int = 1

@description('Days after which validated images and verdict records are deleted.')
@minValue(1)
param imageRetentionDays int = 7

@description('Memory per Flex Consumption instance in MB. Requests can carry up to ~576 MiB of media, so 4096 is the default.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Maximum number of Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Largest request body the app accepts, in bytes (Valar__MaxRequestBodyBytes; also raises the host limit FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).')
param maxRequestBodyBytes int = 603979776

@description('Optional CIDR the URL fetcher may reach besides the public internet (Valar__Fetch__AllowedNetworks__0). Empty in production.')
param fetchAllowedNetwork string = ''

@description('User-Agent sent when fetching image URLs.')
param fetchUserAgent string = 'Valar.Functions/1.0 (+image validation)'

@description('Optional override of the resource group name (default rg-<environmentName>).')
param resourceGroupName string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Flex Consumption pulls the deployment package from this blob container.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var uploadContainerName = 'uploads'
var imageContainerName = 'images'
var verdictContainerName = 'verdicts'
var systemTopicName = '${abbrs.eventGridSystemTopics}storage-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    uploadContainerName: uploadContainerName
    imageContainerName: imageContainerName
    verdictContainerName: verdictContainerName
    uploadRetentionDays: uploadRetentionDays
    imageRetentionDays: imageRetentionDays
    corsAllowedOrigins: corsAllowedOrigins
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.primaryBlobEndpoint
    storageQueueEndpoint: storage.outputs.primaryQueueEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    maxRequestBodyBytes: maxRequestBodyBytes
    fetchAllowedNetwork: fetchAllowedNetwork
    fetchUserAgent: fetchUserAgent
    uploadContainerName: uploadContainerName
    imageContainerName: imageContainerName
    verdictContainerName: verdictContainerName
  }
  // The host reads storage and the deployment package with the identity as soon as the site starts.
  dependsOn: [
    rbac
  ]
}

module eventGrid 'app/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
  }
}

// UPPER_SNAKE outputs become azd environment values (read by infra/hooks/postdeploy.sh and by you).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.primaryBlobEndpoint
output AZURE_STORAGE_UPLOAD_CONTAINER string = uploadContainerName
output AZURE_STORAGE_IMAGE_CONTAINER string = imageContainerName
output AZURE_STORAGE_VERDICT_CONTAINER string = verdictContainerName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output PREVALIDATE_FUNCTION_NAME string = 'PrevalidateUpload'
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
