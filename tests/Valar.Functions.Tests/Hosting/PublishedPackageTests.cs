using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Testing.Images;
using Xunit.Abstractions;

namespace Valar.Functions.Tests.Hosting;

/// <summary>The deployable folder, as the Functions host sees it and runs it.</summary>
public sealed class PublishedPackageTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> AppRoutes = new()
    {
        ["ChatCompletions"] = "POST v1/chat/completions",
        ["Responses"] = "POST v1/responses",
        ["Messages"] = "POST v1/messages",
        ["Models"] = "GET v1/models",
        ["Health"] = "GET healthz",
        ["CreateUpload"] = "POST v1/uploads",
        ["GetUpload"] = "GET v1/uploads/{id}",
    };

    [Fact]
    public async Task Package_HttpFunctions_AreForwardableAndMatchTheAppRoutes()
    {
        await PublishedHandler.EnsurePublishedAsync();

        foreach (var (function, route) in AppRoutes)
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PublishedHandler.PackageFolder, function, "function.json")));
            var bindings = json.RootElement.GetProperty("bindings").EnumerateArray().ToArray();
            // Forwarding applies only to exactly one httpTrigger in and one http out.
            Assert.Equal(2, bindings.Length);
            var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "httpTrigger");
            Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "http" && binding.GetProperty("direction").GetString() == "out");
            var methods = string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToUpperInvariant()));
            Assert.Equal(route, $"{methods} {trigger.GetProperty("route").GetString()}");
            Assert.Equal(function == "Health" ? "anonymous" : "function", trigger.GetProperty("authLevel").GetString());
        }

        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PublishedHandler.PackageFolder, "host.json")));
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("[4.*, 5.0.0)", host.RootElement.GetProperty("extensionBundle").GetProperty("version").GetString());
    }

    [Fact]
    public async Task PublishedExecutable_StartedAsTheHostDoes_AnswersForwardedRequests()
    {
        await PublishedHandler.EnsurePublishedAsync();
        await using var handler = await PublishedHandler.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Valar__Uploads__WatchUploads"] = "false",
        });
        output.WriteLine($"cold start (process start to first /healthz 200): {handler.ColdStart.TotalMilliseconds:F0} ms");
        Assert.True(handler.ColdStart < TimeSpan.FromSeconds(30), $"cold start {handler.ColdStart}");
        using var client = new HttpClient { BaseAddress = handler.BaseUri };

        // The host forwards the request as-is: method, /v1 path (routePrefix ""), query, headers and body.
        var body = $$$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{TestImages.DataUri("image/png", TestImages.Png(640, 480))}}}"}}]}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions?code=ignored-by-the-handler")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", "host-checked-key");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var image = report.RootElement.GetProperty("images")[0];
        Assert.Equal(640, image.GetProperty("width").GetInt32());
        Assert.Equal(480, image.GetProperty("height").GetInt32());

        using var refused = await client.PostAsync("v1/messages", new StringContent("""{"model":"deepseek-ai/DeepSeek-V3.1","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(
            """{"type":"error","error":{"type":"invalid_request_error","message":"model 'deepseek-ai/DeepSeek-V3.1' does not support image input"}}""",
            await refused.Content.ReadAsStringAsync());
    }
}

/// <summary>The published executable receiving the blob trigger's invocation exactly as the host sends it, with Azurite as storage.</summary>
public sealed class PublishedTriggerTests : IAsyncLifetime
{
    private readonly Valar.Testing.Azurite.AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task PublishedExecutable_PrevalidateUploadInvocation_RecordsTheVerdict()
    {
        await PublishedHandler.EnsurePublishedAsync();
        await using var handler = await PublishedHandler.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["Valar__Uploads__WatchUploads"] = "false",
            ["Valar__Uploads__CreateContainers"] = "true",
        });
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = handler.BaseUri };
        using var created = await client.PostAsync("v1/uploads", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var upload = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = upload.RootElement.GetProperty("id").GetString()!;
        var png = TestImages.Png(320, 200);
        using (var put = new HttpRequestMessage(HttpMethod.Put, upload.RootElement.GetProperty("upload_url").GetString()) { Content = new ByteArrayContent(png) })
        {
            put.Headers.Add("x-ms-blob-type", "BlockBlob");
            put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            using var stored = await client.SendAsync(put);
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        // What the host POSTs to /<FunctionName> for a blobTrigger with dataType binary.
        var payload = Uploads.HostPayloads.For(id, png, "image/png", new Uri($"{_azurite.BlobEndpoint.ToString().TrimEnd('/')}/uploads/{id}"));
        using var invocation = await client.PostAsync("PrevalidateUpload", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
        using var reply = JsonDocument.Parse(await invocation.Content.ReadAsStringAsync());
        Assert.True(reply.RootElement.TryGetProperty("Outputs", out _));
        Assert.True(reply.RootElement.TryGetProperty("Logs", out _));
        Assert.Equal("valid", reply.RootElement.GetProperty("ReturnValue").GetProperty("status").GetString());
        using var status = await client.GetAsync($"v1/uploads/{id}");
        using var verdict = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        Assert.Equal("valid", verdict.RootElement.GetProperty("status").GetString());
        Assert.Equal(320, verdict.RootElement.GetProperty("width").GetInt32());
    }
}
