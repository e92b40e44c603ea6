using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

/// <summary>Changes process-wide environment variables, so it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProxyEnvironmentCollection
{
    public const string Name = "Proxy environment variables";
}

[Collection(ProxyEnvironmentCollection.Name)]
public sealed class ImageFetcherProxyTests
{
    private static readonly string[] ProxyVariables =
        ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NO_PROXY", "no_proxy"];

    [Fact]
    public async Task FetchAsync_ProxyEnvironmentVariablesSet_AreIgnored()
    {
        await using var proxy = await LoopbackImageServer.StartAsync();
        await using var origin = await LoopbackImageServer.StartAsync(System.Net.IPAddress.Parse("127.0.0.3"));
        var body = Bytes(32);
        origin.MapBytes("/cat.png", body);
        var saved = ProxyVariables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in ProxyVariables)
            {
                Environment.SetEnvironmentVariable(name, name.Contains("no", StringComparison.OrdinalIgnoreCase) ? null : proxy.BaseUri.AbsoluteUri);
            }

            var options = LoopbackOptions() with { AllowedNetworks = [System.Net.IPNetwork.Parse("127.0.0.3/32")] };
            using var fetcher = new ImageFetcher(options, new FakeHostResolver().Map("images.test", "127.0.0.3"));

            using var result = await fetcher.FetchAsync(new Uri($"http://images.test:{origin.Port}/cat.png"), 1_000);

            Assert.Null(result.Error);
            Assert.Equal(body, result.Content.ToArray());
            Assert.Equal(0, proxy.TotalRequestCount);
            Assert.Equal(1, origin.RequestCount("/cat.png"));
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public void CreateHandler_Always_DisablesProxyRedirectsAndDecompression()
    {
        using var handler = ImageFetcher.CreateHandler();

        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(System.Net.DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.NotNull(handler.ConnectCallback);
    }
}
