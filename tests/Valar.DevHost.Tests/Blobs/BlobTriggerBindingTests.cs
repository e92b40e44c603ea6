using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Blobs;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Tests.Blobs;

public sealed class BlobTriggerBindingTests
{
    [Fact]
    public void From_EventGridBlobTrigger_ReadsParameterContainerConnectionAndSource()
    {
        // As the Worker SDK writes it into functions.metadata for [BlobTrigger("uploads/{name}", Source = EventGrid)].
        var metadata = new RpcFunctionMetadata { Name = "PrevalidateUpload" };
        metadata.RawBindings.Add("""{"name":"blob","direction":"In","type":"blobTrigger","path":"uploads/{name}","source":"EventGrid","connection":"AzureWebJobsStorage","properties":{"supportsDeferredBinding":"True"}}""");

        var binding = BlobTriggerBinding.From(new LoadedFunction("id", "PrevalidateUpload", metadata, null));

        Assert.Equal(new BlobTriggerBinding("blob", "uploads", "AzureWebJobsStorage", "EventGrid"), binding);
    }

    [Fact]
    public void From_HttpTrigger_IsNull()
    {
        var metadata = new RpcFunctionMetadata { Name = "Echo" };
        metadata.RawBindings.Add("""{"name":"req","type":"httpTrigger","direction":"In","methods":["post"],"route":"echo"}""");

        Assert.Null(BlobTriggerBinding.From(new LoadedFunction("id", "Echo", metadata, null)));
    }
}
