// Event Grid system topic for the storage account. The BlobCreated subscription that feeds the
// PrevalidateUpload blob trigger ("source": "EventGrid") targets
//   https://<app>.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.PrevalidateUpload&code=<blobs_extension key>
// and that system key only exists after the code is deployed and the host has started, so
// infra/hooks/postdeploy.sh creates the subscription (azure.yaml postdeploy hook) rather than Bicep. The trigger is
// the isolated worker's [BlobTrigger("uploads/{name}", Source = BlobTriggerSource.EventGrid)] in
// src/Valar.Functions/Uploads/PrevalidateUploadFunction.cs.
@description('Name of the Event Grid system topic.')
param name string

@description('Location of the system topic (same region as the storage account).')
param location string

@description('Tags applied to the system topic.')
param tags object = {}

@description('Resource id of the storage account whose events the topic publishes.')
param storageAccountId string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
output id string = systemTopic.id
