using System.Net;
using System.Text;
using System.Text.Json;
using Valar.Functions.Tests.Hosting;
using Valar.Testing.Images;
using Valar.Validation;
using Valar.Validation.Images;

namespace Valar.Functions.Tests.Http;

/// <summary>
/// The worker behind the local host with models configured the way an operator would (environment settings over
/// appsettings.json): one at the decode level with a small decode budget and one per image-policy limit. Every corpus
/// file over HTTP at both levels, each policy's message, and <c>/v1/models</c> showing how each model checks images.
/// </summary>
public sealed class ImageChecksAppTests : IClassFixture<ImageChecksAppTests.ImageChecksApp>
{
    private const string StructureModel = "moonshotai/Kimi-K2.6";
    private const string DecodeModel = "test/decode";
    private const string MaxPixelsModel = "test/max-pixels";
    private const string MaxSideModel = "test/max-side";
    private const string StillModel = "test/still";
    private const string MaxFramesModel = "test/max-frames";
    private const long DecodeBudget = 4_000_000;

    private static readonly ImageCheckOptions StructureChecks = ImageCheckOptions.Default;
    private static readonly ImageCheckOptions DecodeChecks = new() { Integrity = ImageIntegrity.Decode, MaxDecodePixels = DecodeBudget };

    private readonly ImageChecksApp _app;

    public ImageChecksAppTests(ImageChecksApp app) => _app = app;

