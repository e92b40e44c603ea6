using System.Net;
using System.Text;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests;

/// <summary>A request's URLs are fetched together, which only the wall clock can tell from one after another.</summary>
[Collection(RealClockCollection.Name)]
public sealed class RequestValidatorConcurrencyTests(LoopbackImageServerFixture fixture)
{
    private readonly LoopbackImageServer _server = fixture.Server;

    [Fact]
    public async Task Validate_TwentySlowUrls_FetchesThemConcurrently()
    {
        var path = $"/slow-{Guid.NewGuid():N}.png";
        _server.MapDelayed(path, TimeSpan.FromSeconds(1), TestImages.Png(16, 8));
        using var fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [IPNetwork.Parse("127.0.0.1/32")], Timeout = TimeSpan.FromSeconds(60) });
        var validator = new RequestValidator(new ModelCatalog([new ModelDefinition("vision", SupportsImages: true, new ModelLimits())]), fetcher);
        var parts = Enumerable.Range(0, 20).Select(index => $$$"""{"type":"image_url","image_url":{"url":"{{{_server.Url($"{path}?i={index}")}}}"}}""");
        var body = Encoding.UTF8.GetBytes($$"""{"model":"vision","messages":[{"role":"user","content":[{{string.Join(",", parts)}}]}]}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await validator.ValidateAsync(ApiSurface.ChatCompletions, body);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(20, outcome.Report.Images.Count);
        // One after another they take at least 20 s; together about 1 s. The bound sits far from both.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"20 URLs took {clock.Elapsed}");
    }
}
