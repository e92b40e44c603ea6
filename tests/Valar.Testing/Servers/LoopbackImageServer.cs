using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Valar.Testing.Servers;

/// <summary>
/// An in-process Kestrel server on a loopback address with routes registered by the test: bytes, status codes,
/// redirects, slow and broken responses. Counts requests per path so tests can prove nothing connected.
/// Every handler ends when the client goes away or the server is disposed.
/// </summary>
public sealed class LoopbackImageServer : IAsyncDisposable
{
    private const long EndlessBodyCap = 1L << 30;

    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebApplication _app;
    private int _totalRequests;

    private LoopbackImageServer(WebApplication app) => _app = app;

    /// <summary>Root of the server, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The loopback address the server listens on.</summary>
    public IPAddress Address { get; private set; } = IPAddress.Loopback;

    /// <summary>The port the server listens on.</summary>
    public int Port => BaseUri.Port;

    /// <summary>Requests received on any path, registered or not (proxy-style requests included).</summary>
    public int TotalRequestCount => Volatile.Read(ref _totalRequests);

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyCollection<LoopbackRequest> Requests => [.. _requests];

    /// <summary>
    /// Starts a server on <paramref name="address"/> (default 127.0.0.1; any 127.0.0.0/8 address or ::1) and
    /// <paramref name="port"/> (default: a free one).
    /// </summary>
    public static async Task<LoopbackImageServer> StartAsync(
        IPAddress? address = null, int port = 0, CancellationToken cancellationToken = default)
    {
        address ??= IPAddress.Loopback;
        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"Test servers bind loopback addresses only, not {address}.", nameof(address));
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The drip route sends 1 byte/s on purpose; Kestrel would otherwise cut it off as too slow.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(address, port);
        });
        var app = builder.Build();
        var server = new LoopbackImageServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var boundUri = new Uri(bound);
        server.Address = address;
        server.BaseUri = new UriBuilder(Uri.UriSchemeHttp, address.ToString(), boundUri.Port).Uri;
        return server;
    }

    /// <summary>Absolute URL of <paramref name="path"/> on this server.</summary>
    public Uri Url(string path) => new(BaseUri, path);

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int RequestCount(string path) => _counts.TryGetValue(path, out var count) ? count : 0;

    /// <summary>Serves <paramref name="handler"/> at <paramref name="path"/>; it should honour <c>RequestAborted</c>.</summary>
    public LoopbackImageServer Map(string path, RequestDelegate handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(handler);
        _routes[path] = handler;
        return this;
    }

    /// <summary>Serves <paramref name="body"/>, with a Content-Length unless <paramref name="chunked"/>.</summary>
    public LoopbackImageServer MapBytes(
        string path, byte[] body, string contentType = "image/png", int statusCode = StatusCodes.Status200OK, bool chunked = false) =>
        Map(path, async context =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = contentType;
            if (!chunked)
            {
                context.Response.ContentLength = body.Length;
            }

            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });

    /// <summary>Answers <paramref name="statusCode"/> with an empty body.</summary>
    public LoopbackImageServer MapStatus(string path, int statusCode) =>
        Map(path, context =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });

    /// <summary>Redirects to <paramref name="location"/>, sent verbatim (relative, absolute, any scheme).</summary>
    public LoopbackImageServer MapRedirect(string path, string location, int statusCode = StatusCodes.Status302Found) =>
        Map(path, context =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.Headers.Location = location;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });

    /// <summary>Waits <paramref name="delay"/> before sending headers, then serves <paramref name="body"/>.</summary>
    public LoopbackImageServer MapDelayed(string path, TimeSpan delay, byte[] body, string contentType = "image/png") =>
        Map(path, async context =>
        {
            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });

    /// <summary>Never sends headers; holds the request until the client leaves or the server stops.</summary>
    public LoopbackImageServer MapNoResponse(string path) =>
        Map(path, context => Task.Delay(Timeout.Infinite, context.RequestAborted));

    /// <summary>Sends headers (with the full Content-Length), then one byte of <paramref name="body"/> per <paramref name="interval"/>.</summary>
    public LoopbackImageServer MapDrip(string path, byte[] body, TimeSpan interval, string contentType = "image/png") =>
        Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            for (var i = 0; i < body.Length; i++)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(i, 1), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                await Task.Delay(interval, context.RequestAborted).ConfigureAwait(false);
            }
        });

    /// <summary>
    /// Declares <paramref name="declaredLength"/> bytes but sends only <paramref name="body"/>, then closes the
    /// connection (or, with <paramref name="holdOpen"/>, keeps it open and silent).
    /// </summary>
    public LoopbackImageServer MapLyingContentLength(
        string path, byte[] body, long declaredLength, bool holdOpen = false, string contentType = "image/png") =>
        Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = declaredLength;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            // Give the client time to read what was sent, even on a loaded machine: an abort resets the connection and the
            // kernel discards data the client has not read yet.
            await Task.Delay(holdOpen ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(2), context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        });

    /// <summary>Streams a chunked body that never ends (capped at 1 GiB) until the client leaves.</summary>
    public LoopbackImageServer MapEndless(string path, string contentType = "image/png") =>
        Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            var chunk = new byte[16 * 1024];
            for (long sent = 0; sent < EndlessBodyCap; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            }
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        _counts.AddOrUpdate(path, 1, (_, count) => count + 1);
        Interlocked.Increment(ref _totalRequests);
        var headers = context.Request.Headers;
        _requests.Enqueue(new LoopbackRequest(
            context.Request.Method, path, headers.Host.ToString(), headers.UserAgent.ToString(), headers.Accept.ToString()));

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        context.RequestAborted = aborted.Token;
        if (!_routes.TryGetValue(path, out var handler))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            context.Abort();
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            context.Abort();
        }
    }
}
