using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

[Collection(LoopbackCollection.Name)]
public sealed class ImageFetcherTests
{
    private const long TwentyMiB = 20_971_520;

    /// <summary>Deadlines on a fake clock, far past <see cref="Eventually.Bound"/>: only advancing the fake clock can reach them.</summary>
    private const int FakeDeadlineSeconds = 100;

    private static readonly TimeSpan JustBeforeFakeDeadline = TimeSpan.FromSeconds(FakeDeadlineSeconds) - TimeSpan.FromMilliseconds(1);

    private readonly LoopbackImageServer _server;

    public ImageFetcherTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task FetchAsync_Image200_ReturnsExactBytes()
    {
        var body = Bytes(4096);
        var path = UniquePath("ok");
        _server.MapBytes(path, body, "image/png");
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Fact]
    public async Task FetchAsync_ChunkedBody_ReturnsExactBytes()
    {
        var body = Bytes(300_000);
        var path = UniquePath("chunked");
        _server.MapBytes(path, body, chunked: true);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Fact]
    public async Task FetchAsync_EmptyBody_ReturnsNoBytes()
    {
        var path = UniquePath("empty");
        _server.MapBytes(path, []);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Null(result.Error);
        Assert.Equal(0, result.Content.Length);
    }

    [Fact]
    public async Task FetchAsync_Html200_ReturnsBytesForTheTypeCheckElsewhere()
    {
        var body = "<!doctype html><title>not an image</title>"u8.ToArray();
        var path = UniquePath("html");
        _server.MapBytes(path, body, "text/html; charset=utf-8");
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Fact]
    public async Task FetchAsync_Request_SendsUserAgentAcceptAndOriginalHost()
    {
        var path = UniquePath("headers");
        _server.MapBytes(path, Bytes(10));
        var resolver = new FakeHostResolver().Map("images.test", "127.0.0.1");
        using var fetcher = new ImageFetcher(LoopbackOptions(), resolver);

        using var result = await fetcher.FetchAsync(new Uri($"http://images.test:{_server.Port}{path}"), TwentyMiB);

        Assert.Null(result.Error);
        var request = Assert.Single(_server.Requests, r => r.Path == path);
        Assert.Equal("Valar.Functions/1.0 (image validation)", request.UserAgent);
        Assert.Equal("image/*", request.Accept);
        Assert.Equal($"images.test:{_server.Port}", request.Host);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(500)]
    [InlineData(204)]
    [InlineData(206)]
    [InlineData(304)]
    public async Task FetchAsync_Non200Status_ReturnsHttpStatusMessage(int status)
    {
        var path = UniquePath("status");
        _server.MapStatus(path, status);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal(new ValidationError(ValidationErrorCode.DownloadFailed, $"failed to download image: HTTP {status}"), result.Error);
        Assert.Equal(0, result.Content.Length);
    }

    [Fact]
    public async Task FetchAsync_UnregisteredPath_Returns404Message()
    {
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(UniquePath("missing")), TwentyMiB);

