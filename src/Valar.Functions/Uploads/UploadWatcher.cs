using System.Collections.Concurrent;
using Valar.Storage;

namespace Valar.Functions.Uploads;

/// <summary>
/// Development stand-in for the Event Grid blob trigger (Azurite emits no events): lists the upload container every
/// poll interval and hands each blob to the <see cref="UploadProcessor"/> (which the blob trigger of issue 11 will share), a few at
/// a time. A failure is logged and the blob, still there, is tried again on the next tick; nothing stops the loop.
/// </summary>
internal sealed class UploadWatcher(UploadStore store, UploadProcessor processor, UploadOptions options, ILogger<UploadWatcher> logger) : BackgroundService
{
    /// <summary>Foreign blobs (bad names, no record) by name → ETag, so each is logged once rather than every tick.</summary>
    private readonly ConcurrentDictionary<string, string> _ignored = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        UploadLog.WatcherStarted(logger, options.UploadContainer, options.PollIntervalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PollIntervalSeconds));
        try
        {
            do
            {
                await TickAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var blobs = new List<BlobProperties>();
        try
        {
            await foreach (var blob in store.ListUploadsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!(_ignored.TryGetValue(blob.Name, out var etag) && etag == blob.ETag.ToString()))
                {
                    blobs.Add(blob);
                }
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            UploadLog.WatcherListFailed(logger, exception, options.UploadContainer);
            return;
        }

        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = options.WatchConcurrency, CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                try
                {
                    await DispatchAsync(blob, token).ConfigureAwait(false);
                }
                catch (Exception exception) when (!token.IsCancellationRequested)
                {
                    UploadLog.WatcherDispatchFailed(logger, exception, blob.Name);
                }
            }).ConfigureAwait(false);
    }

    private async Task DispatchAsync(BlobProperties blob, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(blob.Name))
        {
            if (_ignored.TryAdd(blob.Name, blob.ETag.ToString()))
            {
                UploadLog.UploadNameIgnored(logger, blob.Name);
            }

            return;
        }

        // One byte past the limit, so the shared checker itself reports a blob just over it.
        var download = await store.GetUploadAsync(blob.Name, processor.MaxImageBytes + 1, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            // Decided and cleaned up by another delivery between the list and the read.
            return;
        }

        var delivery = new UploadDelivery(blob.Name, download.Content, download.ExceedsLimit, download.Properties.ContentType, download.Properties.ETag.ToString());
        var outcome = await processor.ProcessAsync(delivery, cancellationToken).ConfigureAwait(false);
        if (outcome.Disposition == UploadDisposition.Unknown)
        {
            _ignored[blob.Name] = download.Properties.ETag.ToString();
        }
    }
}
