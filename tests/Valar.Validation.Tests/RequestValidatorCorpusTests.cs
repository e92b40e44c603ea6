using System.Net;
using System.Text;
using Valar.Testing.Images;
using Valar.Testing.Servers;
using Valar.Validation.Fetching;
using Valar.Validation.Images;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests;

/// <summary>
/// Every corpus file through <see cref="RequestValidator"/>, inline as base64 (Anthropic Messages) and by URL from a
/// loopback server (Chat Completions), at both integrity levels: the manifest's verdict, and for accepted files the
/// report's true facts.
/// </summary>
public sealed class RequestValidatorCorpusTests : IClassFixture<RequestValidatorCorpusTests.CorpusServer>
{
    private const string StructureModel = "vision";
    private const string DecodeModel = "vision-decode";
    private const string StillOnlyModel = "vision-still";

    private readonly CorpusServer _server;

    public RequestValidatorCorpusTests(CorpusServer server) => _server = server;

    public static TheoryDataFiles Files => ImageCorpus.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_CorpusFileInlineAtStructureLevel_GivesManifestVerdict(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), await _server.ValidateInlineAsync(StructureModel, file), ImageCorpus.Entry(file).Expected.Structure, "messages[0].content[0].source.data");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_CorpusFileByUrlAtStructureLevel_GivesManifestVerdict(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), await _server.ValidateUrlAsync(StructureModel, file), ImageCorpus.Entry(file).Expected.Structure, "messages[0].content[0].image_url.url");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_CorpusFileInlineAtDecodeLevel_GivesManifestVerdict(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), await _server.ValidateInlineAsync(DecodeModel, file), ImageCorpus.Entry(file).Expected.Decode, "messages[0].content[0].source.data");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_CorpusFileByUrlAtDecodeLevel_GivesManifestVerdict(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), await _server.ValidateUrlAsync(DecodeModel, file), ImageCorpus.Entry(file).Expected.Decode, "messages[0].content[0].image_url.url");

    [Fact]
    public async Task Validate_AnimatedGifForStillOnlyModel_RefusedWithPolicyMessageAndPath()
    {
        var outcome = await _server.ValidateUrlAsync(StillOnlyModel, "gif-animated-2.gif");

        Assert.Equal(
            new ValidationError(
                ValidationErrorCode.AnimatedNotAllowed,
                "unsupported image: animated image/gif with 2 frames is not accepted; send a still image",
                "messages[0].content[0].image_url.url"),
            outcome.Error);
    }

    [Fact]
    public async Task Validate_StillGifForStillOnlyModel_Passes()
    {
        var outcome = await _server.ValidateInlineAsync(StillOnlyModel, "gif-static.gif");

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal((1, false), (outcome.Report.Images[0].Frames, outcome.Report.Images[0].Animated));
    }

    private static void AssertVerdict(CorpusEntry entry, ValidationOutcome outcome, string expected, string path)
    {
        if (expected == "valid")
        {
            Assert.True(outcome.Succeeded, $"{entry.File} ({entry.Note}) was refused: {outcome.Error?.Message}");
            var image = Assert.Single(outcome.Report.Images);
            Assert.Equal(
                (entry.MediaType, entry.Width, entry.Height, entry.Frames, entry.Animated, entry.Bytes),
                (image.MediaType, image.Width, image.Height, image.Frames, image.Animated, image.Bytes));
            return;
        }

        Assert.False(outcome.Succeeded, $"{entry.File} ({entry.Note}) was accepted");
        var codes = expected == "invalid"
            ? new[] { ValidationErrorCode.InvalidImage, ValidationErrorCode.PixelBudgetExceeded }
            : [ValidationErrorCode.UnsupportedImageType];
        Assert.Contains(outcome.Error.Code, codes);
        Assert.Equal(path, outcome.Error.Path);
    }

    /// <summary>A loopback server that serves every corpus file at /&lt;name&gt;, and a validator allowed to fetch from it.</summary>
    public sealed class CorpusServer : IAsyncLifetime
    {
        private readonly ModelCatalog _catalog = new(
        [
            new ModelDefinition(StructureModel, SupportsImages: true, new ModelLimits()),
            new ModelDefinition(DecodeModel, SupportsImages: true, new ModelLimits { Integrity = ImageIntegrity.Decode }),
            new ModelDefinition(StillOnlyModel, SupportsImages: true, new ModelLimits { ImagePolicy = new ImagePolicy { AllowAnimated = false } }),
        ]);

        private LoopbackImageServer _server = null!;
        private ImageFetcher _fetcher = null!;
        private RequestValidator _validator = null!;

        public async Task InitializeAsync()
        {
            _server = await LoopbackImageServer.StartAsync();
            foreach (var entry in ImageCorpus.Entries)
            {
                _server.MapBytes("/" + entry.File, ImageCorpus.Load(entry.File));
            }

            _fetcher = new ImageFetcher(new FetchOptions { AllowedNetworks = [IPNetwork.Parse("127.0.0.1/32")], Timeout = TimeSpan.FromSeconds(10) });
            _validator = new RequestValidator(_catalog, _fetcher);
        }

        public async Task DisposeAsync()
        {
            _fetcher.Dispose();
            await _server.DisposeAsync();
        }

        public Task<ValidationOutcome> ValidateInlineAsync(string model, string file)
        {
            var entry = ImageCorpus.Entry(file);
            var mediaType = entry.Format == "unsupported" ? "image/png" : entry.MediaType;
            var json = $$$"""{"model":"{{{model}}}","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"{{{mediaType}}}","data":"{{{Convert.ToBase64String(ImageCorpus.Load(file))}}}"}}]}]}""";
            return _validator.ValidateAsync(ApiSurface.Messages, Encoding.UTF8.GetBytes(json));
        }

        public Task<ValidationOutcome> ValidateUrlAsync(string model, string file)
        {
            var json = $$$"""{"model":"{{{model}}}","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{new Uri(_server.BaseUri, file)}}}"}}]}]}""";
            return _validator.ValidateAsync(ApiSurface.ChatCompletions, Encoding.UTF8.GetBytes(json));
        }
    }
}
