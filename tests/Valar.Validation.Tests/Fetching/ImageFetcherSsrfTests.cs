using System.Net;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

/// <summary>
/// Targets that must be refused. Nothing here connects outside 127.0.0.0/8: private and public addresses only ever
/// reach the policy, and the servers that must not be contacted count their requests.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class ImageFetcherSsrfTests
{
    private const long MaxBytes = 1_000_000;

    private readonly LoopbackImageServer _server;

    public ImageFetcherSsrfTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f000001")]
    [InlineData("0177.0.0.1")]
    [InlineData("127.000.000.001")]
    [InlineData("127.0.0.1.")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::ffff:7f00:1]")]
    public async Task FetchAsync_LoopbackSpellingsWithoutAllowedNetworks_AreBlockedAndNothingConnects(string host)
    {
        var path = UniquePath("spelling");
        _server.MapBytes(path, Bytes(10));
        var resolver = new FakeHostResolver();
        using var fetcher = new ImageFetcher(new FetchOptions(), resolver);

        using var result = await fetcher.FetchAsync(new Uri($"http://{host}:{_server.Port}{path}"), MaxBytes);

        var shown = host.StartsWith('[') ? "::ffff:127.0.0.1" : "127.0.0.1";
        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, $"blocked: {shown} is not a public address"), result.Error);
        Assert.Equal(0, _server.RequestCount(path));
    }

    [Theory]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f000001")]
    [InlineData("0177.0.0.1")]
    [InlineData("127.0.0.1.")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task FetchAsync_LoopbackSpellingsWithLoopbackAllowed_ConnectToTheCheckedAddress(string host)
    {
        var body = Bytes(10);
        var path = UniquePath("spelling-ok");
        _server.MapBytes(path, body);
        using var fetcher = new ImageFetcher(LoopbackOptions(), new FakeHostResolver());

        using var result = await fetcher.FetchAsync(new Uri($"http://{host}:{_server.Port}{path}"), MaxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
        Assert.Equal(1, _server.RequestCount(path));
    }

    [Theory]
    [InlineData("http://10.0.0.1/cat.png", "10.0.0.1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254")]
    [InlineData("http://168.63.129.16/machine?comp=goalstate", "168.63.129.16")]
    [InlineData("http://100.100.100.200/latest/meta-data/", "100.100.100.200")]
    [InlineData("http://0/", "0.0.0.0")]
    [InlineData("http://[::]/", "::")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/", "64:ff9b::a9fe:a9fe")]
    [InlineData("http://[2002:a9fe:a9fe::1]/", "2002:a9fe:a9fe::1")]
    public async Task FetchAsync_PrivateLiteral_IsBlocked(string url, string address)
    {
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 2), new FakeHostResolver());

        using var result = await fetcher.FetchAsync(new Uri(url), MaxBytes);

        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, $"blocked: {address} is not a public address"), result.Error);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("127.0.0.2")]
    public async Task FetchAsync_NameResolvingToPrivate_IsBlocked(string address)
    {
        var resolver = new FakeHostResolver().Map("internal.example", address);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 2), resolver);

        using var result = await fetcher.FetchAsync(new Uri("http://internal.example/cat.png"), MaxBytes);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.Blocked, $"blocked: internal.example resolves to {address}, which is not a public address"),
            result.Error);
    }

    /// <summary>Answers that mix an allowed address with a refused one; the first refused address is named, whatever the order.</summary>
    public static TheoryData<string[], string> MixedAnswers => new()
    {
        { ["127.0.0.1", "10.0.0.1"], "10.0.0.1" },
        { ["10.0.0.1", "127.0.0.1"], "10.0.0.1" },
        { ["127.0.0.1", "169.254.169.254"], "169.254.169.254" },
        { ["127.0.0.1", "::ffff:192.168.0.1"], "::ffff:192.168.0.1" },
        { ["127.0.0.1", "fd00:ec2::254"], "fd00:ec2::254" },
        { ["127.0.0.1", "127.0.0.2"], "127.0.0.2" },
        { ["127.0.0.1", "64:ff9b::a9fe:a9fe"], "64:ff9b::a9fe:a9fe" },
        { ["127.0.0.1", "::1"], "::1" },
    };

    [Theory]
    [MemberData(nameof(MixedAnswers))]
    public async Task FetchAsync_NameResolvingToAllowedAndPrivate_IsBlockedAndNothingConnects(string[] answer, string blocked)
    {
        // 127.0.0.1 stands in for a public address: allowed here, and the only place a test may connect to.
        var path = UniquePath("mixed");
        _server.MapBytes(path, Bytes(10));
        var resolver = new FakeHostResolver().Map("mixed.test", answer);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 2), resolver);

        using var result = await fetcher.FetchAsync(new Uri($"http://mixed.test:{_server.Port}{path}"), MaxBytes);

        Assert.Equal(
            new ValidationError(ValidationErrorCode.Blocked, $"blocked: mixed.test resolves to {blocked}, which is not a public address"),
            result.Error);
        Assert.Equal(0, _server.RequestCount(path));
    }

    [Fact]
    public async Task FetchAsync_DnsRebindingAfterTheCheck_ConnectsToTheCheckedAddressOnly()
    {
        await using var rebound = await LoopbackImageServer.StartAsync(IPAddress.Parse("127.0.0.2"), _server.Port);
        var body = Bytes(64);
        var path = UniquePath("rebind");
        _server.MapBytes(path, body);
        rebound.MapBytes(path, Bytes(64).Reverse().ToArray());
        var resolver = new FakeHostResolver().MapSequence("rebind.test", ["127.0.0.1"], ["127.0.0.2"]);
        using var fetcher = new ImageFetcher(LoopbackOptions(), resolver);

        using var result = await fetcher.FetchAsync(new Uri($"http://rebind.test:{_server.Port}{path}"), MaxBytes);

        Assert.Null(result.Error);
        Assert.Equal(body, result.Content.ToArray());
        Assert.Equal(1, _server.RequestCount(path));
        Assert.Equal(0, rebound.TotalRequestCount);
        Assert.Equal(1, resolver.Lookups("rebind.test"));
    }

    [Fact]
    public async Task FetchAsync_RebindingBetweenFetches_SecondFetchIsBlocked()
    {
        await using var rebound = await LoopbackImageServer.StartAsync(IPAddress.Parse("127.0.0.2"), _server.Port);
        var path = UniquePath("rebind-twice");
        _server.MapBytes(path, Bytes(8));
        rebound.MapBytes(path, Bytes(8));
        var resolver = new FakeHostResolver().MapSequence("rebind.test", ["127.0.0.1"], ["127.0.0.2"]);
        using var fetcher = new ImageFetcher(LoopbackOptions(), resolver);
        var url = new Uri($"http://rebind.test:{_server.Port}{path}");

        using var first = await fetcher.FetchAsync(url, MaxBytes);
        using var second = await fetcher.FetchAsync(url, MaxBytes);

        Assert.Null(first.Error);
        Assert.Equal("blocked: rebind.test resolves to 127.0.0.2, which is not a public address", second.Error?.Message);
        Assert.Equal(0, rebound.TotalRequestCount);
    }

    [Fact]
    public async Task FetchAsync_LoopbackWithoutAllowedNetworks_IsBlockedWithExactMessage()
    {
        var path = UniquePath("no-allow");
        _server.MapBytes(path, Bytes(10));
        using var fetcher = new ImageFetcher(new FetchOptions());

        using var result = await fetcher.FetchAsync(_server.Url(path), MaxBytes);

        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, "blocked: 127.0.0.1 is not a public address"), result.Error);
        Assert.NotNull(result.Error);
        Assert.Null(result.Error.Path);
        Assert.Equal(0, _server.RequestCount(path));
    }

    [Fact]
    public async Task FetchAsync_LocalhostNameWithoutAllowedNetworks_IsBlocked()
    {
        var resolver = new FakeHostResolver().Map("localhost", "127.0.0.1", "::1");
        using var fetcher = new ImageFetcher(new FetchOptions(), resolver);

        using var result = await fetcher.FetchAsync(new Uri($"http://localhost:{_server.Port}/"), MaxBytes);

        Assert.Equal("blocked: localhost resolves to 127.0.0.1, which is not a public address", result.Error?.Message);
    }
}
