using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Anthropic.Core;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;
using Valar.Testing.Servers;

namespace Valar.Functions.Tests.Http;

/// <summary>
/// The shared fixture of the HTTP and SDK tests: the real isolated worker behind the local Functions host on
/// 127.0.0.1 (<see cref="FunctionsHost"/>), an image server beside it on 127.0.0.1, and the official SDKs pointed at
/// the host. Only 127.0.0.1/32 is allowed as an extra network, so every other private address stays blocked.
/// </summary>
public sealed class ValarServerFixture : IAsyncLifetime
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";
    public const string TextModel = "deepseek-ai/DeepSeek-V3.1";

    public static readonly byte[] CatPng = TestImages.Png(64, 48);
    public static readonly byte[] PhotoJpeg = TestImages.JpegHeader(1920, 1080);
    public static readonly byte[] AnimatedGif = TestImages.Gif(32, 32, frames: 3);

    private FunctionsHost? _host;
    private LoopbackImageServer? _images;

    public LoopbackImageServer Images => _images ?? throw new InvalidOperationException("Not started.");

    public Uri BaseUri { get; private set; } = null!;

    public FunctionsHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _images = await LoopbackImageServer.StartAsync();
        _images
            .MapBytes("/cat.png", CatPng, "image/png")
            .MapBytes("/photo.jpg", PhotoJpeg, "image/jpeg")
            .MapBytes("/animated.gif", AnimatedGif, "image/gif")
            .MapBytes("/oversized.png", TestImages.Png(8, 8, padToBytes: (20 * 1024 * 1024) + 1), "image/png")
            .MapBytes("/bitmap.bmp", TestImages.Bmp(4, 4), "image/bmp")
            .MapBytes("/page.html", "<!DOCTYPE html><html><body>not an image</body></html>"u8.ToArray(), "text/html")
            .MapStatus("/missing.png", 404)
            .MapNoResponse("/never.png")
            .MapRedirect("/redirect.png", "/cat.png")
            .MapRedirect("/redirect-metadata.png", "http://169.254.169.254/latest/meta-data/");

        _host = await FunctionsHost.StartAsync(new Dictionary<string, string> { ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32" });
        BaseUri = _host.BaseUri;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_images is not null)
        {
            await _images.DisposeAsync();
        }
    }

    public Uri ImageUrl(string path) => Images.Url(path);

    public ChatClient ChatClient(string model = VisionModel) =>
        new(model, new ApiKeyCredential("test-key"), OpenAiOptions());

    public ResponsesClient ResponsesClient() =>
        new(new ApiKeyCredential("test-key"), new ResponsesClientOptions { Endpoint = new Uri(BaseUri, "/v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    public AnthropicClient AnthropicClient() =>
        new(new ClientOptions { BaseUrl = BaseUri.ToString().TrimEnd('/'), ApiKey = "test-key", MaxRetries = 0, Timeout = TimeSpan.FromSeconds(60) });

    private OpenAIClientOptions OpenAiOptions() =>
        new() { Endpoint = new Uri(BaseUri, "/v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) };
}

[CollectionDefinition(Name)]
public sealed class ValarServerCollection : ICollectionFixture<ValarServerFixture>
{
    public const string Name = "Valar server";
}
