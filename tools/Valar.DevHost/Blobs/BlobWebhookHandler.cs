using System.Text.Json;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Azure.Storage.Blobs;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Blobs;

/// <summary>
/// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.&lt;Name&gt;</c>, the blobs extension's Event Grid
/// endpoint: answers the subscription-validation handshake with its <c>validationResponse</c>, and queues one delivery
/// per <c>Microsoft.Storage.BlobCreated</c> event for a blob in the function's container (202). The <c>code</c> key the
/// real host requires is not checked: the local host listens on 127.0.0.1 only.
/// </summary>
public sealed class BlobWebhookHandler(WorkerSessionHolder sessions, BlobTriggerDispatcher dispatcher)
{
    public const string Path = "/runtime/webhooks/blobs";

    private const string FunctionPrefix = "Host.Functions.";

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (sessions.Current is not { } session)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        var name = request.Query["functionName"].ToString();
        if (name.StartsWith(FunctionPrefix, StringComparison.Ordinal))
        {
            name = name[FunctionPrefix.Length..];
        }

        if (!session.TryGetFunction(name, out var function) || BlobTriggerBinding.From(function!) is not { } binding)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, $"no blob-triggered function '{name}'").ConfigureAwait(false);
            return;
        }

        EventGridEvent[] events;
        try
        {
            var body = await BinaryData.FromStreamAsync(request.Body, context.RequestAborted).ConfigureAwait(false);
            events = EventGridEvent.ParseMany(body);
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "the body is not an array of Event Grid events").ConfigureAwait(false);
            return;
        }

        foreach (var gridEvent in events)
        {
            if (!gridEvent.TryGetSystemEventData(out var data))
            {
                continue;
            }

            switch (data)
            {
                case SubscriptionValidationEventData validation:
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["validationResponse"] = validation.ValidationCode }, context.RequestAborted).ConfigureAwait(false);
                    return;
                case StorageBlobCreatedEventData created when Uri.TryCreate(created.Url, UriKind.Absolute, out var url):
                    var blob = new BlobUriBuilder(url);
                    if (string.Equals(blob.BlobContainerName, binding.Container, StringComparison.Ordinal) && !string.IsNullOrEmpty(blob.BlobName)
                        && !dispatcher.TryEnqueue(new BlobDelivery(function!.Name, blob.BlobContainerName, blob.BlobName, url, created.ETag)))
                    {
                        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                        return;
                    }

                    break;
            }
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message }, context.RequestAborted);
    }
}
