using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;

namespace Valar.Functions.Tests.Security;

/// <summary>
/// Two copies of the real worker, each behind its own local Functions host on 127.0.0.1, and a hostile image server beside them:
/// <list type="bullet">
/// <item><see cref="Open"/> allows exactly 127.0.0.1/32, so it fetches from the hostile server (slow and lying responses);</item>
/// <item><see cref="Closed"/> allows nothing, has a 256 KiB body limit and resolves names only from its configured table
/// (<c>Valar__Fetch__Hosts__*</c> with <c>Valar__Fetch__UseDns=false</c>: never DNS), for the SSRF table and the HTTP
/// fuzz: nothing it is given can connect anywhere.</item>
/// </list>
/// The slow cases all start when the fixture starts and run concurrently, so they cost one 10 s deadline, not one each.
/// </summary>
public sealed class HostileServersFixture : IAsyncLifetime
{
    public const string VisionModel = "moonshotai/Kimi-K2.6";
    public const long MaxImageBytes = 20L * 1024 * 1024;
    public const long ClosedBodyLimit = 256 * 1024;

    private readonly Dictionary<string, Task<Observed>> _slowCases = [];
    private FunctionsHost? _open;
    private FunctionsHost? _closed;
    private LoopbackImageServer? _images;
    private RawEndlessServer? _endless;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Open { get; private set; } = null!;

    public Uri Closed { get; private set; } = null!;

    public LoopbackImageServer Images => _images ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// Bytes the endless server handed to the kernel before the app hung up. A raw socket server, not Kestrel: Kestrel keeps
    /// completing writes into a connection the client has already closed until it notices, which would count bytes never sent.
    /// </summary>
    public ByteCounter Endless { get; } = new();

    /// <summary><see cref="Endless"/>'s count when the app's 413/400 answer arrived.</summary>
    public long EndlessBytesAtAnswer { get; private set; }

