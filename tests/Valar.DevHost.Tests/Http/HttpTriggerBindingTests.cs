using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Http;

namespace Valar.DevHost.Tests.Http;

public sealed class HttpTriggerBindingTests
{
    [Fact]
    public void TryParse_SdkHttpTrigger_ReadsRouteAndMethods()
    {
        const string raw = """{"name":"req","direction":"In","type":"httpTrigger","authLevel":"Anonymous","methods":["get","post"],"route":"items/{id}","properties":{}}""";

        Assert.True(HttpTriggerBinding.TryParse(raw, "GetItem", out var binding));

        Assert.Equal("items/{id}", binding!.Route);
        Assert.Equal(["get", "post"], binding.Methods!.Order(StringComparer.Ordinal));
        Assert.Contains("GET", binding.Methods!);
    }

    [Fact]
    public void TryParse_NoRouteNoMethods_RouteIsFunctionNameAndEveryMethod()
    {
        Assert.True(HttpTriggerBinding.TryParse("""{"name":"req","type":"HttpTrigger","direction":"In"}""", "Ping", out var binding));

        Assert.Equal("Ping", binding!.Route);
        Assert.Null(binding.Methods);
    }

    [Theory]
    [InlineData("""{"name":"$return","type":"http","direction":"Out"}""")]
    [InlineData("""{"name":"blob","type":"blobTrigger","direction":"In","path":"uploads/{name}"}""")]
    [InlineData("not json")]
    [InlineData("[]")]
    public void TryParse_NotAnHttpTrigger_ReturnsFalse(string raw)
    {
        Assert.False(HttpTriggerBinding.TryParse(raw, "F", out var binding));
        Assert.Null(binding);
    }

    [Fact]
    public void FromMetadata_TriggerAndOutput_FindsTheTrigger()
    {
        var metadata = new RpcFunctionMetadata { Name = "Echo" };
        metadata.RawBindings.Add("""{"name":"$return","type":"http","direction":"Out"}""");
        metadata.RawBindings.Add("""{"name":"req","type":"httpTrigger","direction":"In","methods":["post"],"route":"echo"}""");

        var binding = HttpTriggerBinding.FromMetadata(metadata);

        Assert.Equal("echo", binding!.Route);
    }
}
