using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Diagnostics;

namespace Valar.DevHost.Grpc;

/// <summary>
/// One worker's <c>EventStream</c>: a single writer loop for everything the host sends, and the
/// correlation of replies (init, metadata, each load by function id, each invocation by invocation id).
/// Logs the worker sends (<c>RpcLog</c>) go to the host's logger.
/// </summary>
public sealed class WorkerConnection
{
    private const string InitKey = "init";
    private const string MetadataKey = "metadata";
    private const string InvocationKeyPrefix = "invoke/";

    private readonly Channel<StreamingMessage> _outgoing =
        Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly ILogger _workerLogger;
    private volatile bool _isClosed;

    public WorkerConnection(string workerId, ILogger logger, ILogger workerLogger)
    {
        WorkerId = workerId;
        _logger = logger;
        _workerLogger = workerLogger;
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream has ended, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Pumps the stream until the worker hangs up or <paramref name="cancellationToken"/> (the call's) fires.</summary>
    public async Task RunAsync(
        IAsyncStreamReader<StreamingMessage> requests,
        IServerStreamWriter<StreamingMessage> responses,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(responses);
        var writing = WriteLoopAsync(responses, cancellationToken);
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or global::Grpc.Core.RpcException or InvalidOperationException)
        {
            Log.WorkerStreamFailed(_logger, WorkerId, ex.GetType().Name, ex.Message);
        }
        finally
        {
            Close("the worker's stream ended");
            try
            {
                await writing.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or global::Grpc.Core.RpcException or InvalidOperationException)
            {
                Log.WorkerStreamFailed(_logger, WorkerId, ex.GetType().Name, ex.Message);
            }
        }
    }

    public Task<StreamingMessage> InitializeAsync(WorkerInitRequest request, CancellationToken cancellationToken = default) =>
        SendAndReceiveAsync(new StreamingMessage { RequestId = NewRequestId(), WorkerInitRequest = request }, InitKey, cancellationToken);

    public Task<StreamingMessage> GetMetadataAsync(FunctionsMetadataRequest request, CancellationToken cancellationToken = default) =>
        SendAndReceiveAsync(new StreamingMessage { RequestId = NewRequestId(), FunctionsMetadataRequest = request }, MetadataKey, cancellationToken);

    public Task<StreamingMessage> LoadAsync(FunctionLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAndReceiveAsync(
            new StreamingMessage { RequestId = NewRequestId(), FunctionLoadRequest = request },
            LoadKey(request.FunctionId),
            cancellationToken);
    }

    /// <summary>
    /// Sends the invocation and waits for its response. When <paramref name="cancellationToken"/> fires first,
    /// the worker is sent <c>InvocationCancel</c> and the wait ends with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var reply = await SendAndReceiveAsync(
                new StreamingMessage { RequestId = NewRequestId(), InvocationRequest = request },
                InvocationKey(request.InvocationId),
                cancellationToken).ConfigureAwait(false);
            return reply.InvocationResponse;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            TrySend(new StreamingMessage
            {
                RequestId = NewRequestId(),
                InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId },
            });
            throw;
        }
    }

    /// <summary>Sends <c>InvocationCancel</c> for every invocation still waiting for its response; returns how many.</summary>
    public int CancelInvocations()
    {
        var count = 0;
        foreach (var key in _pending.Keys)
        {
            if (key.StartsWith(InvocationKeyPrefix, StringComparison.Ordinal)
                && TrySend(new StreamingMessage
                {
                    RequestId = NewRequestId(),
                    InvocationCancel = new InvocationCancel { InvocationId = key[InvocationKeyPrefix.Length..] },
                }))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Queues a message that needs no reply (<c>WorkerTerminate</c>, <c>InvocationCancel</c>).</summary>
    public bool TrySend(StreamingMessage message) => !_isClosed && _outgoing.Writer.TryWrite(message);

    private async Task<StreamingMessage> SendAndReceiveAsync(StreamingMessage message, string key, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, reply))
        {
            throw new InvalidOperationException($"A request '{key}' is already waiting for its reply.");
        }

        try
        {
            // Registered first, then checked: a close that raced with the registration still fails this wait.
            if (_isClosed || !_outgoing.Writer.TryWrite(message))
            {
                throw new WorkerUnavailableException($"Worker '{WorkerId}' is not connected.");
            }

            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, TaskCompletionSource<StreamingMessage>>(key, reply));
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                WorkerLogForwarder.Write(_workerLogger, message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                Complete(InitKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                Complete(MetadataKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete(LoadKey(message.FunctionLoadResponse.FunctionId), message);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(InvocationKey(message.InvocationResponse.InvocationId), message);
                break;
            default:
                Log.WorkerMessageIgnored(_logger, WorkerId, message.ContentCase.ToString());
                break;
        }
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (_pending.TryGetValue(key, out var reply))
        {
            reply.TrySetResult(message);
        }
        else
        {
            Log.WorkerReplyUnexpected(_logger, WorkerId, key);
        }
    }

    private void Close(string reason)
    {
        _isClosed = true;
        _outgoing.Writer.TryComplete();
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new WorkerUnavailableException($"Worker '{WorkerId}': {reason}."));
        }

        _closed.TrySetResult();
    }

    private async Task WriteLoopAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string LoadKey(string functionId) => "load/" + functionId;

    private static string InvocationKey(string invocationId) => InvocationKeyPrefix + invocationId;

    private static string NewRequestId() => Guid.NewGuid().ToString();
}