        Assert.Equal("failed to download image: HTTP 404", result.Error?.Message);
    }

    [Theory]
    [InlineData(1_000, false)]
    [InlineData(1_000, true)]
    [InlineData(100_000, false)]
    [InlineData(100_000, true)]
    public async Task FetchAsync_BodyOfExactlyMaxBytes_IsAccepted(int maxBytes, bool chunked)
    {
        var body = Bytes(maxBytes);
        var path = UniquePath("exact");
        _server.MapBytes(path, body, chunked: chunked);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), maxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Theory]
    [InlineData(1_000, false)]
    [InlineData(1_000, true)]
    [InlineData(100_000, false)]
    [InlineData(100_000, true)]
    public async Task FetchAsync_BodyOfMaxBytesPlusOne_IsTooLarge(int maxBytes, bool chunked)
    {
        var path = UniquePath("over");
        _server.MapBytes(path, Bytes(maxBytes + 1), chunked: chunked);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), maxBytes);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.ImageTooLarge, $"image too large: exceeds maximum of {maxBytes} bytes"),
            result.Error);
    }

    [Fact]
    public async Task FetchAsync_EndlessChunkedBody_StopsAtTheCap()
    {
        var path = UniquePath("endless");
        _server.MapEndless(path);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 5));

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal("image too large: exceeds maximum of 20971520 bytes", result.Error?.Message);
    }

    [Fact]
    public async Task FetchAsync_HeadersNeverSent_TimesOutAtTheDeadline()
    {
        var path = UniquePath("silent");
        _server.MapNoResponse(path);
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds), timeProvider: clock);

        var fetch = fetcher.FetchAsync(_server.Url(path), TwentyMiB);
        await Eventually.HoldsAsync(() => _server.RequestCount(path) == 1, "the request reaches the server");
        clock.Advance(JustBeforeFakeDeadline);
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        Assert.Equal(new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: timed out after 100 s"), result.Error);
    }

    [Fact]
    public async Task FetchAsync_BodyBytesKeepArriving_TimesOutAtTheTotalDeadlineNotPerRead()
    {
        var path = UniquePath("gated-drip");
        var drip = new GatedDrip(declaredLength: 20);
        _server.Map(path, drip.HandleAsync);
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds), timeProvider: clock);

        var fetch = fetcher.FetchAsync(_server.Url(path), TwentyMiB);
        await drip.SendByteAsync();
        clock.Advance(TimeSpan.FromSeconds(60));
        await drip.SendByteAsync();
        clock.Advance(TimeSpan.FromSeconds(40) - TimeSpan.FromMilliseconds(1));
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        // A per-read timeout would restart at the second byte and still be waiting at 100 s.
        Assert.Equal("failed to download image: timed out after 100 s", result.Error?.Message);
    }

    [Fact]
    public async Task FetchAsync_DeadlineWithFractionalSeconds_IsReportedAsConfigured()
    {
        var path = UniquePath("silent-fraction");
        _server.MapNoResponse(path);
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds + 0.5), timeProvider: clock);

        var fetch = fetcher.FetchAsync(_server.Url(path), TwentyMiB);
        clock.Advance(JustBeforeFakeDeadline + TimeSpan.FromSeconds(0.5));
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        Assert.Equal("failed to download image: timed out after 100.5 s", result.Error?.Message);
    }

    [Fact]
    public async Task FetchAsync_ContentLengthLargerThanBodyThenClose_FailsWithoutTheDeadline()
    {
        var path = UniquePath("lying");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: 1000);
        // The clock never moves: the answer cannot come from the deadline.
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 5), timeProvider: new FakeTimeProvider());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB).WaitAsync(Eventually.Bound);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: connection closed before the whole body was received"),
            result.Error);
    }

    [Fact]
    public async Task FetchAsync_ContentLengthLargerThanBodyHeldOpen_TimesOutAtTheDeadline()
    {
        var path = UniquePath("lying-open");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: 1000, holdOpen: true);
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds), timeProvider: clock);

        var fetch = fetcher.FetchAsync(_server.Url(path), TwentyMiB);
        await Eventually.HoldsAsync(() => _server.RequestCount(path) == 1, "the request reaches the server");
        clock.Advance(JustBeforeFakeDeadline);
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        Assert.Equal("failed to download image: timed out after 100 s", result.Error?.Message);
    }

    [Fact]
    public async Task FetchAsync_ContentLengthOverMax_IsRefusedWithoutReadingTheBody()
    {
        var path = UniquePath("declared-over");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: TwentyMiB + 1, holdOpen: true);
        var pool = new CountingArrayPool();
        // The server holds the body open and the clock never moves: only the header can give this answer.
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 5), timeProvider: new FakeTimeProvider(), bufferPool: pool);

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB).WaitAsync(Eventually.Bound);

        Assert.Equal("image too large: exceeds maximum of 20971520 bytes", result.Error?.Message);
        Assert.Equal(0, pool.Rentals);
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(TwentyMiB)]
    public async Task FetchAsync_SlowServersDeclaringLargeBodies_HoldOnlyTheFirstBufferEach(long declaredLength)
    {
        // Each server declares a large body, sends 10 bytes and goes quiet until the deadline.
        const int Servers = 8;
        var paths = Enumerable.Range(0, Servers).Select(i => UniquePath($"declares-{declaredLength}-{i}")).ToArray();
        foreach (var path in paths)
        {
            _server.MapLyingContentLength(path, Bytes(10), declaredLength, holdOpen: true);
        }

        var pool = new CountingArrayPool();
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds), timeProvider: clock, bufferPool: pool);

        var fetches = paths.Select(path => fetcher.FetchAsync(_server.Url(path), TwentyMiB)).ToArray();
        await Eventually.HoldsAsync(() => pool.Rentals == Servers, "every fetch reaches its body");
        var held = pool.OutstandingBytes;
        clock.Advance(TimeSpan.FromSeconds(FakeDeadlineSeconds));
        var results = await Task.WhenAll(fetches).WaitAsync(Eventually.Bound);

        // Before: Content-Length + 1 up front, which the shared pool rounds up (32 MiB per server for 20 MB declared).
        Assert.Equal(Servers * ImageFetcher.InitialBufferSize, held);
        Assert.All(results, result => Assert.Equal("failed to download image: timed out after 100 s", result.Error?.Message));
        Assert.Equal(0, pool.OutstandingBytes);
    }

    [Fact]
    public async Task FetchAsync_BodyLargerThanTheFirstBuffer_GrowsAsBytesArriveAndReturnsEveryBuffer()
    {
        var body = Bytes(3 * 1024 * 1024 + 5);
        var path = UniquePath("grows");
        _server.MapBytes(path, body);
        var pool = new CountingArrayPool();
        using var fetcher = new ImageFetcher(LoopbackOptions(), bufferPool: pool);

        var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);
        var content = result.Content.ToArray();
        var heldWhileOwned = pool.OutstandingBytes;
        result.Dispose();

        Assert.Equal(body, content);
        Assert.Equal(4 * 1024 * 1024, heldWhileOwned);
        Assert.Equal(0, pool.OutstandingBytes);
    }

    [Fact]
    public async Task FetchAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var path = UniquePath("cancel");
        _server.MapNoResponse(path);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 10));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(_server.Url(path), TwentyMiB, caller.Token));
    }

    [Fact]
    public async Task FetchAsync_CallerCancelsDuringBody_ThrowsOperationCanceled()
    {
        var path = UniquePath("cancel-body");
        _server.MapDrip(path, Bytes(20), TimeSpan.FromMilliseconds(100));
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 10));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(_server.Url(path), TwentyMiB, caller.Token));
    }

    [Fact]
    public async Task FetchAsync_NothingListening_ReturnsConnectionRefused()
    {
        var port = FreeLoopbackPort();
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(new Uri($"http://127.0.0.1:{port}/image.png"), TwentyMiB);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: connection failed (connection refused)"),
            result.Error);
    }

    [Fact]
    public async Task FetchAsync_UnknownHost_ReturnsCouldNotResolve()
    {
        using var fetcher = new ImageFetcher(LoopbackOptions(), new FakeHostResolver());

        using var result = await fetcher.FetchAsync(new Uri("https://nowhere.test/cat.png"), TwentyMiB);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: could not resolve host 'nowhere.test'"),
            result.Error);
    }

    [Fact]
    public async Task FetchAsync_ResolverNeverAnswers_TimesOutAtTheDeadline()
    {
        var resolver = new SilentResolver();
        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(FakeDeadlineSeconds), resolver, clock);

        var fetch = fetcher.FetchAsync(new Uri("http://slow-dns.test/cat.png"), TwentyMiB);
        await Eventually.HoldsAsync(() => resolver.Lookups == 1, "the name is looked up");
        clock.Advance(JustBeforeFakeDeadline);
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        Assert.Equal("failed to download image: timed out after 100 s", result.Error?.Message);
    }

    [Fact]
    public async Task FetchAsync_HostWithNoAddresses_ReturnsCouldNotResolve()
    {
        using var fetcher = new ImageFetcher(LoopbackOptions(), new FakeHostResolver().Map("empty.test"));

        using var result = await fetcher.FetchAsync(new Uri("http://empty.test/cat.png"), TwentyMiB);

        Assert.Equal("failed to download image: could not resolve host 'empty.test'", result.Error?.Message);
    }

    [Theory]
    [InlineData("ftp://example.com/cat.png", "ftp")]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("gopher://127.0.0.1:70/", "gopher")]
    [InlineData("ws://example.com/", "ws")]
    public async Task FetchAsync_NonHttpScheme_ReturnsUnsupportedScheme(string url, string scheme)
    {
        var resolver = new FakeHostResolver();
        using var fetcher = new ImageFetcher(LoopbackOptions(), resolver);

        using var result = await fetcher.FetchAsync(new Uri(url), TwentyMiB);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.UnsupportedUrlScheme, $"unsupported URL scheme '{scheme}': only http and https URLs are allowed"),
            result.Error);
        Assert.Equal(0, resolver.Lookups("example.com"));
    }

    [Fact]
    public async Task Dispose_Twice_ReturnsTheBufferOnce()
    {
        var path = UniquePath("dispose");
        _server.MapBytes(path, Bytes(10));
        using var fetcher = new ImageFetcher(LoopbackOptions());
        var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        result.Dispose();
        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => result.Content);
    }

    /// <summary>A resolver that never answers and ignores cancellation, like a stuck DNS server.</summary>
    private sealed class SilentResolver : IHostResolver
    {
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _lookups);
            return new TaskCompletionSource<IPAddress[]>().Task;
        }
    }

    /// <summary>Declares a body, then sends one byte each time the test asks, so the test decides when bytes arrive.</summary>
    private sealed class GatedDrip(int declaredLength)
    {
        private readonly SemaphoreSlim _send = new(0);
        private readonly SemaphoreSlim _sent = new(0);

        public async Task HandleAsync(HttpContext context)
        {
            context.Response.ContentType = "image/png";
            context.Response.ContentLength = declaredLength;
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < declaredLength; i++)
            {
                await _send.WaitAsync(context.RequestAborted);
                await context.Response.Body.WriteAsync(new byte[] { 0x42 }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                _sent.Release();
            }

            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        /// <summary>Sends the next byte and returns once it has left the server, plus a moment for the client to read it.</summary>
        public async Task SendByteAsync()
        {
            _send.Release();
            Assert.True(await _sent.WaitAsync(Eventually.Bound), "the server sent the byte");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
