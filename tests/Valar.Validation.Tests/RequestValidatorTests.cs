using System.Net;
using System.Text;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests;

/// <summary>The pipeline: the checks in order, the first failure winning, per image in request order.</summary>
public sealed class RequestValidatorTests : IAsyncLifetime
{
    private static readonly byte[] Png = TestImages.Png(16, 8);
    private static readonly byte[] Gif = TestImages.Gif(4, 4);

    private readonly ModelCatalog _catalog = new(
    [
        new ModelDefinition("vision", SupportsImages: true, new ModelLimits { MaxImages = 3, MaxImageBytes = 64 * 1024, MaxTotalMediaBytes = 100 * 1024 }),
        new ModelDefinition("text", SupportsImages: false, new ModelLimits()),
    ]);

    private LoopbackImageServer _server = null!;
    private ImageFetcher _fetcher = null!;
    private RequestValidator _validator = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackImageServer.StartAsync();
        _server.MapBytes("/a.png", Png).MapStatus("/missing", 404).MapBytes("/big.png", TestImages.Png(8, 8, padToBytes: 70 * 1024));
        _fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [IPNetwork.Parse("127.0.0.1/32")], Timeout = TimeSpan.FromSeconds(5) });
        _validator = new RequestValidator(_catalog, _fetcher);
    }

    public async Task DisposeAsync()
    {
        _fetcher.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Validate_NoImagesUnknownModel_PassesAsUnknown()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, """{"model":"who","messages":[{"role":"user","content":"hi"}]}""");

        Assert.True(outcome.Succeeded);
        Assert.False(outcome.Report.ModelKnown);
        Assert.Empty(outcome.Report.Images);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("not-configured")]
    public async Task Validate_ImageForModelWithoutImages_RefusedFirst(string model)
    {
        // Also too many images and a bad scheme: check 1 outranks both.
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat(model, Url("ftp://x/1"), Url("ftp://x/2"), Url("ftp://x/3"), Url("ftp://x/4")));

        AssertRefused(outcome, ValidationErrorCode.ModelDoesNotSupportImages, $"model '{model}' does not support image input", "model");
    }

    [Fact]
    public async Task Validate_MoreImagesThanModelAllows_RefusedBeforeAnyPerImageCheck()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url("ftp://x/1"), Url(_server.Url("/a.png")), Url(_server.Url("/a.png")), Url(_server.Url("/a.png"))));

        AssertRefused(outcome, ValidationErrorCode.TooManyImages, "too many images: maximum 3 images per request", null);
        Assert.Equal(0, _server.RequestCount("/a.png"));
    }

    [Fact]
    public async Task Validate_EarlierImageFailsLateCheck_WinsOverLaterImageFailingEarlyCheck()
    {
        // Image 0 fails check 8 (declared type); image 1 fails check 3 (scheme). Request order decides.
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Inline("image/png", Gif), Url("ftp://example.com/b.png")));

        AssertRefused(outcome, ValidationErrorCode.DeclaredTypeMismatch, "declared type image/png does not match detected type image/gif", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_LaterImageFails_ReportsThatImagesPath()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url(_server.Url("/a.png")), Url(_server.Url("/missing"))));

        AssertRefused(outcome, ValidationErrorCode.DownloadFailed, "failed to download image: HTTP 404", "messages[0].content[1].image_url.url");
    }

    [Theory]
    [InlineData("ftp://example.com/a.png", "unsupported URL scheme 'ftp': only http and https URLs are allowed")]
    [InlineData("file:///etc/passwd", "unsupported URL scheme 'file': only http and https URLs are allowed")]
    [InlineData("gopher://example.com/", "unsupported URL scheme 'gopher': only http and https URLs are allowed")]
    [InlineData("cat.jpg", "unsupported URL scheme: the value at messages[0].content[0].image_url.url is not a valid absolute http or https URL")]
    [InlineData("//example.com/cat.jpg", "unsupported URL scheme: the value at messages[0].content[0].image_url.url is not a valid absolute http or https URL")]
    [InlineData("/etc/passwd", "unsupported URL scheme: the value at messages[0].content[0].image_url.url is not a valid absolute http or https URL")]
    [InlineData("http://exa mple.com/a.png", "unsupported URL scheme: the value at messages[0].content[0].image_url.url is not a valid absolute http or https URL")]
    [InlineData("JAVASCRIPT:alert(1)", "unsupported URL scheme 'javascript': only http and https URLs are allowed")]
    public async Task Validate_NonHttpUrl_UnsupportedScheme(string url, string message)
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url(url)));

        AssertRefused(outcome, ValidationErrorCode.UnsupportedUrlScheme, message, "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_PrivateAddressNotAllowed_BlockedWithoutConnecting()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url("http://127.0.0.2:1/a.png")));

        AssertRefused(outcome, ValidationErrorCode.Blocked, "blocked: 127.0.0.2 is not a public address", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_InvalidBase64_NamesThePath()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", "data:image/png;base64,iVBORw0KGgo*"));

        AssertRefused(outcome, ValidationErrorCode.InvalidBase64, "messages[0].content[0].image_url.url: invalid base64 data", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_Base64OverLimit_TooLargeByDecodedSize()
    {
        // 64 KiB + 1 decoded bytes; the base64 text is a third longer, and that length is not what counts.
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Inline("image/png", TestImages.Png(8, 8, padToBytes: (64 * 1024) + 1))));

        AssertRefused(outcome, ValidationErrorCode.ImageTooLarge, "image too large: exceeds maximum of 65536 bytes", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_Base64AtLimit_Passes()
    {
        var exact = TestImages.Png(8, 8, padToBytes: 64 * 1024);

        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Inline("image/png", exact)));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal(64 * 1024, outcome.Report.Images[0].Bytes);
    }

    [Fact]
    public async Task Validate_UrlOverLimit_TooLarge()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url(_server.Url("/big.png"))));

        AssertRefused(outcome, ValidationErrorCode.ImageTooLarge, "image too large: exceeds maximum of 65536 bytes", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task Validate_ImagesTogetherOverTotal_RefusedAtTheImageThatCrossesIt()
    {
        var sixty = TestImages.Png(8, 8, padToBytes: 60 * 1024);

        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Inline("image/png", sixty), Inline("image/png", sixty)));

        AssertRefused(outcome, ValidationErrorCode.TotalMediaTooLarge, "image too large: the request's images together exceed the maximum of 102400 bytes", "messages[0].content[1].image_url.url");
    }

    [Theory]
    [InlineData("image/jpg")]
    [InlineData("IMAGE/PNG")]
    [InlineData(" image/png ")]
    public async Task Validate_DeclaredTypeAliasOrCase_Matches(string declared)
    {
        var bytes = declared.Contains("jpg", StringComparison.Ordinal) ? TestImages.JpegHeader(10, 20) : Png;

        var outcome = await ValidateAsync(ApiSurface.Messages, Messages(declared, bytes));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
    }

    [Fact]
    public async Task Validate_MixedSources_ReportsFactsInOrderWithTotals()
    {
        var outcome = await ValidateAsync(ApiSurface.ChatCompletions, Chat("vision", Url(_server.Url("/a.png")), Inline("image/gif", Gif)));

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var report = outcome.Report;
        Assert.Equal([ImageSourceKind.Url, ImageSourceKind.Base64], report.Images.Select(image => image.Source));
        Assert.Equal(["image/png", "image/gif"], report.Images.Select(image => image.MediaType));
        Assert.Equal([(16, 8), (4, 4)], report.Images.Select(image => (image.Width, image.Height)));
        Assert.Equal(Png.Length + Gif.Length, report.TotalBytes);
        Assert.Equal(2, report.TotalEstimatedTokens);
    }

    [Fact]
    public async Task Validate_CallerCancels_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _validator.ValidateAsync(ApiSurface.ChatCompletions, Encoding.UTF8.GetBytes(Chat("vision", Url(_server.Url("/a.png")))), cancelled.Token));
    }

    private Task<ValidationOutcome> ValidateAsync(ApiSurface surface, string json) =>
        _validator.ValidateAsync(surface, Encoding.UTF8.GetBytes(json));

    private static void AssertRefused(ValidationOutcome outcome, ValidationErrorCode code, string message, string? path)
    {
        Assert.False(outcome.Succeeded);
        Assert.Equal(new ValidationError(code, message, path), outcome.Error);
    }

    private static string Url(Uri url) => url.ToString();

    private static string Url(string url) => url;

    private static string Inline(string mediaType, byte[] bytes) => TestImages.DataUri(mediaType, bytes);

    private static string Chat(string model, params string[] urls) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":[{{string.Join(",", urls.Select(url => $$$"""{"type":"image_url","image_url":{"url":"{{{url}}}"}}"""))}}]}]}""";

    private static string Messages(string mediaType, byte[] bytes) =>
        $$$"""{"model":"vision","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"{{{mediaType}}}","data":"{{{Convert.ToBase64String(bytes)}}}"}}]}]}""";
}
