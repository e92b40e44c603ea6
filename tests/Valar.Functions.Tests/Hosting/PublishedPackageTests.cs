using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Functions.Tests.Uploads;
using Valar.Testing.Azurite;
using Valar.Testing.Images;
using Xunit.Abstractions;

namespace Valar.Functions.Tests.Hosting;

/// <summary>The deployable package, as the Functions host reads it and runs it (here: the local host).</summary>
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
    public async Task Package_FunctionsMetadata_ListsEveryHttpFunctionWithItsRoute()
    {
        await PublishedPackage.EnsurePublishedAsync();

        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PublishedPackage.Folder, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray().ToDictionary(function => function.GetProperty("name").GetString()!);
        Assert.Equal(AppRoutes.Keys.Append("PrevalidateUpload").Order(), functions.Keys.Order());

        // The upload trigger: the Event Grid blob trigger on uploads/{name}, bound to the SDK's BlobClient.
        var blobTrigger = Assert.Single(functions["PrevalidateUpload"].GetProperty("bindings").EnumerateArray());
        Assert.Equal("blobTrigger", blobTrigger.GetProperty("type").GetString());
        Assert.Equal("uploads/{name}", blobTrigger.GetProperty("path").GetString());
        Assert.Equal("EventGrid", blobTrigger.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", blobTrigger.GetProperty("connection").GetString());
        foreach (var (name, route) in AppRoutes)
        {
            var bindings = functions[name].GetProperty("bindings").EnumerateArray().ToArray();
            // What the host proxies: exactly one httpTrigger in and the http $return out.
            Assert.Equal(2, bindings.Length);
            var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "httpTrigger");
            var result = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "http");
            Assert.Equal("$return", result.GetProperty("name").GetString());
            var methods = string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!.ToUpperInvariant()));
            Assert.Equal(route, $"{methods} {trigger.GetProperty("route").GetString()}");
            Assert.Equal(name == "Health" ? "Anonymous" : "Function", trigger.GetProperty("authLevel").GetString());
            Assert.Equal("Valar.Functions.dll", functions[name].GetProperty("scriptFile").GetString());
        }
    }

    [Fact]
    public async Task Package_HostAndWorkerConfiguration_AreForTheIsolatedWorkerOnly()
    {
        await PublishedPackage.EnsurePublishedAsync();

        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PublishedPackage.Folder, "host.json")));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        Assert.False(host.RootElement.TryGetProperty("extensionBundle", out _));
        using var worker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(PublishedPackage.Folder, "worker.config.json")));
        Assert.Equal("dotnet-isolated", worker.RootElement.GetProperty("description").GetProperty("language").GetString());
        Assert.Equal("Valar.Functions.dll", worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString());
        Assert.Empty(Directory.EnumerateFiles(PublishedPackage.Folder, "function.json", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(PublishedPackage.Folder, "local.settings.json")));
        Assert.False(File.Exists(Path.Combine(PublishedPackage.Folder, "appsettings.Development.json")));
    }

    [Fact]
    public async Task Package_RunByTheLocalHost_AnswersRequestsOnTheSdkPaths()
    {
        await PublishedPackage.EnsurePublishedAsync();
        await using var host = await FunctionsHost.StartAsync(appFolder: PublishedPackage.Folder);
        output.WriteLine($"published package: host start to ready line {host.StartToReady.TotalMilliseconds:F0} ms, to first /healthz 200 {host.StartToFirstOk.TotalMilliseconds:F0} ms");
        using var client = host.CreateClient();

        // The host forwards the request as-is: method, /v1 path (routePrefix ""), query, headers and body.
        var body = $$$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{TestImages.DataUri("image/png", TestImages.Png(640, 480))}}}"}}]}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions?code=ignored-by-the-app")
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

/// <summary>The published package with Azurite as storage: an upload issued, put, validated and read back.</summary>
public sealed class PublishedUploadTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Package_UploadPutToItsUrl_BecomesValid()
    {
        await PublishedPackage.EnsurePublishedAsync();
        await using var host = await FunctionsHost.StartAsync(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = _azurite.ConnectionString,
                ["Valar__Uploads__WatchUploads"] = "true",
                ["Valar__Uploads__PollIntervalSeconds"] = "0.2",
                ["Valar__Uploads__CreateContainers"] = "true",
            },
            PublishedPackage.Folder);
        using var client = host.CreateClient();
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

        JsonElement verdict = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var status = await client.GetAsync($"v1/uploads/{id}");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            verdict = await UploadFixture.ReadJsonAsync(status);
            if (verdict.GetProperty("status").GetString() != "pending")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("valid", verdict.GetProperty("status").GetString());
        Assert.Equal(320, verdict.GetProperty("width").GetInt32());
        Assert.Equal(png, await client.GetByteArrayAsync(new Uri(verdict.GetProperty("read_url").GetString()!)));
    }
}