    public async Task InitializeAsync()
    {
        _images = await LoopbackImageServer.StartAsync();
        MapHostileRoutes(_images);
        _endless = RawEndlessServer.Start(Endless);
        var open = FunctionsHost.StartAsync(new Dictionary<string, string> { ["Valar__Fetch__AllowedNetworks__0"] = "127.0.0.1/32" });
        var closed = FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Valar__MaxRequestBodyBytes"] = ClosedBodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Valar__Fetch__UseDns"] = "false",
            ["Valar__Fetch__Hosts__internal.test__0"] = "10.0.0.7",
            ["Valar__Fetch__Hosts__metadata.invalid__0"] = "169.254.169.254",
            ["Valar__Fetch__Hosts__mixed.test__0"] = "8.8.8.8",
            ["Valar__Fetch__Hosts__mixed.test__1"] = "192.168.1.1",
            ["Valar__Fetch__Hosts__localhost__0"] = "127.0.0.1",
            ["Valar__Fetch__Hosts__localhost__1"] = "::1",
        });
        _open = await open;
        _closed = await closed;
        Open = _open.BaseUri;
        Closed = _closed.BaseUri;
        foreach (var (name, slowCase) in Security.SlowCase.All)
        {
            _slowCases[name] = ObserveAsync(slowCase);
        }
    }

    public Task<Observed> SlowCase(string name) => _slowCases[name];

    public async Task<Observed> PostAsync(Uri app, string path, byte[] body, bool chunked = false, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, path));
        // With 100-continue the client waits for the app's verdict on the Content-Length before sending an oversized body.
        request.Headers.ExpectContinue = expectContinue;
        using var content = chunked ? new StreamContent(new MemoryStream(body)) : (HttpContent)new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var clock = Stopwatch.StartNew();
        request.Content = content;
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        clock.Stop();
        return new Observed((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, clock.Elapsed);
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_slowCases.Values).ContinueWith(_ => { }, TaskScheduler.Default);
        Http.Dispose();
        foreach (var app in new[] { _open, _closed })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        _endless?.Dispose();
        if (_images is not null)
        {
            await _images.DisposeAsync();
        }
    }

    private void MapHostileRoutes(LoopbackImageServer server)
    {
        var limit = (int)MaxImageBytes;
        server
            .MapNoResponse("/never.png")
            .MapDrip("/drip.png", new byte[1024 * 1024], TimeSpan.FromSeconds(1))
            .MapLyingContentLength("/short-held.png", TestImages.Png(4, 4), declaredLength: 100_000, holdOpen: true)
            .MapLyingContentLength("/short-closed.png", TestImages.Png(4, 4), declaredLength: 100_000)
            .MapBytes("/page.html", "<!DOCTYPE html><html><body>login</body></html>"u8.ToArray(), "text/html")
            .MapBytes("/page-as-png.png", "<html><body>not a png</body></html>"u8.ToArray(), "image/png")
            .MapRedirect("/to-file", "file:///etc/passwd")
            .MapRedirect("/to-gopher", "gopher://127.0.0.1:6379/_FLUSHALL", StatusCodes.Status301MovedPermanently)
            .MapRedirect("/to-ftp", "ftp://127.0.0.1/cat.png", StatusCodes.Status307TemporaryRedirect)
            .Map("/limit-plus-one-then-stall.png", context => WriteThenStallAsync(context, limit + 1))
            .Map("/limit-then-stall.png", context => WriteThenStallAsync(context, limit));
    }

    /// <summary>A chunked body of exactly <paramref name="bytes"/> bytes, then silence with the connection open.</summary>
    private static async Task WriteThenStallAsync(HttpContext context, int bytes)
    {
        context.Response.ContentType = "image/png";
        var png = TestImages.Png(8, 8);
        var body = new byte[bytes];
        png.CopyTo(body, 0);
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
    }

    private async Task<Observed> ObserveAsync(SlowCase slowCase)
    {
        var urls = slowCase.Paths.Select(path => (path == "/endless.png" ? _endless!.Url : Images.Url(path)).AbsoluteUri).ToArray();
        var observed = await PostAsync(Open, slowCase.Surface.Path, slowCase.Surface.Body(VisionModel, urls));
        if (slowCase.Paths.Contains("/endless.png"))
        {
            EndlessBytesAtAnswer = Endless.Bytes;
        }

        return observed;
    }
}

/// <summary>What came back: status, content type, body, and how long it took.</summary>
public sealed record Observed(int Status, string? ContentType, string Body, TimeSpan Elapsed)
{
    /// <summary><c>error.message</c>, which both the OpenAI and the Anthropic envelopes have.</summary>
    public string? ErrorMessage =>
        JsonDocument.Parse(Body).RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message)
            ? message.GetString()
            : null;
}

/// <summary>Counts bytes written by a server route and signals when the route ended.</summary>
public sealed class ByteCounter
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public Task Finished => _finished.Task;

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void Finish() => _finished.TrySetResult();
}

/// <summary>
/// Answers every connection on 127.0.0.1 with a chunked image body that never ends, counting what each send handed to the
/// kernel; it stops when the peer hangs up (or at 1 GiB).
/// </summary>
internal sealed class RawEndlessServer : IDisposable
{
    private readonly TcpListener _listener;

    private RawEndlessServer(TcpListener listener, ByteCounter counter)
    {
        _listener = listener;
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/endless.png");
        _ = AcceptAsync(counter);
    }

    public Uri Url { get; }

