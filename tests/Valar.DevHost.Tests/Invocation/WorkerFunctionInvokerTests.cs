using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using Valar.DevHost.Grpc;
using Valar.DevHost.Http;
using Valar.DevHost.Invocation;
using Valar.DevHost.Tests.Grpc;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Tests.Invocation;

public sealed class WorkerFunctionInvokerTests
{
    [Fact]
    public async Task InvokeAsync_NoWorkerReady_ThrowsWorkerUnavailable()
    {
        var invoker = new WorkerFunctionInvoker(new WorkerSessionHolder());

        var error = await Assert.ThrowsAsync<WorkerUnavailableException>(() => invoker.InvokeAsync(new FunctionInvocation { FunctionId = "f" }));

        Assert.Equal("No worker is ready.", error.Message);
    }

    [Fact]
    public async Task InvokeAsync_FunctionFoundByName_RunsOnTheCurrentWorker()
    {
        var stream = new InMemoryStream();
        var connection = new WorkerConnection("worker-1", NullLogger.Instance, NullLogger.Instance);
        var running = connection.RunAsync(stream.Requests, stream.Responses);
        var blob = new LoadedFunction("blob-id", "ValidateUpload", new RpcFunctionMetadata { Name = "ValidateUpload" }, null);
        var sessions = new WorkerSessionHolder();
        sessions.Publish(new WorkerSession(connection, null, [blob], HttpRouteTable.Build([blob], "api")));
        var invoker = new WorkerFunctionInvoker(sessions);

        Assert.True(sessions.Current!.TryGetFunction("validateupload", out var function));
        var call = invoker.InvokeAsync(new FunctionInvocation { FunctionId = function!.FunctionId });
        var sent = (await stream.ReceiveAsync()).InvocationRequest;
        stream.Send(new StreamingMessage { InvocationResponse = new InvocationResponse { InvocationId = sent.InvocationId } });

        Assert.Equal("blob-id", sent.FunctionId);
        Assert.Equal(sent.InvocationId, (await call.WaitAsync(TimeSpan.FromSeconds(60))).InvocationId);
        stream.HangUp();
        await running;
    }
}
