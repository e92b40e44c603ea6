// Storage account for the Functions host (AzureWebJobsStorage, identity-based), the Flex Consumption
// deployment package, and the product containers:
//   uploads  - clients PUT here through a create/write-only SAS; the blob trigger validates them
//   images   - validated bytes; read SAS URLs point here
//   verdicts - JSON verdict records
// Shared keys are disabled: every caller (the app, the host, Event Grid delivery aside) uses Entra ID,
// and the app signs SAS URLs with a user delegation key.
@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Location of the storage account.')
param location string

@description('Tags applied to the storage account.')
param tags object = {}

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Container clients upload to (Valar__Uploads__UploadContainer).')
param uploadContainerName string = 'uploads'

@description('Container that keeps validated images (Valar__Uploads__ImageContainer).')
param imageContainerName string = 'images'

@description('Container that keeps verdict records (Valar__Uploads__VerdictContainer).')
param verdictContainerName string = 'verdicts'

@description('Days after which blobs in the upload container are deleted.')
@minValue(1)
param uploadRetentionDays int = 1

@description('Days after which validated images and verdicts are deleted.')
@minValue(1)
param imageRetentionDays int = 7

@description('Origins allowed by the blob service CORS rule (browser uploads through SAS URLs).')
param corsAllowedOrigins array = [
  '*'
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    cors: {
      corsRules: [
        {
          // Browsers PUT the image bytes straight to the upload SAS URL and may GET/HEAD the read URL.
          allowedOrigins: corsAllowedOrigins
          allowedMethods: [
            'PUT'
            'GET'
            'HEAD'
            'OPTIONS'
          ]
          allowedHeaders: [
            'content-type'
            'content-length'
            'x-ms-blob-type'
            'x-ms-*'
          ]
          exposedHeaders: [
            'etag'
            'content-length'
            'content-type'
            'x-ms-*'
          ]
          maxAgeInSeconds: 3600
        }
      ]
    }
    deleteRetentionPolicy: {
      enabled: false
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource uploadContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: uploadContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource imageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: imageContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource verdictContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: verdictContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Lifecycle management: stale uploads go after a day, validated images and verdicts after a week.
// The deployment package container and the host's own containers (azure-webjobs-*) are not matched.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-stale-uploads'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${uploadContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: uploadRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'delete-expired-images-and-verdicts'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${imageContainerName}/'
                '${verdictContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: imageRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    uploadContainer
    imageContainer
    verdictContainer
  ]
}

output id string = storage.id
output name string = storage.name
output primaryBlobEndpoint string = storage.properties.primaryEndpoints.blob
output primaryQueueEndpoint string = storage.properties.primaryEndpoints.queue
