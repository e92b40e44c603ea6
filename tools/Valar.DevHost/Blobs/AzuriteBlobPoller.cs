using Azure;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Blobs;

/// <summary>
/// Azurite emits no Event Grid events, so this lists each blob trigger's container every
/// <see cref="DevHostOptions.BlobPollInterval"/> and hands every blob it has not seen at its current ETag to the
/// <see cref="BlobTriggerDispatcher"/>: the same delivery the webhook makes. A blob is offered once per version (a
/// poisoned or ignored blob is not offered again until it changes); blobs seen when the host starts are offered once.
/// </summary>
public sealed class AzuriteBlobPoller(
    WorkerSessionHolder sessions,
    BlobTriggerDispatcher dispatcher,
    BlobStorageConnections connections,
    DevHostOptions options,
    TimeProvider timeProvider,
    ILogger<AzuriteBlobPoller> logger) : BackgroundService
{
    /// <summary>function/container/blob → the ETag last offered.</summary>
    private readonly Dictionary<string, string> _offered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.BlobPollInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.BlobPollInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every blob trigger's container.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        if (sessions.Current is not { } session)
        {
            return;
        }

        foreach (var function in session.Functions)
        {
            if (BlobTriggerBinding.From(function) is not { } binding)
            {
                continue;
            }

            if (!connections.TryGet(binding.Connection, out var blobs, out _))
            {
                if (_announced.Add(function.Name))
                {
                    Log.BlobConnectionUnusable(logger, function.Name, binding.Connection);
                }

                continue;
            }

            if (_announced.Add(function.Name))
            {
                Log.BlobPollStarted(logger, function.Name, binding.Container, options.BlobPollInterval.TotalSeconds);
            }

            var container = blobs!.GetBlobContainerClient(binding.Container);
            var present = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    var key = $"{function.Name}/{binding.Container}/{blob.Name}";
                    present.Add(key);
                    var etag = blob.Properties.ETag?.ToString() ?? string.Empty;
                    if (_offered.TryGetValue(key, out var offered) && offered == etag)
                    {
                        continue;
                    }

                    if (dispatcher.TryEnqueue(new BlobDelivery(function.Name, binding.Container, blob.Name, container.GetBlobClient(blob.Name).Uri, etag)))
                    {
                        _offered[key] = etag;
                    }
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // No container yet: nothing to deliver.
            }
            catch (Exception exception) when (exception is RequestFailedException or HttpRequestException or AggregateException)
            {
                Log.BlobPollFailed(logger, binding.Container, exception.Message);
                continue;
            }

            var prefix = $"{function.Name}/{binding.Container}/";
            foreach (var gone in _offered.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && !present.Contains(key)).ToList())
            {
                _offered.Remove(gone);
            }
        }
    }
}
