using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Valar.DevHost.Http;
using Valar.DevHost.Worker;

namespace Valar.DevHost.Tests.Http;

public sealed class HttpRouteTableTests
{
    private static LoadedFunction Function(string name, string? route, params string[] methods)
    {
        var binding = new HttpTriggerBinding(route ?? name, methods.Length == 0 ? null : new HashSet<string>(methods, StringComparer.OrdinalIgnoreCase));
        return new LoadedFunction(name + "-id", name, new RpcFunctionMetadata { Name = name }, binding);
    }

    private static readonly HttpRouteTable Table = HttpRouteTable.Build(
        [
            Function("Item", "items/{id}", "get"),
            Function("Latest", "items/latest", "get"),
            Function("Upload", "items", "post"),
            Function("Any", "any"),
            Function("Files", "files/{*path}", "get"),
            new LoadedFunction("blob-id", "Blob", new RpcFunctionMetadata { Name = "Blob" }, null),
        ],
        "api");

    [Theory]
    [InlineData("GET", "/api/items/42", "Item")]
    [InlineData("GET", "/API/Items/42", "Item")]
    [InlineData("GET", "/api/items/latest", "Latest")]
    [InlineData("POST", "/api/items", "Upload")]
    [InlineData("post", "/api/items/", "Upload")]
    [InlineData("PATCH", "/api/any", "Any")]
    [InlineData("GET", "/api/files/a/b/c.png", "Files")]
    public void Match_KnownRoute_ReturnsItsFunction(string method, string path, string function)
    {
        var match = Table.Match(method, new PathString(path));

        Assert.NotNull(match);
        Assert.Equal(function, match.Route.Function.Name);
    }

    [Theory]
    [InlineData("GET", "/items/42")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/api/items")]
    [InlineData("DELETE", "/api/items/42")]
    [InlineData("GET", "/api/items/42/more")]
    [InlineData("GET", "/api/Blob")]
    public void Match_UnknownRouteOrMethod_ReturnsNull(string method, string path)
    {
        Assert.Null(Table.Match(method, new PathString(path)));
    }

    [Fact]
    public void Match_RouteParameter_ReturnsItsValue()
    {
        var match = Table.Match("GET", new PathString("/api/items/42"));

        Assert.Equal("42", match!.Values["id"]);
    }

    [Theory]
    [InlineData("api", "items", "api/items")]
    [InlineData("", "v1/models", "v1/models")]
    [InlineData("/api/", "/items/", "api/items")]
    [InlineData("api", "", "api")]
    public void Combine_PrefixAndRoute_JoinsWithOneSlash(string prefix, string route, string expected)
    {
        Assert.Equal(expected, HttpRouteTable.Combine(prefix, route));
    }

    [Fact]
    public void Match_EmptyPrefix_ServesRoutesAtTheRoot()
    {
        var table = HttpRouteTable.Build([Function("Models", "v1/models", "get")], "");

        Assert.Equal("Models", table.Match("GET", new PathString("/v1/models"))!.Route.Function.Name);
        Assert.Null(table.Match("GET", new PathString("/api/v1/models")));
    }
}
