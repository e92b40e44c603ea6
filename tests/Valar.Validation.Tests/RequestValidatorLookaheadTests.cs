using System.Text;
using Valar.Testing.Images;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests;

/// <summary>
/// Large base64 images are checked two at a time (the next on the thread pool): the verdict, the first failure in
/// request order, and the total must be exactly those of checking them one by one.
/// </summary>
public sealed class RequestValidatorLookaheadTests : IDisposable
{
    private const int Large = 1_200_000; // above the 1 MiB parallel threshold once in base64

    private static readonly byte[] Big = TestImages.Png(32, 16, padToBytes: Large);

    private static readonly byte[] BigBroken = Big[..^100]; // cut inside its last chunks

    private readonly ImageFetcher _fetcher = new(new FetchOptions());

    public static TheoryData<string, string?> Requests => new()
    {
        { "ok ok ok", null },
        { "ok bad ok", "messages[0].content[1].image_url.url" },
        { "bad ok", "messages[0].content[0].image_url.url" },
        { "ok ok bad", "messages[0].content[2].image_url.url" },
        { "bad bad", "messages[0].content[0].image_url.url" },
    };

    public void Dispose() => _fetcher.Dispose();

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Validate_LargeBase64Images_SameVerdictWithAndWithoutLookahead(string images, string? failingPath)
    {
        var catalog = new ModelCatalog([new ModelDefinition("vision", SupportsImages: true, new ModelLimits())]);
        var body = Body(images.Split(' '));

        var parallel = await new RequestValidator(catalog, _fetcher).ValidateAsync(ApiSurface.ChatCompletions, body);
        var serial = await new RequestValidator(catalog, _fetcher) { ScanPayloadsInParallel = false }.ValidateAsync(ApiSurface.ChatCompletions, body);

        Assert.Equal(serial.Error, parallel.Error);
        Assert.Equal(failingPath, parallel.Error?.Path);
        if (failingPath is null)
        {
            Assert.Equal(Enumerable.Repeat((long)Big.Length, 3), parallel.Report!.Images.Select(image => image.Bytes));
            Assert.Equal([0, 1, 2], parallel.Report.Images.Select(image => image.Index));
        }
        else
        {
            Assert.Equal(ValidationErrorCode.InvalidImage, parallel.Error!.Code);
        }
    }

    [Fact]
    public async Task Validate_TotalCrossedByTheSecondLargeImage_ReportedThereAsWithoutLookahead()
    {
        var catalog = new ModelCatalog([new ModelDefinition("vision", SupportsImages: true, new ModelLimits { MaxTotalMediaBytes = (2 * Large) - 1 })]);

        var outcome = await new RequestValidator(catalog, _fetcher).ValidateAsync(ApiSurface.ChatCompletions, Body(["ok", "ok", "ok"]));

        Assert.Equal(
            new ValidationError(
                ValidationErrorCode.TotalMediaTooLarge,
                $"image too large: the request's images together exceed the maximum of {(2 * Large) - 1} bytes",
                "messages[0].content[1].image_url.url"),
            outcome.Error);
    }

    private static byte[] Body(string[] images)
    {
        var parts = images.Select(kind => $$$"""{"type":"image_url","image_url":{"url":"{{{TestImages.DataUri("image/png", kind == "ok" ? Big : BigBroken)}}}"}}""");
        return Encoding.UTF8.GetBytes($$"""{"model":"vision","messages":[{"role":"user","content":[{{string.Join(",", parts)}}]}]}""");
    }
}
