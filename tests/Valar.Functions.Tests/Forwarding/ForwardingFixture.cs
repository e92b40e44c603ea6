using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using Anthropic;
using Anthropic.Core;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;
using Valar.Testing.Servers;

namespace Valar.Functions.Tests.Forwarding;

/// <summary>
/// The real worker behind the local Functions host, with models that forward to a <see cref="FakeModelServer"/> on
/// 127.0.0.1 (and one whose upstream port is closed), and an image server for URL images. Everything on 127.0.0.1.
/// </summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    /// <summary>Forwards to the fake model server, URL images inlined, client credentials passed through.</summary>
    public const string Model = "fwd/vision";

    /// <summary>Forwards with its own key in x-api-key.</summary>
    public const string KeyedModel = "fwd/keyed";

    /// <summary>An upstream whose port nothing listens on.</summary>
    public const string UnreachableModel = "fwd/unreachable";

    /// <summary>Forwards with a one-second deadline for the answer to begin.</summary>
    public const string ImpatientModel = "fwd/impatient";

    /// <summary>Forwards with inlining off: URL images reach the upstream as URLs.</summary>
    public const string PlainModel = "fwd/plain";

    public const string UpstreamKey = "sk-upstream-secret-7d1c";

    public static readonly byte[] CatPng = TestImages.Png(64, 48);

    private FunctionsHost? _host;

    public FakeModelServer Upstream { get; private set; } = null!;

    public LoopbackImageServer Images { get; private set; } = null!;

    public FunctionsHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public Uri BaseUri => Host.BaseUri;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        Upstream = await FakeModelServer.StartAsync();
        Images = await LoopbackImageServer.StartAsync();
        Images.MapBytes("/cat.png", CatPng, "image/png").MapBytes("/bitmap.bmp", TestImages.Bmp(4, 4), "image/bmp");

        var upstream = Upstream.BaseUri.ToString().TrimEnd('/');
        var values = new Dictionary<string, string>
        {
            ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32",
            ["VALAR_TEST_UPSTREAM_KEY"] = UpstreamKey,

            // Every log line reaches the host's output, where the tests look for leaks.
            ["Logging__LogLevel__Default"] = "Trace",
        };
        string[][] models =
        [
            [Model, upstream],
            [KeyedModel, upstream],
            [UnreachableModel, $"http://127.0.0.1:{ClosedPort()}"],
            [ImpatientModel, upstream],
            [PlainModel, upstream],
        ];
        for (var index = 0; index < models.Length; index++)
        {
            // appsettings.json holds models 0-2; these come after them.
            var prefix = $"Valar__Models__{index + 3}__";
            values[prefix + "Id"] = models[index][0];
            values[prefix + "SupportsImages"] = "true";
            values[prefix + "Upstream__BaseUrl"] = models[index][1];
        }

        values["Valar__Models__4__Upstream__CredentialSetting"] = "VALAR_TEST_UPSTREAM_KEY";
        values["Valar__Models__4__Upstream__CredentialHeader"] = "x-api-key";
        values["Valar__Models__6__Upstream__ResponseTimeoutSeconds"] = "1";
        values["Valar__Models__7__Upstream__InlineImages"] = "false";
        _host = await FunctionsHost.StartAsync(values);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Images.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    public Uri ImageUrl(string path) => Images.Url(path);

    public ChatClient ChatClient(string model = Model) =>
        new(model, new ApiKeyCredential("client-key"), new OpenAIClientOptions { Endpoint = new Uri(BaseUri, "/v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    public ResponsesClient ResponsesClient() =>
        new(new ApiKeyCredential("client-key"), new ResponsesClientOptions { Endpoint = new Uri(BaseUri, "/v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    public AnthropicClient AnthropicClient() =>
        new(new ClientOptions { BaseUrl = BaseUri.ToString().TrimEnd('/'), ApiKey = "client-key", MaxRetries = 0, Timeout = TimeSpan.FromSeconds(60) });

    /// <summary>A loopback port nothing listens on: bound, read and released.</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ForwardingCollection : ICollectionFixture<ForwardingFixture>
{
    public const string Name = "Forwarding";
}
