using System.Text.Json;
using System.Threading.Channels;
using Azure;
using Google.Protobuf;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Grpc;
using Valar.DevHost.Invocation;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Blobs;

/// <summary>
/// Runs blob-trigger deliveries (from the webhook and the poller) on the worker, a few at a time, as the real host
/// does for an Event Grid blob trigger: one invocation with a <c>model_binding_data</c> input (DESIGN §7); a failed
/// invocation is tried again after <see cref="DevHostOptions.BlobRetryDelay"/>, and after
/// <see cref="DevHostOptions.BlobMaxDeliveries"/> failures the blob is written to <see cref="PoisonQueue"/>.
/// </summary>
public sealed class BlobTriggerDispatcher(
    WorkerSessionHolder sessions,
    IFunctionInvoker invoker,
    BlobStorageConnections connections,
    DevHostOptions options,
    AppFolder app,
    TimeProvider timeProvider,
    ILogger<BlobTriggerDispatcher> logger) : BackgroundService
{
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    private const int Concurrency = 4;

    private readonly Channel<BlobDelivery> _queue = Channel.CreateBounded<BlobDelivery>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues one delivery; false when the queue is full (the poller offers the blob again later).</summary>
    public bool TryEnqueue(BlobDelivery delivery) => _queue.Writer.TryWrite(delivery);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(delivery, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Up to <see cref="DevHostOptions.BlobMaxDeliveries"/> tries, then the poison queue.</summary>
    internal async Task<bool> DeliverAsync(BlobDelivery delivery, CancellationToken cancellationToken)
    {
        var path = $"{delivery.Container}/{delivery.BlobName}";
        for (var attempt = 1; attempt <= options.BlobMaxDeliveries; attempt++)
        {
            var failure = await TryOnceAsync(delivery, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return true;
            }

            Log.BlobDeliveryFailed(logger, delivery.FunctionName, attempt, options.BlobMaxDeliveries, path, failure);
            if (attempt < options.BlobMaxDeliveries)
            {
                await Task.Delay(options.BlobRetryDelay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        await PoisonAsync(delivery, path, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>One invocation; null when it succeeded, else why not.</summary>
    private async Task<string?> TryOnceAsync(BlobDelivery delivery, CancellationToken cancellationToken)
    {
        var session = sessions.Current;
        if (session is null || !session.TryGetFunction(delivery.FunctionName, out var function) || BlobTriggerBinding.From(function!) is not { } binding)
        {
            return session is null ? "no worker is ready" : $"no blob-triggered function {delivery.FunctionName} is loaded";
        }

        var content = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["Connection"] = binding.Connection,
            ["ContainerName"] = delivery.Container,
            ["BlobName"] = delivery.BlobName,
        });
        var invocation = new FunctionInvocation
        {
            FunctionId = function!.FunctionId,
            InputData =
            [
                new ParameterBinding
                {
                    Name = binding.ParameterName,
                    Data = new TypedData
                    {
                        ModelBindingData = new ModelBindingData
                        {
                            Version = "1.0",
                            Source = "AzureStorageBlobs",
                            ContentType = "application/json",
                            Content = ByteString.CopyFrom(content),
                        },
                    },
                },
            ],
            TriggerMetadata = new Dictionary<string, TypedData>
            {
                ["name"] = new() { String = delivery.BlobName },
                ["BlobTrigger"] = new() { String = $"{delivery.Container}/{delivery.BlobName}" },
                ["Uri"] = new() { String = delivery.BlobUri.AbsoluteUri },
            },
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(app.FunctionTimeout ?? TimeSpan.FromMinutes(30));
        try
        {
            var response = await invoker.InvokeAsync(invocation, timeout.Token).ConfigureAwait(false);
            return response.Result?.Status == StatusResult.Types.Status.Success
                ? null
                : response.Result?.Exception?.Message ?? response.Result?.Result ?? "the function failed";
        }
        catch (WorkerUnavailableException exception)
        {
            return exception.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "the function timed out";
        }
    }

    /// <summary>
    /// The message the real host writes (its <c>BlobTriggerMessage</c>, base64 as its queues encode): which function,
    /// container, blob and version failed.
    /// </summary>
    private async Task PoisonAsync(BlobDelivery delivery, string path, CancellationToken cancellationToken)
    {
        var function = sessions.Current is { } session && session.TryGetFunction(delivery.FunctionName, out var loaded) ? loaded : null;
        var binding = function is null ? null : BlobTriggerBinding.From(function);
        if (binding is null || !connections.TryGet(binding.Connection, out _, out var queues))
        {
            Log.BlobPoisonFailed(logger, new InvalidOperationException("no storage connection string for the poison queue"), delivery.FunctionName, path);
            return;
        }

        var message = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = $"Host.Functions.{delivery.FunctionName}",
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = delivery.Container,
            ["BlobName"] = delivery.BlobName,
            ["ETag"] = delivery.ETag,
        });
        try
        {
            var queue = queues!.GetQueueClient(PoisonQueue);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await queue.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
            Log.BlobPoisoned(logger, delivery.FunctionName, path, options.BlobMaxDeliveries, PoisonQueue);
        }
        catch (RequestFailedException exception)
        {
            Log.BlobPoisonFailed(logger, exception, delivery.FunctionName, path);
        }
    }
}
