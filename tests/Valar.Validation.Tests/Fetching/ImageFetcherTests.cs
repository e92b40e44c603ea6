using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

[Collection(LoopbackCollection.Name)]
public sealed class ImageFetcherTests
{
    private const long TwentyMiB = 20_971_520;

    private readonly LoopbackImageServer _server;

    public ImageFetcherTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task FetchAsync_Image200_ReturnsExactBytesAndContentType()
    {
        var body = Bytes(4096);
        var path = UniquePath("ok");
        _server.MapBytes(path, body, "image/png");
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Null(result.Error);
        Assert.True(result.IsSuccess);
        Assert.Equal(body, result.Content.ToArray());
        Assert.Equal("image/png", result.ContentType);
        Assert.Equal(_server.Url(path), result.FinalUrl);
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
        Assert.Equal("text/html; charset=utf-8", result.ContentType);
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
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 1));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal(new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: timed out after 1 s"), result.Error);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task FetchAsync_DripBodyFasterThanAnyPerReadTimeout_TimesOutAtTheTotalDeadline()
    {
        var path = UniquePath("drip");
        _server.MapDrip(path, Bytes(20), TimeSpan.FromMilliseconds(300));
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 1));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal("failed to download image: timed out after 1 s", result.Error?.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task FetchAsync_DripBodyOneBytePerSecond_TimesOutAtTheTotalDeadline()
    {
        var path = UniquePath("drip1s");
        _server.MapDrip(path, Bytes(10), TimeSpan.FromSeconds(1));
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 1.5));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal("failed to download image: timed out after 1.5 s", result.Error?.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task FetchAsync_ContentLengthLargerThanBodyThenClose_FailsBeforeTheDeadline()
    {
        var path = UniquePath("lying");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: 1000);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 5));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.DownloadFailed, "failed to download image: connection closed before the whole body was received"),
            result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task FetchAsync_ContentLengthLargerThanBodyHeldOpen_TimesOut()
    {
        var path = UniquePath("lying-open");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: 1000, holdOpen: true);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 1));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal("failed to download image: timed out after 1 s", result.Error?.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task FetchAsync_ContentLengthOverMax_IsRefusedWithoutReadingTheBody()
    {
        var path = UniquePath("declared-over");
        _server.MapLyingContentLength(path, Bytes(10), declaredLength: TwentyMiB + 1, holdOpen: true);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 5));
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(_server.Url(path), TwentyMiB);

        Assert.Equal("image too large: exceeds maximum of 20971520 bytes", result.Error?.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
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
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 1), new SilentResolver());
        var clock = Stopwatch.StartNew();

        using var result = await fetcher.FetchAsync(new Uri("http://slow-dns.test/cat.png"), TwentyMiB);

        Assert.Equal("failed to download image: timed out after 1 s", result.Error?.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
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
    public async Task FetchAsync_TwentyConcurrentDelayedFetches_RunInParallel()
    {
        var body = Bytes(2048);
        var path = UniquePath("slow");
        _server.MapDelayed(path, TimeSpan.FromMilliseconds(500), body);
        using var fetcher = new ImageFetcher(LoopbackOptions());
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fetcher.FetchAsync(_server.Url(path), TwentyMiB)));

        clock.Stop();
        try
        {
            Assert.All(results, result => Assert.Equal(body, result.Content.ToArray()));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"20 fetches took {clock.Elapsed}");
        }
        finally
        {
            foreach (var result in results)
            {
                result.Dispose();
            }
        }
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
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
            new TaskCompletionSource<IPAddress[]>().Task;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
