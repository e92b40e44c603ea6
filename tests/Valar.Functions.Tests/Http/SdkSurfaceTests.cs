using System.Text.Json;
using Valar.Testing.Images;

namespace Valar.Functions.Tests.Http;

/// <summary>
/// Every row of the seeds' error table, and a valid URL and base64 image, through each official SDK against the app
/// on real Kestrel. Images come from a server on 127.0.0.1; the only other addresses named are refused before any connect.
/// </summary>
[Collection(ValarServerCollection.Name)]
public sealed class SdkSurfaceTests(ValarServerFixture server)
{
    public static TheoryData<SdkSurface> Surfaces => SdkSurface.All;

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_ValidUrlImage_ReportsItsFacts(SdkSurface surface)
    {
        var image = new TestImage.ByUrl(server.ImageUrl("/cat.png"));

        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, [image]);

        Assert.Equal(200, answer.Status);
        var report = answer.Report!.Value;
        Assert.Equal("validation_report", report.GetProperty("object").GetString());
        Assert.Equal(surface.Name, report.GetProperty("surface").GetString());
        Assert.Equal(ValarServerFixture.VisionModel, report.GetProperty("model").GetString());
        var found = Assert.Single(report.GetProperty("images").EnumerateArray());
        Assert.Equal(surface.ImagePath(0, image), found.GetProperty("path").GetString());
        Assert.Equal("url", found.GetProperty("source").GetString());
        Assert.Equal("image/png", found.GetProperty("media_type").GetString());
        Assert.Equal(ValarServerFixture.CatPng.Length, found.GetProperty("bytes").GetInt64());
        Assert.Equal(64, found.GetProperty("width").GetInt32());
        Assert.Equal(48, found.GetProperty("height").GetInt32());
        // 64x48 is scaled by 1, padded to 84x56 (multiples of 28): 3 x 2 = 6 tokens.
        Assert.Equal(6, found.GetProperty("estimated_tokens").GetInt64());
        Assert.Equal(ValarServerFixture.CatPng.Length, report.GetProperty("totals").GetProperty("bytes").GetInt64());
        Assert.DoesNotContain("127.0.0.1", report.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_ValidBase64Images_ReportsEachInOrder(SdkSurface surface)
    {
        TestImage[] images =
        [
            new TestImage.Inline(TestImages.Png(1024, 1024), "image/png"),
            new TestImage.Inline(ValarServerFixture.PhotoJpeg, "image/jpeg"),
            new TestImage.Inline(ValarServerFixture.AnimatedGif, "image/gif"),
            new TestImage.Inline(TestImages.WebPLossless(300, 200), "image/webp"),
        ];

        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, images);

        Assert.Equal(200, answer.Status);
        var found = answer.Report!.Value.GetProperty("images").EnumerateArray().ToArray();
        Assert.Equal(["image/png", "image/jpeg", "image/gif", "image/webp"], found.Select(image => image.GetProperty("media_type").GetString()));
        Assert.Equal([1024, 1920, 32, 300], found.Select(image => image.GetProperty("width").GetInt32()));
        Assert.Equal([1024, 1080, 32, 200], found.Select(image => image.GetProperty("height").GetInt32()));
        // 1920x1080 pads to 1932x1092: 69 x 39 = 2691; 300x200 pads to 308x224: 11 x 8 = 88.
        Assert.Equal([1369L, 2691L, 4L, 88L], found.Select(image => image.GetProperty("estimated_tokens").GetInt64()));
        Assert.Equal([false, false, true, false], found.Select(image => image.GetProperty("animated").GetBoolean()));
        Assert.All(found, image => Assert.Equal("base64", image.GetProperty("source").GetString()));
        Assert.Equal(Enumerable.Range(0, 4).Select(index => surface.ImagePath(index, images[index])), found.Select(image => image.GetProperty("path").GetString()));
        Assert.Equal(images.Sum(image => (long)((TestImage.Inline)image).Bytes.Length), answer.Report.Value.GetProperty("totals").GetProperty("bytes").GetInt64());
        Assert.DoesNotContain("base64,", answer.Report.Value.GetRawText(), StringComparison.Ordinal);
    }

    public static TheoryData<SdkSurface, string> ErrorRows()
    {
        var rows = new TheoryData<SdkSurface, string>();
        foreach (var surface in SdkSurface.Each)
        {
            foreach (var row in SeedErrorRows.Keys)
            {
                rows.Add(surface, row);
            }
        }

        return rows;
    }

