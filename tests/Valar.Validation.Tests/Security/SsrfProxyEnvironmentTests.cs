using System.Net;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Requests;
using Valar.Validation.Tests.Fetching;
using static Valar.Validation.Tests.Security.SecurityRequests;

namespace Valar.Validation.Tests.Security;

/// <summary>
/// Proxy variables pointed at a 127.0.0.1 "proxy" that counts requests: a blocked URL must not be handed to it (a proxy
/// would connect on our behalf, past the address check), and an allowed one must go direct. Shares the proxy collection,
/// which runs alone, because it changes process-wide environment variables.
/// </summary>
[Collection(ProxyEnvironmentCollection.Name)]
public sealed class SsrfProxyEnvironmentTests
{
    private static readonly string[] ProxyVariables =
        ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NO_PROXY", "no_proxy"];

    [Theory]
    [InlineData("http://10.0.0.1/cat.png", "blocked: 10.0.0.1 is not a public address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "blocked: 169.254.169.254 is not a public address")]
    [InlineData("https://internal.test/cat.png", "blocked: internal.test resolves to 192.168.0.10, which is not a public address")]
    [InlineData("http://unknown.invalid/cat.png", "failed to download image: could not resolve host 'unknown.invalid'")]
    public async Task Validate_ProxyVariablesSetAndTargetRefused_ProxySeesNothing(string url, string expected)
    {
        await using var proxy = await LoopbackImageServer.StartAsync();
        var resolver = new LiteralAwareResolver();
        resolver.Names.Map("internal.test", "192.168.0.10");

        var outcome = await WithProxyVariablesAsync(proxy, async () =>
        {
            using var fetcher = new ImageFetcher(new FetchOptions { Timeout = TimeSpan.FromSeconds(3) }, resolver);
            return await ValidateAsync(new RequestValidator(Catalog, fetcher), ApiSurface.ChatCompletions, url);
        });

        Assert.Equal(expected, outcome.Error?.Message);
        Assert.Equal(0, proxy.TotalRequestCount);
    }

    [Fact]
    public async Task Validate_ProxyVariablesSetAndTargetAllowed_FetchesDirectly()
    {
        await using var proxy = await LoopbackImageServer.StartAsync();
        await using var origin = await LoopbackImageServer.StartAsync(IPAddress.Parse("127.0.0.3"));
        origin.MapBytes("/cat.png", TestImages.Png(12, 10));
        var resolver = new LiteralAwareResolver();
        resolver.Names.Map("images.test", "127.0.0.3");

        var outcome = await WithProxyVariablesAsync(proxy, async () =>
        {
            using var fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [IPNetwork.Parse("127.0.0.3/32")] }, resolver);
            return await ValidateAsync(new RequestValidator(Catalog, fetcher), ApiSurface.Messages, $"http://images.test:{origin.Port}/cat.png");
        });

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(12, Assert.Single(outcome.Report.Images).Width);
        Assert.Equal(0, proxy.TotalRequestCount);
        Assert.Equal(1, origin.RequestCount("/cat.png"));
    }

    private static async Task<ValidationOutcome> WithProxyVariablesAsync(LoopbackImageServer proxy, Func<Task<ValidationOutcome>> run)
    {
        var saved = ProxyVariables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in ProxyVariables)
            {
                Environment.SetEnvironmentVariable(name, name.StartsWith("no", StringComparison.OrdinalIgnoreCase) ? null : proxy.BaseUri.AbsoluteUri);
            }

            return await run();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
