using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Valar.Functions.Tests.Hosting;
using Valar.Storage;
using Valar.Testing.Azurite;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// A real Azurite on a free loopback port and two instances of the real worker, each behind its own local Functions
/// host on 127.0.0.1, both using it: <see cref="Watching"/> polls its upload container like development does
/// (end-to-end tests), <see cref="Manual"/> has no watcher and other containers, so processor tests deliver every
/// upload themselves.
/// </summary>
public sealed class UploadFixture : IAsyncLifetime
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";
    public const long MaxImageBytes = 20 * 1024 * 1024;

    public AzuriteFixture Azurite { get; } = new();

    public AppInstance Watching { get; private set; } = null!;

    public AppInstance Manual { get; private set; } = null!;

    /// <summary>Direct storage access for assertions (never through the app).</summary>
    public BlobStore Blobs { get; private set; } = null!;

    /// <summary>A plain client, as an uploading client would use.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Blobs = new BlobStore(StorageConnection.Parse(Azurite.ConnectionString), new HttpClient(Azurite.CreateHttpHandler()));
        var watching = AppInstance.StartAsync(Azurite, "uploads", "images", "verdicts", watch: true);
        var manual = AppInstance.StartAsync(Azurite, "t-uploads", "t-images", "t-verdicts", watch: false);
        Watching = await watching;
        Manual = await manual;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Watching.DisposeAsync();
        await Manual.DisposeAsync();
        Blobs.Dispose();
        await Azurite.DisposeAsync();
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>PUTs bytes to an upload URL the way a client would: block blob, its own Content-Type.</summary>
    public async Task<HttpResponseMessage> PutAsync(Uri uploadUrl, byte[] content, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return await Http.SendAsync(request);
    }

    public async Task<bool> ExistsAsync(string container, string blob)
    {
        try
        {
            await Blobs.GetPropertiesAsync(container, blob);
            return true;
        }
        catch (StorageRequestException exception) when (exception.IsNotFound)
        {
            return false;
        }
    }
}

/// <summary>One worker behind the local host, configured for the fixture's Azurite.</summary>
public sealed class AppInstance : IAsyncDisposable
{
    private readonly FunctionsHost _host;

    private AppInstance(FunctionsHost host, string uploads, string images, string verdicts)
    {
        _host = host;
        var baseUri = host.BaseUri;
        BaseUri = baseUri;
        UploadContainer = uploads;
        ImageContainer = images;
        VerdictContainer = verdicts;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public string UploadContainer { get; }

    public string ImageContainer { get; }

    public string VerdictContainer { get; }

    public static async Task<AppInstance> StartAsync(AzuriteFixture azurite, string uploads, string images, string verdicts, bool watch)
    {
        var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Valar__Uploads__UploadContainer"] = uploads,
            ["Valar__Uploads__ImageContainer"] = images,
            ["Valar__Uploads__VerdictContainer"] = verdicts,
            ["Valar__Uploads__WatchUploads"] = watch ? "true" : "false",
            ["Valar__Uploads__PollIntervalSeconds"] = "0.2",
            ["Valar__Uploads__CreateContainers"] = "true",
            ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32",
        });
        return new AppInstance(host, uploads, images, verdicts);
    }

    /// <summary>POST /v1/uploads; asserts 201 and returns the body.</summary>
    public async Task<JsonElement> CreateUploadAsync()
    {
        using var response = await Http.PostAsync("/v1/uploads", content: null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await UploadFixture.ReadJsonAsync(response);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetStatusAsync(string id)
    {
        using var response = await Http.GetAsync($"/v1/uploads/{id}");
        return (response.StatusCode, await UploadFixture.ReadJsonAsync(response));
    }

    /// <summary>Polls the status until it is no longer pending (100 × 100 ms).</summary>
    public async Task<JsonElement> WaitForVerdictAsync(string id)
    {
        for (var i = 0; i < 100; i++)
        {
            var (status, body) = await GetStatusAsync(id);
            Assert.Equal(HttpStatusCode.OK, status);
            if (body.GetProperty("status").GetString() != "pending")
            {
                return body;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Upload {id} stayed pending for 10 s.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UploadCollection : ICollectionFixture<UploadFixture>
{
    public const string Name = "Uploads on Azurite";
}
