using System.Net;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Requests;
using static Valar.Validation.Tests.Security.SecurityRequests;

namespace Valar.Validation.Tests.Security;

/// <summary>
/// The SSRF corpus at the request level: each URL goes through <see cref="RequestValidator"/> exactly as a client sends it,
/// with no allowed networks, and must be refused with the exact message, naming the offending address, before anything
/// connects. Every URL carries the port of a live 127.0.0.1 server and a unique path; the server must see nothing.
/// Private and public addresses other than 127.0.0.0/8 only ever reach the policy. Names go to a resolver that
/// answers IP literals as the operating system does and a table for the rest, never real DNS.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class SsrfCorpusTests
{
    private const string NotAbsolute = "unsupported URL scheme: the value at {path} is not a valid absolute http or https URL";

    private readonly LoopbackImageServer _server;

    public SsrfCorpusTests(LoopbackImageServerFixture fixture) => _server = fixture.Server;

    /// <summary>Authority (host as the client spells it) → the exact answer. <c>{path}</c> is the image's JSON path.</summary>
    public static TheoryData<string, string> Corpus => new()
    {
        // Loopback in every spelling; System.Uri canonicalizes the numeric forms to 127.0.0.1.
        { "127.0.0.1", "blocked: 127.0.0.1 is not a public address" },
        { "127.1", "blocked: 127.0.0.1 is not a public address" },
        { "2130706433", "blocked: 127.0.0.1 is not a public address" },
        { "0x7f000001", "blocked: 127.0.0.1 is not a public address" },
        { "0177.0.0.1", "blocked: 127.0.0.1 is not a public address" },
        { "127.000.000.001", "blocked: 127.0.0.1 is not a public address" },
        { "0x7f.0.0.1", "blocked: 127.0.0.1 is not a public address" },
        { "127.0.0.1.", "blocked: 127.0.0.1 is not a public address" },
        { "127.255.255.254", "blocked: 127.255.255.254 is not a public address" },
        { "localhost", "blocked: localhost resolves to 127.0.0.1, which is not a public address" },
        { "localhost.", "blocked: localhost. resolves to 127.0.0.1, which is not a public address" },
        { "LOCALHOST", "blocked: localhost resolves to 127.0.0.1, which is not a public address" },
        // Fullwidth forms: with invariant globalization (as built) System.Uri maps them to punycode, not to ASCII, so they
        // reach the resolver as names that do not exist; nothing connects either way.
        { "ｌｏｃａｌｈｏｓｔ", "failed to download image: could not resolve host 'ｌｏｃａｌｈｏｓｔ'" },
        { "１２７.０.０.１", "failed to download image: could not resolve host '１２７.０.０.１'" },
        { "[::1]", "blocked: ::1 is not a public address" },
        { "[0:0:0:0:0:0:0:1]", "blocked: ::1 is not a public address" },
        { "[::ffff:127.0.0.1]", "blocked: ::ffff:127.0.0.1 is not a public address" },
        { "[::ffff:7f00:1]", "blocked: ::ffff:127.0.0.1 is not a public address" },
        { "[0:0:0:0:0:ffff:7f00:1]", "blocked: ::ffff:127.0.0.1 is not a public address" },
        { "[::127.0.0.1]", "blocked: ::127.0.0.1 is not a public address" },

        // Unspecified.
        { "0.0.0.0", "blocked: 0.0.0.0 is not a public address" },
        { "0", "blocked: 0.0.0.0 is not a public address" },
        { "[::]", "blocked: :: is not a public address" },

        // RFC 1918, in dotted, short, octal, hex and integer spellings.
        { "10.0.0.1", "blocked: 10.0.0.1 is not a public address" },
        { "10.255.255.255", "blocked: 10.255.255.255 is not a public address" },
        { "10.1", "blocked: 10.0.0.1 is not a public address" },
        { "012.0.0.1", "blocked: 10.0.0.1 is not a public address" },
        { "0x0a.0.0.1", "blocked: 10.0.0.1 is not a public address" },
        { "167772161", "blocked: 10.0.0.1 is not a public address" },
        { "172.16.0.1", "blocked: 172.16.0.1 is not a public address" },
        { "172.31.255.254", "blocked: 172.31.255.254 is not a public address" },
        { "192.168.0.1", "blocked: 192.168.0.1 is not a public address" },
        { "192.168.255.255", "blocked: 192.168.255.255 is not a public address" },

        // Link-local and cloud metadata (AWS, ECS, AWS IPv6, Alibaba, Azure wire server, Oracle).
        { "169.254.169.254", "blocked: 169.254.169.254 is not a public address" },
        { "0xa9fea9fe", "blocked: 169.254.169.254 is not a public address" },
        { "2852039166", "blocked: 169.254.169.254 is not a public address" },
        { "169.254.169.254.", "blocked: 169.254.169.254 is not a public address" },
        { "169.254.170.2", "blocked: 169.254.170.2 is not a public address" },
        { "[fd00:ec2::254]", "blocked: fd00:ec2::254 is not a public address" },
        { "100.100.100.200", "blocked: 100.100.100.200 is not a public address" },
        { "168.63.129.16", "blocked: 168.63.129.16 is not a public address" },
        { "192.0.0.192", "blocked: 192.0.0.192 is not a public address" },
        { "[fe80::1]", "blocked: fe80::1 is not a public address" },
        { "[fe80::1%251]", "blocked: fe80::1%251 is not a public address" },
        { "[::ffff:169.254.169.254]", "blocked: ::ffff:169.254.169.254 is not a public address" },

        // Carrier-grade NAT.
        { "100.64.0.1", "blocked: 100.64.0.1 is not a public address" },
        { "100.127.255.254", "blocked: 100.127.255.254 is not a public address" },

        // Multicast.
        { "224.0.0.1", "blocked: 224.0.0.1 is not a public address" },
        { "239.255.255.250", "blocked: 239.255.255.250 is not a public address" },
        { "[ff02::1]", "blocked: ff02::1 is not a public address" },
        { "[ff05::1:3]", "blocked: ff05::1:3 is not a public address" },

        // Reserved, documentation, benchmarking, broadcast, discard-only.
        { "240.0.0.1", "blocked: 240.0.0.1 is not a public address" },
        { "255.255.255.255", "blocked: 255.255.255.255 is not a public address" },
        { "198.18.0.1", "blocked: 198.18.0.1 is not a public address" },
        { "192.0.2.1", "blocked: 192.0.2.1 is not a public address" },
        { "198.51.100.7", "blocked: 198.51.100.7 is not a public address" },
        { "203.0.113.5", "blocked: 203.0.113.5 is not a public address" },
        { "192.88.99.1", "blocked: 192.88.99.1 is not a public address" },
        { "[2001:db8::1]", "blocked: 2001:db8::1 is not a public address" },
        { "[100::1]", "blocked: 100::1 is not a public address" },

        // NAT64, 6to4 and Teredo wrapping private IPv4 (Teredo client 10.0.0.1 is stored inverted: f5ff:fffe).
        { "[64:ff9b::10.0.0.1]", "blocked: 64:ff9b::a00:1 is not a public address" },
        { "[64:ff9b::7f00:1]", "blocked: 64:ff9b::7f00:1 is not a public address" },
        { "[64:ff9b::a9fe:a9fe]", "blocked: 64:ff9b::a9fe:a9fe is not a public address" },
        { "[2002:a00:1::1]", "blocked: 2002:a00:1::1 is not a public address" },
        { "[2002:7f00:1::]", "blocked: 2002:7f00:1:: is not a public address" },
        { "[2002:c0a8:101::1]", "blocked: 2002:c0a8:101::1 is not a public address" },
        { "[2001:0:4136:e378:8000:63bf:f5ff:fffe]", "blocked: 2001:0:4136:e378:8000:63bf:f5ff:fffe is not a public address" },
        { "[2001:0:a00:1::]", "blocked: 2001:0:a00:1:: is not a public address" },

        // Unique-local and site-local IPv6.
        { "[fc00::1]", "blocked: fc00::1 is not a public address" },
        { "[fd12:3456:789a::1]", "blocked: fd12:3456:789a::1 is not a public address" },
        { "[fec0::1]", "blocked: fec0::1 is not a public address" },
        { "[feff::1]", "blocked: feff::1 is not a public address" },

        // Userinfo tricks: the host is what follows the last '@'.
        { "public@10.0.0.1", "blocked: 10.0.0.1 is not a public address" },
        { "example.com@169.254.169.254", "blocked: 169.254.169.254 is not a public address" },
        { "8.8.8.8@127.0.0.1", "blocked: 127.0.0.1 is not a public address" },
        { "user:pass@[::1]", "blocked: ::1 is not a public address" },
        { "images.example.com:443@192.168.0.1", "blocked: 192.168.0.1 is not a public address" },

        // Backslashes and percent-encoded hosts: System.Uri refuses them, so they never become a fetch.
        { @"10.0.0.1\@example.com", NotAbsolute },
        { @"example.com\@10.0.0.1", NotAbsolute },
        { @"127.0.0.1\", NotAbsolute },
        { "%31%30.0.0.1", NotAbsolute },
        { "%31%32%37%2e%30%2e%30%2e%31", NotAbsolute },
        { "10%2e0%2e0%2e1", NotAbsolute },
        { "127.0.0.1%00.example", NotAbsolute },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Validate_SsrfTarget_IsRefusedWithExactMessageAndNothingConnects(string authority, string expected)
    {
        var path = $"/ssrf-{Guid.NewGuid():N}";
        _server.MapBytes(path, TestImages.Png(4, 4));
        var resolver = new LiteralAwareResolver();
        resolver.Names.Map("localhost", "127.0.0.1", "::1").Map("localhost.", "127.0.0.1", "::1");
        using var fetcher = new ImageFetcher(new FetchOptions(), resolver);
        var validator = new RequestValidator(Catalog, fetcher);
        var url = $"http://{authority}:{_server.Port}{path}";

        var outcome = await ValidateAsync(validator, ApiSurface.ChatCompletions, url);

        Assert.False(outcome.Succeeded);
        Assert.Equal(expected.Replace("{path}", UrlPath(ApiSurface.ChatCompletions, 0), StringComparison.Ordinal), outcome.Error.Message);
        Assert.Equal(UrlPath(ApiSurface.ChatCompletions, 0), outcome.Error.Path);
        var code = expected switch
        {
            _ when expected.StartsWith("blocked: ", StringComparison.Ordinal) => ValidationErrorCode.Blocked,
            _ when expected.StartsWith("failed to download image: ", StringComparison.Ordinal) => ValidationErrorCode.DownloadFailed,
            _ => ValidationErrorCode.UnsupportedUrlScheme,
        };
        Assert.Equal(code, outcome.Error.Code);
        Assert.Equal(0, _server.RequestCount(path));
    }

    [Theory]
    [InlineData(ApiSurface.ChatCompletions)]
    [InlineData(ApiSurface.Responses)]
    [InlineData(ApiSurface.Messages)]
    public async Task Validate_MetadataUrlOnEverySurface_IsBlockedAtItsPath(ApiSurface surface)
    {
        using var fetcher = new ImageFetcher(new FetchOptions(), new LiteralAwareResolver());
        var validator = new RequestValidator(Catalog, fetcher);

        var outcome = await ValidateAsync(validator, surface, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");

        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, "blocked: 169.254.169.254 is not a public address", UrlPath(surface, 0)), outcome.Error);
    }

    [Fact]
    public async Task Validate_BlockedUrlAfterAGoodOne_ReportsTheBlockedOneAtItsIndex()
    {
        var path = $"/good-{Guid.NewGuid():N}";
        _server.MapBytes(path, TestImages.Png(4, 4));
        using var fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [IPNetwork.Parse("127.0.0.1/32")] }, new LiteralAwareResolver());
        var validator = new RequestValidator(Catalog, fetcher);

        var outcome = await ValidateAsync(validator, ApiSurface.Messages, _server.Url(path).AbsoluteUri, "http://[::ffff:10.0.0.1]/x.png");

        Assert.Equal(new ValidationError(ValidationErrorCode.Blocked, "blocked: ::ffff:10.0.0.1 is not a public address", UrlPath(ApiSurface.Messages, 1)), outcome.Error);
    }
}
