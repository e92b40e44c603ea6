#!/bin/sh
# azd postdeploy hook: subscribe the PrevalidateUpload blob trigger ("source": "EventGrid") to
# BlobCreated events of the uploads container.
#
# Why a hook and not Bicep: the webhook URL carries the host's `blobs_extension` system key, which the
# Functions host creates only once the code is deployed and the host has indexed a blob trigger with an
# Event Grid source. Re-running is safe: `event-subscription create` is a create-or-update.
#
# Needs: az CLI signed in (azd runs hooks with its environment values exported), POSIX sh, curl.
set -eu

for cmd in az curl; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "postdeploy: '$cmd' is required" >&2; exit 1; }
done

app="${AZURE_FUNCTION_APP_NAME:?AZURE_FUNCTION_APP_NAME is not set (run azd provision first)}"
rg="${RESOURCE_GROUP:?RESOURCE_GROUP is not set}"
topic="${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?AZURE_EVENTGRID_SYSTEM_TOPIC_NAME is not set}"
container="${AZURE_STORAGE_UPLOAD_CONTAINER:-uploads}"
function_name="${PREVALIDATE_FUNCTION_NAME:-PrevalidateUpload}"
subscription_name="${EVENTGRID_SUBSCRIPTION_NAME:-prevalidate-upload-blobcreated}"
attempts="${POSTDEPLOY_KEY_ATTEMPTS:-30}"

# The isolated worker's PrevalidateUpload is [BlobTrigger("uploads/{name}", Source = BlobTriggerSource.EventGrid)]
# (src/Valar.Functions/Uploads/PrevalidateUploadFunction.cs). A deployment without it (an older package) has nothing
# to subscribe, and the hook says so rather than waiting for a key that will never exist.
if ! az functionapp function show --name "$app" --resource-group "$rg" --function-name "$function_name" --output none 2>/dev/null; then
  echo "postdeploy: no '$function_name' function in this deployment; no Event Grid subscription created."
  exit 0
fi

host_name="$(az functionapp show --name "$app" --resource-group "$rg" --query defaultHostName -o tsv)"

# Wake the host (Flex scales to zero) so it starts, indexes the functions and creates the key.
curl -fsS -o /dev/null --max-time 60 "https://${host_name}/healthz" || true

key=""
i=1
while [ "$i" -le "$attempts" ]; do
  key="$(az functionapp keys list --name "$app" --resource-group "$rg" \
    --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)"
  if [ -n "$key" ] && [ "$key" != "None" ]; then
    break
  fi
  echo "postdeploy: waiting for the blobs_extension system key ($i/$attempts)..."
  curl -fsS -o /dev/null --max-time 30 "https://${host_name}/healthz" || true
  sleep 10
  i=$((i + 1))
done

if [ -z "$key" ] || [ "$key" = "None" ]; then
  echo "postdeploy: the host has no blobs_extension key yet. Check that PrevalidateUpload deployed" >&2
  echo "            (az functionapp function list -n $app -g $rg), then run: azd hooks run postdeploy" >&2
  exit 1
fi

endpoint="https://${host_name}/runtime/webhooks/blobs?functionName=Host.Functions.${function_name}&code=${key}"

# Event Grid validates the webhook (subscription validation handshake) against the blobs extension.
az eventgrid system-topic event-subscription create \
  --name "$subscription_name" \
  --resource-group "$rg" \
  --system-topic-name "$topic" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --event-delivery-schema eventgridschema \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${container}/" \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

echo "postdeploy: Event Grid subscription '$subscription_name' -> ${function_name} on container '${container}' is in place."
