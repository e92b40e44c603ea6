using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Valar.DevHost.Configuration;

namespace Valar.DevHost.Blobs;

/// <summary>
/// Storage clients for a blob trigger's connection setting, read from the app's settings (local.settings.json
/// <c>Values</c>, then the environment), as the worker will read it. Only connection strings: the poller and the
/// poison queue are for Azurite (identity-based connections are what Azure's own host serves).
/// </summary>
public sealed class BlobStorageConnections(AppFolder app)
{
    private readonly ConcurrentDictionary<string, (BlobServiceClient Blobs, QueueServiceClient Queues)?> _clients = new(StringComparer.Ordinal);

    public bool TryGet(string setting, out BlobServiceClient? blobs, out QueueServiceClient? queues)
    {
        var clients = _clients.GetOrAdd(setting, Create);
        blobs = clients?.Blobs;
        queues = clients?.Queues;
        return clients is not null;
    }

    private (BlobServiceClient, QueueServiceClient)? Create(string setting)
    {
        var value = app.Settings.TryGetValue(setting, out var configured) ? configured : Environment.GetEnvironmentVariable(setting);
        if (string.IsNullOrWhiteSpace(value) || !value.Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            // Few retries: a failed list is simply tried again next tick, a failed poison write is logged.
            var blobOptions = new BlobClientOptions();
            blobOptions.Retry.MaxRetries = 1;
            var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            queueOptions.Retry.MaxRetries = 1;
            return (new BlobServiceClient(value, blobOptions), new QueueServiceClient(value, queueOptions));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
