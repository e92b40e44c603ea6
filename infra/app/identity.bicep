// User-assigned managed identity: the Function App's only credential (storage, deployment package,
// Application Insights). Roles are granted in rbac.bicep.
@description('Name of the user-assigned managed identity.')
param name string

@description('Location of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
