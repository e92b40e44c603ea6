using System.Net;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Requests;
using static Valar.Validation.Tests.Security.SecurityRequests;

namespace Valar.Validation.Tests.Security;

/// <summary>
/// SSRF through names and redirects at the request level: every class of non-public target, on each surface's path.
/// The fetcher's own tests hold the rules themselves (mixed answers, rebinding, the redirect cap), once. Names live under <c>.test</c> and <c>.invalid</c>
/// and resolve only through the fake resolver. A test that must observe a connection uses a 127.0.0.x server with
/// exactly 127.0.0.1/32 allowed (standing in for "public"), and a second server on 127.0.0.2 that must see nothing.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class SsrfResolutionAndRedirectTests
{
    private static readonly IPNetwork OnlyLoopbackOne = IPNetwork.Parse("127.0.0.1/32");

    private readonly LoopbackImageServer _server;

    public SsrfResolutionAndRedirectTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    /// <summary>Real public addresses next to private ones: refused at the check, before any connect (nothing is allowed).</summary>
    [Theory]
    [InlineData("images.test", new[] { "8.8.8.8", "10.0.0.1" }, "10.0.0.1")]
    [InlineData("images.test", new[] { "192.168.1.10", "1.1.1.1" }, "192.168.1.10")]
    [InlineData("cdn.invalid", new[] { "2606:4700:4700::1111", "fc00::5" }, "fc00::5")]
    [InlineData("metadata.invalid", new[] { "169.254.169.254" }, "169.254.169.254")]
    [InlineData("wire.test", new[] { "168.63.129.16" }, "168.63.129.16")]
    [InlineData("cgnat.test", new[] { "100.64.1.1" }, "100.64.1.1")]
    [InlineData("nat64.test", new[] { "64:ff9b::a00:1" }, "64:ff9b::a00:1")]
    [InlineData("teredo.test", new[] { "2001:0:4136:e378:8000:63bf:f5ff:fffe" }, "2001:0:4136:e378:8000:63bf:f5ff:fffe")]
    public async Task Validate_NameResolvingToAnyNonPublicAddress_IsBlockedNamingIt(string host, string[] answer, string blocked)
    {
        var resolver = new LiteralAwareResolver();
        resolver.Names.Map(host, answer);
        using var fetcher = new ImageFetcher(new FetchOptions { Timeout = TimeSpan.FromSeconds(2) }, resolver);

        var outcome = await ValidateAsync(new RequestValidator(Catalog, fetcher), ApiSurface.Responses, $"https://{host}/cat.png");

        Assert.Equal(
            new ValidationError(ValidationErrorCode.Blocked, $"blocked: {host} resolves to {blocked}, which is not a public address", UrlPath(ApiSurface.Responses, 0)),
            outcome.Error);
    }

    /// <summary>Redirect targets of every private class, sent by an allowed 127.0.0.1 server: the hop is checked like the first URL.</summary>
    public static TheoryData<string, string> RedirectTargets => new()
    {
        { "http://10.0.0.1/", "blocked: 10.0.0.1 is not a public address" },
        { "http://172.16.5.4/", "blocked: 172.16.5.4 is not a public address" },
        { "https://192.168.1.1/admin", "blocked: 192.168.1.1 is not a public address" },
        { "http://169.254.169.254/latest/meta-data/", "blocked: 169.254.169.254 is not a public address" },
        { "http://169.254.170.2/v2/credentials", "blocked: 169.254.170.2 is not a public address" },
        { "http://[fd00:ec2::254]/latest/meta-data/", "blocked: fd00:ec2::254 is not a public address" },
        { "http://100.100.100.200/latest/meta-data/", "blocked: 100.100.100.200 is not a public address" },
        { "http://168.63.129.16/machine?comp=goalstate", "blocked: 168.63.129.16 is not a public address" },
        { "http://100.64.0.1/", "blocked: 100.64.0.1 is not a public address" },
        { "http://224.0.0.1/", "blocked: 224.0.0.1 is not a public address" },
        { "http://240.0.0.1/", "blocked: 240.0.0.1 is not a public address" },
        { "http://0.0.0.0/", "blocked: 0.0.0.0 is not a public address" },
        { "http://[::]/", "blocked: :: is not a public address" },
        { "http://[::1]/", "blocked: ::1 is not a public address" },
        { "http://2130706434/", "blocked: 127.0.0.2 is not a public address" },
        { "http://[::ffff:10.0.0.1]/", "blocked: ::ffff:10.0.0.1 is not a public address" },
        { "http://[64:ff9b::a00:1]/", "blocked: 64:ff9b::a00:1 is not a public address" },
        { "http://[2002:a00:1::]/", "blocked: 2002:a00:1:: is not a public address" },
        { "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "blocked: 2001:0:4136:e378:8000:63bf:f5ff:fffe is not a public address" },
        { "http://[fc00::1]/", "blocked: fc00::1 is not a public address" },
        { "http://[fec0::1]/", "blocked: fec0::1 is not a public address" },
        { "http://public@10.0.0.1/", "blocked: 10.0.0.1 is not a public address" },
        { "http://internal.test/", "blocked: internal.test resolves to 10.0.0.1, which is not a public address" },
        { "http://localhost/", "blocked: localhost resolves to ::1, which is not a public address" },
        { "file:///etc/passwd", "unsupported URL scheme 'file' in redirect: only http and https URLs are allowed" },
        { "gopher://127.0.0.1:6379/_FLUSHALL", "unsupported URL scheme 'gopher' in redirect: only http and https URLs are allowed" },
        { "dict://127.0.0.1:11211/stats", "unsupported URL scheme 'dict' in redirect: only http and https URLs are allowed" },
        { "ftp://10.0.0.1/cat.png", "unsupported URL scheme 'ftp' in redirect: only http and https URLs are allowed" },
    };

    [Theory]
    [MemberData(nameof(RedirectTargets))]
    public async Task Validate_RedirectFromAllowedServerToPrivateTarget_IsRefusedAfterOneRequest(string location, string expected)
    {
        var start = $"/redirect-{Guid.NewGuid():N}";
        _server.MapRedirect(start, location);
        var resolver = new LiteralAwareResolver();
        resolver.Names.Map("internal.test", "10.0.0.1").Map("localhost", "127.0.0.1", "::1");
        using var fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [OnlyLoopbackOne], Timeout = TimeSpan.FromSeconds(3) }, resolver);

        var outcome = await ValidateAsync(new RequestValidator(Catalog, fetcher), ApiSurface.ChatCompletions, _server.Url(start).AbsoluteUri);

        Assert.Equal(expected, outcome.Error?.Message);
        Assert.Equal(UrlPath(ApiSurface.ChatCompletions, 0), outcome.Error?.Path);
        Assert.Equal(1, _server.RequestCount(start));
    }

    [Fact]
    public async Task Validate_RedirectToUnallowedLoopbackServer_IsBlockedAndThatServerSeesNothing()
    {
        await using var other = await LoopbackImageServer.StartAsync(IPAddress.Parse("127.0.0.2"));
        other.MapBytes("/secret.png", TestImages.Png(4, 4));
        var start = $"/to-other-{Guid.NewGuid():N}";
        _server.MapRedirect(start, $"http://127.0.0.2:{other.Port}/secret.png", 307);
        using var fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [OnlyLoopbackOne] }, new LiteralAwareResolver());

        var outcome = await ValidateAsync(new RequestValidator(Catalog, fetcher), ApiSurface.Messages, _server.Url(start).AbsoluteUri);

        Assert.Equal("blocked: 127.0.0.2 is not a public address", outcome.Error?.Message);
        Assert.Equal(0, other.TotalRequestCount);
    }
}