    public static TheoryDataFiles Files => ImageCorpus.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Chat_CorpusFileAtStructureLevel_AnswersTheManifestVerdictWithTheCoresMessage(string file)
    {
        var entry = ImageCorpus.Entry(file);
        using var response = await _app.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), ChatBody(StructureModel, file));

        await AssertVerdictAsync(response, entry, entry.Expected.Structure, StructureChecks, "messages[0].content[0].image_url.url", anthropic: false);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Messages_CorpusFileAtDecodeLevel_AnswersTheManifestVerdictWithTheCoresMessage(string file)
    {
        var entry = ImageCorpus.Entry(file);
        using var response = await _app.Client.PostAsync(new Uri("/v1/messages", UriKind.Relative), MessagesBody(DecodeModel, file));

        await AssertVerdictAsync(response, entry, entry.Expected.Decode, DecodeChecks, "messages[0].content[0].source.data", anthropic: true);
    }

    [Theory]
    [InlineData(MaxPixelsModel, "png-rgba.png", 400, "image too large: 96x64 exceeds the maximum of 6000 pixels", "too_many_pixels")]
    [InlineData(MaxSideModel, "png-rgba.png", 400, "image too large: 96x64 exceeds the maximum side of 80 pixels", "side_too_long")]
    [InlineData(StillModel, "gif-animated-2.gif", 400, "unsupported image: animated image/gif with 2 frames is not accepted; send a still image", "animated_not_allowed")]
    [InlineData(MaxFramesModel, "gif-animated-5.gif", 400, "too many frames: image/gif with 5 frames exceeds the maximum of 3", "too_many_frames")]
    [InlineData(StillModel, "gif-static.gif", 200, null, null)]
    [InlineData(MaxFramesModel, "gif-animated-2.gif", 200, null, null)]
    public async Task Chat_ModelWithImagePolicy_RefusesWithThatLimitsMessage(string model, string file, int status, string? message, string? code)
    {
        using var response = await _app.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), ChatBody(model, file));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        if (message is not null)
        {
            Assert.Equal(OpenAiError(message, "messages[0].content[0].image_url.url", code!), body);
        }
    }

    [Fact]
    public async Task Models_EachModelShowsItsIntegrityLevelAndImagePolicy()
    {
        using var document = JsonDocument.Parse(await _app.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        var limits = document.RootElement.GetProperty("data").EnumerateArray()
            .Where(model => model.TryGetProperty("image_limits", out _))
            .ToDictionary(model => model.GetProperty("id").GetString()!, model => model.GetProperty("image_limits").GetRawText());
        Assert.Equal(Limits("\"integrity\":\"structure\"", Policy()), limits[StructureModel]);
        Assert.Equal(Limits("\"integrity\":\"decode\",\"max_decode_pixels\":4000000", Policy()), limits[DecodeModel]);
        Assert.Equal(Limits("\"integrity\":\"structure\"", Policy(maxPixels: "6000")), limits[MaxPixelsModel]);
        Assert.Equal(Limits("\"integrity\":\"structure\"", Policy(maxSide: "80")), limits[MaxSideModel]);
        Assert.Equal(Limits("\"integrity\":\"structure\"", Policy(animated: "false")), limits[StillModel]);
        Assert.Equal(Limits("\"integrity\":\"structure\"", Policy(maxFrames: "3")), limits[MaxFramesModel]);

        static string Limits(string integrity, string policy) =>
            "{\"max_images\":20,\"max_image_bytes\":20971520,\"max_total_media_bytes\":419430400,"
            + "\"media_types\":[\"image/jpeg\",\"image/png\",\"image/webp\",\"image/gif\"],"
            + integrity + ",\"image_policy\":" + policy + "}";

        static string Policy(string maxPixels = "null", string maxSide = "null", string animated = "true", string maxFrames = "null") =>
            $"{{\"max_pixels\":{maxPixels},\"max_side\":{maxSide},\"allow_animated\":{animated},\"max_frames\":{maxFrames}}}";
    }

    private static async Task AssertVerdictAsync(HttpResponseMessage response, CorpusEntry entry, string expected, ImageCheckOptions checks, string path, bool anthropic)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (expected == "valid")
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{entry.File} ({entry.Note}) was refused: {body}");
            using var report = JsonDocument.Parse(body);
            var image = Assert.Single(report.RootElement.GetProperty("images").EnumerateArray().ToArray());
            Assert.Equal(
                (entry.MediaType, entry.Width, entry.Height, entry.Frames, entry.Animated, entry.Bytes),
                (image.GetProperty("media_type").GetString(), image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32(),
                    image.GetProperty("frames").GetInt32(), image.GetProperty("animated").GetBoolean(), image.GetProperty("bytes").GetInt64()));
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{entry.File} ({entry.Note}) got {(int)response.StatusCode}: {body}");

        // The message over HTTP is the core's, byte for byte, and its code is the class the manifest expects.
        var core = ImageContentChecker.CheckBytes(ImageCorpus.Load(entry.File), null, checks);
        Assert.False(core.Succeeded);
        Assert.Contains(
            core.Error.Code,
            expected == "invalid" ? [ValidationErrorCode.InvalidImage, ValidationErrorCode.PixelBudgetExceeded] : new[] { ValidationErrorCode.UnsupportedImageType });
        var code = JsonNamingPolicy.SnakeCaseLower.ConvertName(core.Error.Code.ToString());
        Assert.Equal(anthropic ? AnthropicError(core.Error.Message) : OpenAiError(core.Error.Message, path, code), body);
    }

    // The app writes JSON with relaxed escaping (JsonWriting.Options), so the expected strings are encoded the same way.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string OpenAiError(string message, string param, string code) =>
        "{\"error\":{\"message\":" + Quote(message) + ",\"type\":\"invalid_request_error\",\"param\":" + Quote(param) + ",\"code\":" + Quote(code) + "}}";

    private static string AnthropicError(string message) =>
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":" + Quote(message) + "}}";

    private static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed);

    private static string DeclaredType(CorpusEntry entry) => entry.Format == "unsupported" ? "image/png" : entry.MediaType;

    private static StringContent ChatBody(string model, string file)
    {
        var entry = ImageCorpus.Entry(file);
        var url = $"data:{DeclaredType(entry)};base64,{Convert.ToBase64String(ImageCorpus.Load(file))}";
        return Json($$$"""{"model":"{{{model}}}","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""");
    }

    private static StringContent MessagesBody(string model, string file)
    {
        var entry = ImageCorpus.Entry(file);
        return Json($$$"""{"model":"{{{model}}}","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"{{{DeclaredType(entry)}}}","data":"{{{Convert.ToBase64String(ImageCorpus.Load(file))}}}"}}]}]}""");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The app with the test models added after appsettings.json's three (indexes 3 and up), as environment settings.</summary>
    public sealed class ImageChecksApp : IAsyncLifetime
    {
        private FunctionsHost _host = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var settings = new Dictionary<string, string>();
            void Model(int index, string id, params (string Key, string Value)[] values)
            {
                settings[$"Valar__Models__{index}__Id"] = id;
                settings[$"Valar__Models__{index}__SupportsImages"] = "true";
                foreach (var (key, value) in values)
                {
                    settings[$"Valar__Models__{index}__{key}"] = value;
                }
            }

            Model(3, DecodeModel, ("Integrity", "Decode"), ("MaxDecodePixels", DecodeBudget.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Model(4, MaxPixelsModel, ("ImagePolicy__MaxPixels", "6000"));
            Model(5, MaxSideModel, ("ImagePolicy__MaxSide", "80"));
            Model(6, StillModel, ("ImagePolicy__AllowAnimated", "false"));
            Model(7, MaxFramesModel, ("ImagePolicy__MaxFrames", "3"));
            _host = await FunctionsHost.StartAsync(settings);
            Client = _host.CreateClient();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await _host.DisposeAsync();
        }
    }
}
