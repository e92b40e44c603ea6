using Google.Protobuf;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Valar.DevHost.Grpc;
using Valar.DevHost.Invocation;

namespace Valar.DevHost.Tests.Grpc;

public sealed class WorkerConnectionTests
{
    private readonly InMemoryStream _stream = new();
    private readonly WorkerConnection _connection = new("worker-1", NullLogger.Instance, NullLogger.Instance);

    private Task Run() => _connection.RunAsync(_stream.Requests, _stream.Responses);

    [Fact]
    public async Task InvokeAsync_BlobStyleInvocation_SendsBindingsAndMetadataAndReturnsTheResponse()
    {
        var running = Run();
        var invocation = new FunctionInvocation
        {
            FunctionId = "f-1",
            InputData =
            [
                new ParameterBinding
                {
                    Name = "blob",
                    Data = new TypedData
                    {
                        ModelBindingData = new ModelBindingData
                        {
                            Version = "1.0",
                            Source = "AzureStorageBlobs",
                            ContentType = "application/json",
                            Content = ByteString.CopyFromUtf8("""{"Connection":"AzureWebJobsStorage","ContainerName":"uploads","BlobName":"a.png"}"""),
                        },
                    },
                },
            ],
            TriggerMetadata = new Dictionary<string, TypedData> { ["BlobTrigger"] = new() { String = "uploads/a.png" } },
        };

        var call = _connection.InvokeAsync(invocation.ToRequest());
        var sent = (await _stream.ReceiveAsync()).InvocationRequest;
        _stream.Send(new StreamingMessage
        {
            InvocationResponse = new InvocationResponse
            {
                InvocationId = sent.InvocationId,
                Result = new StatusResult { Status = StatusResult.Types.Status.Success },
            },
        });
        var response = await call.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(invocation.InvocationId, sent.InvocationId);
        Assert.Equal("f-1", sent.FunctionId);
        Assert.Equal("AzureStorageBlobs", Assert.Single(sent.InputData).Data.ModelBindingData.Source);
        Assert.Equal("uploads/a.png", sent.TriggerMetadata["BlobTrigger"].String);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", sent.TraceContext.TraceParent);
        Assert.Equal(StatusResult.Types.Status.Success, response.Result.Status);
        _stream.HangUp();
        await running;
    }

    [Fact]
    public async Task InvokeAsync_Cancelled_SendsInvocationCancelAndThrows()
    {
        var running = Run();
        using var cancel = new CancellationTokenSource();
        var call = _connection.InvokeAsync(new InvocationRequest { InvocationId = "i-1", FunctionId = "f-1" }, cancel.Token);
        Assert.Equal("i-1", (await _stream.ReceiveAsync()).InvocationRequest.InvocationId);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("i-1", (await _stream.ReceiveAsync()).InvocationCancel.InvocationId);
        _stream.HangUp();
        await running;
    }

    [Fact]
    public async Task InvokeAsync_WorkerHangsUp_FailsWithWorkerUnavailable()
    {
        var running = Run();
        var call = _connection.InvokeAsync(new InvocationRequest { InvocationId = "i-2", FunctionId = "f-1" });
        await _stream.ReceiveAsync();

        _stream.HangUp();
        await running;

        var error = await Assert.ThrowsAsync<WorkerUnavailableException>(() => call);
        Assert.Equal("Worker 'worker-1': the worker's stream ended.", error.Message);
        Assert.True(_connection.Closed.IsCompleted);
        await Assert.ThrowsAsync<WorkerUnavailableException>(() => _connection.InvokeAsync(new InvocationRequest { InvocationId = "i-3" }));
    }

    [Fact]
    public async Task LoadAsync_RepliesOutOfOrder_EachMatchedByFunctionId()
    {
        var running = Run();
        var first = _connection.LoadAsync(new FunctionLoadRequest { FunctionId = "a" });
        var second = _connection.LoadAsync(new FunctionLoadRequest { FunctionId = "b" });
        await _stream.ReceiveAsync();
        await _stream.ReceiveAsync();

        _stream.Send(new StreamingMessage { FunctionLoadResponse = new FunctionLoadResponse { FunctionId = "b", Result = new StatusResult { Result = "second" } } });
        _stream.Send(new StreamingMessage { FunctionLoadResponse = new FunctionLoadResponse { FunctionId = "a", Result = new StatusResult { Result = "first" } } });

        Assert.Equal("first", (await first.WaitAsync(TimeSpan.FromSeconds(60))).FunctionLoadResponse.Result.Result);
        Assert.Equal("second", (await second.WaitAsync(TimeSpan.FromSeconds(60))).FunctionLoadResponse.Result.Result);
        _stream.HangUp();
        await running;
    }
}
