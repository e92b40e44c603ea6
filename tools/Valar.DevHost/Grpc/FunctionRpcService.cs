using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Diagnostics;

namespace Valar.DevHost.Grpc;

/// <summary>The host's side of <c>FunctionRpc.EventStream</c>: expects <c>StartStream</c>, then hands the stream over.</summary>
public sealed class FunctionRpcService : FunctionRpc.FunctionRpcBase
{
    private readonly WorkerConnectionRegistry _registry;
    private readonly ILogger<FunctionRpcService> _logger;
    private readonly ILogger _workerLogger;

    public FunctionRpcService(WorkerConnectionRegistry registry, ILogger<FunctionRpcService> logger, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _registry = registry;
        _logger = logger;
        _workerLogger = loggerFactory.CreateLogger("Worker");
    }

    public override async Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream,
        IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false)
            || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            Log.StreamRefused(_logger, "the first message was not StartStream");
            return;
        }

        var connection = new WorkerConnection(requestStream.Current.StartStream.WorkerId, _logger, _workerLogger);
        if (!_registry.TryAccept(connection))
        {
            Log.StreamRefused(_logger, "unknown worker id " + connection.WorkerId);
            return;
        }

        Log.WorkerConnected(_logger, connection.WorkerId);
        await connection.RunAsync(requestStream, responseStream, cancellationToken).ConfigureAwait(false);
    }
}
