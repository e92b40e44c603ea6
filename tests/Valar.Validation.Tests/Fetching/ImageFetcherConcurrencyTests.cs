using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using static Valar.Validation.Tests.Fetching.FetchTestData;

namespace Valar.Validation.Tests.Fetching;

/// <summary>Fan-out that only the wall clock can tell from sequential fetches.</summary>
[Collection(RealClockCollection.Name)]
public sealed class ImageFetcherConcurrencyTests(LoopbackImageServerFixture fixture)
{
    private readonly LoopbackImageServer _server = fixture.Server;

    [Fact]
    public async Task FetchAsync_TwentyConcurrentDelayedFetches_RunInParallel()
    {
        var body = Bytes(2048);
        var path = UniquePath("slow");
        _server.MapDelayed(path, TimeSpan.FromSeconds(1), body);
        using var fetcher = new ImageFetcher(LoopbackOptions(timeoutSeconds: 60));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fetcher.FetchAsync(_server.Url(path), 20_971_520)));

        clock.Stop();
        try
        {
            Assert.All(results, result => Assert.Equal(body, result.Content.ToArray()));
            // One after another they take at least 20 s; together about 1 s. The bound sits far from both.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"20 fetches took {clock.Elapsed}");
        }
        finally
        {
            foreach (var result in results)
            {
                result.Dispose();
            }
        }
    }
}
