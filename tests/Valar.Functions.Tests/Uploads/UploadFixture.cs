using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Azurite;
using Valar.Validation;
using Valar.Validation.Images;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// A real Azurite (blob and queue services) on free loopback ports and two instances of the real worker, each behind
/// its own local Functions host on 127.0.0.1: <see cref="Polling"/>'s host polls the trigger's <c>uploads</c> container
/// (the Azurite poller: end-to-end tests, retries, the poison queue); <see cref="Manual"/>'s host does not poll, so its
/// deliveries come only from the Event Grid webhook or from tests calling the processor. Manual keeps its images and
/// records in containers of its own: when Polling's poller offers it one of Manual's uploads, Polling finds no record
/// and leaves the blob alone.
/// </summary>
public sealed class UploadFixture : IAsyncLifetime
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";
    public const long MaxImageBytes = 20 * 1024 * 1024;

    /// <summary>The app's checks for uploads with its defaults: 20 MiB, decode level.</summary>
    public static ImageCheckOptions Checks { get; } = new() { MaxImageBytes = MaxImageBytes, Integrity = ImageIntegrity.Decode };

    public AzuriteFixture Azurite { get; } = new();

    public AppInstance Polling { get; private set; } = null!;

    public AppInstance Manual { get; private set; } = null!;

    /// <summary>Direct storage access for assertions (never through the app).</summary>
    public BlobServiceClient Blobs { get; private set; } = null!;

    /// <summary>The queue service, where the local host writes poisoned blobs.</summary>
    public QueueServiceClient Queues { get; private set; } = null!;

    /// <summary>A plain client, as an uploading client would use.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Blobs = new BlobServiceClient(Azurite.ConnectionString, new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(Azurite.CreateHttpHandler())) });
        Queues = new QueueServiceClient(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = new HttpClientTransport(new HttpClient(Azurite.CreateHttpHandler())) });
        var polling = AppInstance.StartAsync(Azurite, "images", "verdicts", poll: true);
        var manual = AppInstance.StartAsync(Azurite, "t-images", "t-verdicts", poll: false);
        Polling = await polling;
        Manual = await manual;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Polling.DisposeAsync();
        await Manual.DisposeAsync();
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

    public async Task<bool> ExistsAsync(string container, string blob) =>
        (await Blobs.GetBlobContainerClient(container).GetBlobClient(blob).ExistsAsync()).Value;
}

/// <summary>One worker behind the local host, configured for the fixture's Azurite.</summary>
public sealed class AppInstance : IAsyncDisposable
{
    private AppInstance(FunctionsHost host, string images, string verdicts)
    {
        Host = host;
        BaseUri = host.BaseUri;
        ImageContainer = images;
        VerdictContainer = verdicts;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(120) };
    }

    public FunctionsHost Host { get; }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    /// <summary>The blob trigger's container (<c>uploads/{name}</c>), shared by both instances.</summary>
    public string UploadContainer => "uploads";

    public string ImageContainer { get; }

    public string VerdictContainer { get; }

    public static async Task<AppInstance> StartAsync(AzuriteFixture azurite, string images, string verdicts, bool poll)
    {
        var host = await FunctionsHost.StartAsync(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Valar__Uploads__ImageContainer"] = images,
                ["Valar__Uploads__VerdictContainer"] = verdicts,
                ["Valar__Uploads__CreateContainers"] = "true",
                ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32",
            },
            hostArguments: ["--blob-poll", poll ? "0.2" : "0", "--blob-retry-delay", "0.1"]);
        return new AppInstance(host, images, verdicts);
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

    /// <summary>Polls the status until it is no longer pending (at most 300 × 100 ms: a liveness bound, not a timing claim).</summary>
    public async Task<JsonElement> WaitForVerdictAsync(string id)
    {
        for (var i = 0; i < 300; i++)
        {
            var (status, body) = await GetStatusAsync(id);
            Assert.Equal(HttpStatusCode.OK, status);
            if (body.GetProperty("status").GetString() != "pending")
            {
                return body;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Upload {id} stayed pending for 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UploadCollection : ICollectionFixture<UploadFixture>
{
    public const string Name = "Uploads on Azurite";
}
