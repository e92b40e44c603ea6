using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Configuration;
using Valar.DevHost.Diagnostics;
using Valar.DevHost.Grpc;
using Valar.DevHost.Http;

namespace Valar.DevHost.Worker;

/// <summary>
/// From an open stream to loaded functions: <c>WorkerInitRequest</c> → <c>WorkerInitResponse</c> (capability
/// <c>HttpUri</c>) → <c>FunctionsMetadataRequest</c> → <c>FunctionMetadataResponse</c> → one
/// <c>FunctionLoadRequest</c> per function, with its metadata as received.
/// </summary>
public static class WorkerHandshake
{
    /// <summary>The host version the worker is told; a 4.x host, as Flex Consumption runs.</summary>
    public const string HostVersion = "4.1044.0.0";

    public static async Task<WorkerSession> RunAsync(
        WorkerConnection connection,
        AppFolder app,
        ILogger logger,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(app);
        var init = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            WorkerDirectory = app.Directory,
            FunctionAppDirectory = app.Directory,
        };
        var initReply = (await connection.InitializeAsync(init, cancellationToken).ConfigureAwait(false)).WorkerInitResponse;
        EnsureSuccess(initReply.Result, "WorkerInitRequest");
        Uri? httpUri = null;
        if (initReply.Capabilities.TryGetValue("HttpUri", out var advertised)
            && Uri.TryCreate(advertised, UriKind.Absolute, out var parsed))
        {
            httpUri = parsed;
        }

        var metadataReply = (await connection.GetMetadataAsync(
            new FunctionsMetadataRequest { FunctionAppDirectory = app.Directory },
            cancellationToken).ConfigureAwait(false)).FunctionMetadataResponse;
        EnsureSuccess(metadataReply.Result, "FunctionsMetadataRequest");
        if (metadataReply.UseDefaultMetadataIndexing)
        {
            throw new WorkerUnavailableException("The worker asked the host to index the functions (use_default_metadata_indexing); this host only runs worker-indexed apps.");
        }

        // Sent one by one as received (the worker does not handle FunctionLoadRequestCollection), answered in any order.
        var loads = metadataReply.FunctionMetadataResults
            .Select(metadata => LoadAsync(connection, metadata, logger, cancellationToken))
            .ToList();
        var loaded = (await Task.WhenAll(loads).ConfigureAwait(false)).OfType<LoadedFunction>().ToList();
        var routes = HttpRouteTable.Build(loaded, app.RoutePrefix);
        foreach (var route in routes.Routes)
        {
            Log.RouteMapped(logger, route.Function.Name, route.Methods is null ? "*" : string.Join(',', route.Methods), route.Template);
        }

        return new WorkerSession(connection, httpUri, loaded, routes);
    }

    private static async Task<LoadedFunction?> LoadAsync(WorkerConnection connection, RpcFunctionMetadata metadata, ILogger logger, CancellationToken cancellationToken)
    {
        var request = new FunctionLoadRequest { FunctionId = metadata.FunctionId, Metadata = metadata };
        var reply = (await connection.LoadAsync(request, cancellationToken).ConfigureAwait(false)).FunctionLoadResponse;
        if (reply.Result?.Status != StatusResult.Types.Status.Success)
        {
            Log.FunctionLoadFailed(logger, metadata.Name, reply.Result?.Exception?.Message ?? reply.Result?.Result ?? string.Empty);
            return null;
        }

        return new LoadedFunction(metadata.FunctionId, metadata.Name, metadata, HttpTriggerBinding.FromMetadata(metadata));
    }

    private static void EnsureSuccess(StatusResult? result, string step)
    {
        if (result is not null && result.Status != StatusResult.Types.Status.Success)
        {
            throw new WorkerUnavailableException($"The worker failed {step}: {result.Exception?.Message ?? result.Result}");
        }
    }
}