    /// <summary>The seeds' error table, one entry per row (plus the URL variants of the size and type rows).</summary>
    private static readonly Dictionary<string, (string Model, Func<ValarServerFixture, TestImage[]> Images, string Message, string Code, int? FailingImage)> SeedErrorRows = new()
    {
        ["model not multimodal"] = (ValarServerFixture.TextModel, s => [new TestImage.ByUrl(s.ImageUrl("/cat.png"))],
            "model 'deepseek-ai/DeepSeek-V3.1' does not support image input", "model_does_not_support_images", null),
        ["more than 20 images"] = (ValarServerFixture.VisionModel, s => [.. Enumerable.Repeat<TestImage>(new TestImage.ByUrl(s.ImageUrl("/cat.png")), 21)],
            "too many images: maximum 20 images per request", "too_many_images", null),
        ["image over 20 MB decoded (base64)"] = (ValarServerFixture.VisionModel, _ => [new TestImage.Inline(TestImages.Png(8, 8, padToBytes: (20 * 1024 * 1024) + 1), "image/png")],
            "image too large: exceeds maximum of 20971520 bytes", "image_too_large", 0),
        ["image over 20 MB (url)"] = (ValarServerFixture.VisionModel, s => [new TestImage.ByUrl(s.ImageUrl("/oversized.png"))],
            "image too large: exceeds maximum of 20971520 bytes", "image_too_large", 0),
        ["unsupported mime type (base64)"] = (ValarServerFixture.VisionModel, _ => [new TestImage.Inline(TestImages.Bmp(4, 4), "image/bmp")],
            "unsupported image type image/bmp: only image/jpeg, image/png, image/webp, image/gif are accepted", "unsupported_image_type", 0),
        ["unsupported mime type (url)"] = (ValarServerFixture.VisionModel, s => [new TestImage.ByUrl(s.ImageUrl("/cat.png")), new TestImage.ByUrl(s.ImageUrl("/bitmap.bmp"))],
            "unsupported image type image/bmp: only image/jpeg, image/png, image/webp, image/gif are accepted", "unsupported_image_type", 1),
        ["url scheme not http"] = (ValarServerFixture.VisionModel, _ => [new TestImage.ByUrl(new Uri("ftp://example.com/cat.png"))],
            "unsupported URL scheme 'ftp': only http and https URLs are allowed", "unsupported_url_scheme", 0),
        ["url not public"] = (ValarServerFixture.VisionModel, _ => [new TestImage.ByUrl(new Uri("http://169.254.169.254/latest/meta-data/"))],
            "blocked: 169.254.169.254 is not a public address", "blocked", 0),
        ["url returns non-200"] = (ValarServerFixture.VisionModel, s => [new TestImage.ByUrl(s.ImageUrl("/missing.png"))],
            "failed to download image: HTTP 404", "download_failed", 0),
        ["declared mime does not match bytes"] = (ValarServerFixture.VisionModel, _ => [new TestImage.Inline(ValarServerFixture.AnimatedGif, "image/png")],
            "declared type image/png does not match detected type image/gif", "declared_type_mismatch", 0),
    };

    [Theory]
    [MemberData(nameof(ErrorRows))]
    public async Task Send_SeedErrorRow_SdkSurfacesExactMessage(SdkSurface surface, string row)
    {
        var (model, makeImages, message, code, failingImage) = SeedErrorRows[row];
        var images = makeImages(server);

        var answer = await surface.SendAsync(server, model, images);

        Assert.Equal(400, answer.Status);
        Assert.Equal(message, answer.ErrorMessage);
        var param = failingImage is { } index ? surface.ImagePath(index, images[index]) : code == "model_does_not_support_images" ? "model" : null;
        Assert.Equal(surface.ExpectedExceptionMessage(message, code, param), answer.ExceptionMessage);
    }

    [Fact]
    public async Task Send_UrlThatNeverAnswers_FailsAfterTenSecondsOnEverySurface()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var answers = await Task.WhenAll(SdkSurface.Each.Select(surface =>
            surface.SendAsync(server, ValarServerFixture.VisionModel, [new TestImage.ByUrl(server.ImageUrl("/never.png"))])));

        Assert.All(answers, answer =>
        {
            Assert.Equal(400, answer.Status);
            Assert.Equal("failed to download image: timed out after 10 s", answer.ErrorMessage);
        });
        // The deadline runs on the worker's real clock: it cannot end sooner; far later would be a hang.
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(9.9), TimeSpan.FromSeconds(60));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_RedirectToImage_FollowsIt(SdkSurface surface)
    {
        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, [new TestImage.ByUrl(server.ImageUrl("/redirect.png"))]);

        Assert.Equal(200, answer.Status);
        Assert.Equal(64, answer.Report!.Value.GetProperty("images")[0].GetProperty("width").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_RedirectToMetadataAddress_IsBlocked(SdkSurface surface)
    {
        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, [new TestImage.ByUrl(server.ImageUrl("/redirect-metadata.png"))]);

        Assert.Equal(400, answer.Status);
        Assert.Equal("blocked: 169.254.169.254 is not a public address", answer.ErrorMessage);
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_HtmlServedAsImage_IsUnsupportedType(SdkSurface surface)
    {
        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, [new TestImage.ByUrl(server.ImageUrl("/page.html"))]);

        Assert.Equal(400, answer.Status);
        Assert.Equal("unsupported image type text/html: only image/jpeg, image/png, image/webp, image/gif are accepted", answer.ErrorMessage);
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task Send_TwentyImages_PassesAtTheLimit(SdkSurface surface)
    {
        var images = Enumerable.Range(0, 20).Select(index => index % 2 == 0
            ? (TestImage)new TestImage.ByUrl(server.ImageUrl("/cat.png"))
            : new TestImage.Inline(ValarServerFixture.CatPng, "image/png")).ToArray();

        var answer = await surface.SendAsync(server, ValarServerFixture.VisionModel, images);

        Assert.Equal(200, answer.Status);
        Assert.Equal(20, answer.Report!.Value.GetProperty("totals").GetProperty("images").GetInt32());
    }
}
