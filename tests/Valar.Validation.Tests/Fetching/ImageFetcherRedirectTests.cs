using Microsoft.Extensions.Time.Testing;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

[Collection(LoopbackCollection.Name)]
public sealed class ImageFetcherRedirectTests
{
    private const long MaxBytes = 1_000_000;

    private readonly LoopbackImageServer _server;

    public ImageFetcherRedirectTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task FetchAsync_RedirectStatus_IsFollowed(int status)
    {
        var body = Bytes(100);
        var target = UniquePath("target");
        var start = UniquePath("start");
        _server.MapBytes(target, body).MapRedirect(start, target, status);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(start), MaxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Fact]
    public async Task FetchAsync_ChainOfRelativeAndAbsoluteRedirects_IsFollowedToTheEnd()
    {
        var body = Bytes(100);
        var image = UniquePath("image");
        var third = UniquePath("third");
        var second = UniquePath("second");
        var first = UniquePath("first");
        _server
            .MapBytes(image, body)
            .MapRedirect(third, _server.Url(image).AbsoluteUri)                    // absolute
            .MapRedirect(second, $"//127.0.0.1:{_server.Port}{third}", 301)        // scheme-relative
            .MapRedirect(first, second[1..], 307);                                 // path-relative
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(first), MaxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
        Assert.Equal(1, _server.RequestCount(image));
    }

    [Fact]
    public async Task FetchAsync_ExactlyMaxRedirects_Succeeds()
    {
        var body = Bytes(10);
        var next = UniquePath("end");
        _server.MapBytes(next, body);
        for (var i = 0; i < 5; i++)
        {
            var hop = UniquePath($"hop{i}");
            _server.MapRedirect(hop, next);
            next = hop;
        }

        using var fetcher = new ImageFetcher(LoopbackOptions(maxRedirects: 5));

        using var result = await fetcher.FetchAsync(_server.Url(next), MaxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(2)]
    [InlineData(0)]
    public async Task FetchAsync_RedirectLoop_StopsAtTheCap(int maxRedirects)
    {
        var loop = UniquePath("loop");
        _server.MapRedirect(loop, loop);
        using var fetcher = new ImageFetcher(LoopbackOptions(maxRedirects: maxRedirects));

        using var result = await fetcher.FetchAsync(_server.Url(loop), MaxBytes);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.DownloadFailed, $"failed to download image: too many redirects (maximum {maxRedirects})"),
            result.Error);
        Assert.Equal(maxRedirects + 1, _server.RequestCount(loop));
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("ftp://127.0.0.1/cat.png", "ftp")]
    [InlineData("gopher://127.0.0.1:6379/_INFO", "gopher")]
    [InlineData("javascript:alert(1)", "javascript")]
    public async Task FetchAsync_RedirectToOtherScheme_IsRefused(string location, string scheme)
    {
        var start = UniquePath("to-scheme");
        _server.MapRedirect(start, location);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(start), MaxBytes);

        Assert.Equal(
            new ValidationError(
                ValidationErrorCode.UnsupportedUrlScheme,
                $"unsupported URL scheme '{scheme}' in redirect: only http and https URLs are allowed"),
            result.Error);
    }

    [Theory]
    [InlineData("http://10.0.0.1/", "10.0.0.1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://168.63.129.16/machine", "168.63.129.16")]
    [InlineData("http://[::1]/", "::1")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254")]
    [InlineData("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1")]
    [InlineData("http://0x0a000001/", "10.0.0.1")]
    [InlineData("https://192.168.1.1/admin", "192.168.1.1")]
    public async Task FetchAsync_RedirectToPrivateLiteral_IsRefusedBeforeConnecting(string location, string address)
    {
        var start = UniquePath("to-private");
        _server.MapRedirect(start, location);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 2));

        using var result = await fetcher.FetchAsync(_server.Url(start), MaxBytes);

        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, $"blocked: {address} is not a public address"), result.Error);
    }

    [Fact]
    public async Task FetchAsync_RedirectToNameOfUnallowedLoopback_IsRefusedAndNothingConnects()
    {
        await using var other = await LoopbackImageServer.StartAsync(System.Net.IPAddress.Parse("127.0.0.2"));
        other.MapBytes("/secret", Bytes(10));
        var start = UniquePath("to-internal");
        _server.MapRedirect(start, $"http://internal.test:{other.Port}/secret");
        var resolver = new FakeHostResolver().Map("internal.test", "127.0.0.2");
        using var fetcher = new ImageFetcher(LoopbackOptions(), resolver);

        using var result = await fetcher.FetchAsync(_server.Url(start), MaxBytes);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.Blocked, "blocked: internal.test resolves to 127.0.0.2, which is not a public address"),
            result.Error);
        Assert.Equal(0, other.TotalRequestCount);
    }

    [Fact]
    public async Task FetchAsync_SlowRedirectHops_ShareOneTotalDeadline()
    {
        // Three hops, each answering only when the test lets it, after the test has moved the clock on by 40 s. The
        // deadline is 100 s on a fake clock, far past any real wait here, so only the fake clock can reach it.
        var hops = Enumerable.Range(0, 3).Select(i => UniquePath($"slow-hop{i}")).ToArray();
        var end = UniquePath("slow-end");
        _server.MapBytes(end, Bytes(10));
        var answer = new SemaphoreSlim(0);
        for (var i = 0; i < hops.Length; i++)
        {
            var location = i + 1 < hops.Length ? hops[i + 1] : end;
            _server.Map(hops[i], async context =>
            {
                await answer.WaitAsync(context.RequestAborted);
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = location;
            });
        }

        var clock = new FakeTimeProvider();
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 100), timeProvider: clock);

        var fetch = fetcher.FetchAsync(_server.Url(hops[0]), MaxBytes);
        for (var i = 0; i < 2; i++)
        {
            var hop = hops[i];
            await Eventually.HoldsAsync(() => _server.RequestCount(hop) == 1, $"hop {i} is requested");
            clock.Advance(TimeSpan.FromSeconds(40));
            answer.Release();
        }

        await Eventually.HoldsAsync(() => _server.RequestCount(hops[2]) == 1, "the last hop is requested");
        clock.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        await Eventually.StillRunningAsync(fetch, "1 ms before the deadline");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var result = await fetch.WaitAsync(Eventually.Bound);

        // A deadline per hop would still be waiting: the last hop has used only 20 s of its own.
        Assert.Equal("failed to download image: timed out after 100 s", result.Error?.Message);
        Assert.Equal(0, _server.RequestCount(end));
    }

    [Fact]
    public async Task FetchAsync_RedirectWithoutLocation_ReturnsDownloadFailed()
    {
        var start = UniquePath("no-location");
        _server.MapStatus(start, 302);
        using var fetcher = new ImageFetcher(LoopbackOptions());

        using var result = await fetcher.FetchAsync(_server.Url(start), MaxBytes);

        Assert.Equal("failed to download image: HTTP 302 without a valid Location header", result.Error?.Message);
    }
}