    public static RawEndlessServer Start(ByteCounter counter)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RawEndlessServer(listener, counter);
    }

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync(ByteCounter counter)
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                _ = ServeAsync(socket, counter);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static async Task ServeAsync(Socket socket, ByteCounter counter)
    {
        using (socket)
        {
            try
            {
                var request = new byte[16 * 1024];
                var received = 0;
                while (received < request.Length && request.AsSpan(0, received).IndexOf("\r\n\r\n"u8) < 0)
                {
                    var read = await socket.ReceiveAsync(request.AsMemory(received));
                    if (read == 0)
                    {
                        return;
                    }

                    received += read;
                }

                await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray());
                var data = new byte[64 * 1024];
                TestImages.Png(8, 8).CopyTo(data, 0);
                byte[] chunk = [.. "10000\r\n"u8, .. data, .. "\r\n"u8];
                while (counter.Bytes < (1L << 30))
                {
                    await socket.SendAsync(chunk);
                    counter.Add(data.Length);
                }
            }
            catch (SocketException)
            {
                // The app hung up: that is the point.
            }
            finally
            {
                counter.Finish();
            }
        }
    }
}

/// <summary>A request surface: where to post and how to put image URLs in a body.</summary>
public sealed record Surface(string Name, string Path)
{
    public static readonly Surface Chat = new("chat.completions", "/v1/chat/completions");
    public static readonly Surface Responses = new("responses", "/v1/responses");
    public static readonly Surface Messages = new("messages", "/v1/messages");
    public static readonly Surface[] All = [Chat, Responses, Messages];

    public byte[] Body(string model, params string[] urls)
    {
        var parts = urls.Select(url => this == Responses
            ? (object)new Dictionary<string, object> { ["type"] = "input_image", ["image_url"] = url }
            : this == Chat
                ? new Dictionary<string, object> { ["type"] = "image_url", ["image_url"] = new Dictionary<string, string> { ["url"] = url } }
                : new Dictionary<string, object> { ["type"] = "image", ["source"] = new Dictionary<string, string> { ["type"] = "url", ["url"] = url } });
        var message = new Dictionary<string, object> { ["role"] = "user", ["content"] = parts.ToArray() };
        var body = new Dictionary<string, object> { ["model"] = model, [this == Responses ? "input" : "messages"] = new[] { message } };
        if (this == Messages)
        {
            body["max_tokens"] = 16;
        }

        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    public string UrlPath(int index) => this == Chat
        ? $"messages[0].content[{index}].image_url.url"
        : this == Responses ? $"input[0].content[{index}].image_url" : $"messages[0].content[{index}].source.url";

    public override string ToString() => Name;
}

/// <summary>One slow or lying server case: the URLs (paths on the hostile server) and the surface it is sent on.</summary>
public sealed record SlowCase(Surface Surface, params string[] Paths)
{
    public static readonly IReadOnlyDictionary<string, SlowCase> All = new Dictionary<string, SlowCase>
    {
        ["headers never sent"] = new(Surface.Chat, "/never.png"),
        ["one byte per second forever"] = new(Surface.Responses, "/drip.png"),
        ["content-length larger than the body, held open"] = new(Surface.Messages, "/short-held.png"),
        ["content-length larger than the body, then closed"] = new(Surface.Chat, "/short-closed.png"),
        ["endless body without content-length"] = new(Surface.Responses, "/endless.png"),
        ["limit plus one byte, then silence"] = new(Surface.Messages, "/limit-plus-one-then-stall.png"),
        ["exactly the limit, then silence"] = new(Surface.Chat, "/limit-then-stall.png"),
        ["200 with an HTML body"] = new(Surface.Responses, "/page.html"),
        ["HTML body labelled image/png"] = new(Surface.Messages, "/page-as-png.png"),
        ["302 to file:///etc/passwd"] = new(Surface.Chat, "/to-file"),
        ["301 to gopher://"] = new(Surface.Responses, "/to-gopher"),
        ["307 to ftp://"] = new(Surface.Messages, "/to-ftp"),
        ["three stalled URLs in one request"] = new(Surface.Chat, "/never.png", "/drip.png", "/short-held.png"),
    };
}

[CollectionDefinition(Name)]
public sealed class HostileServersCollection : ICollectionFixture<HostileServersFixture>
{
    public const string Name = "Security: hostile servers";
}
