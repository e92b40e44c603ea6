using System.Text;
using Valar.Testing.Images;
using Valar.Validation.Fetching;
using Valar.Validation.Models;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Fuzzing;

/// <summary>
/// Seeds the fuzzer once failed (or that came close), replayed on every run, and hand-written hostile bodies. A new
/// failing seed from <see cref="FuzzTests"/> or a long run goes into <see cref="Seeds"/> with a comment saying what it found.
/// </summary>
public sealed class FuzzRegressionTests
{
    /// <summary>Target and seed of every kept case.</summary>
    public static TheoryData<FuzzTarget, int> Seeds => new()
    {
        // Seeds 11022, 11737, 12012, 17778, 18714 and 6405 of the first run: non-canonical padding bits (e.g. "...OK==") are refused
        // as invalid base64 while System.Convert decodes them; the product is strict on purpose, the oracle now is too.
        { FuzzTarget.Base64Payload, 11022 },
        { FuzzTarget.Base64Payload, 6405 },
        { FuzzTarget.Base64Payload, 18714 },
        // ImageStructure seed 4760: a 3x3 GIF whose frame sits at 30044,12336 and is 12336 wide; SkiaSharp spent 1.5 s on it
        // within a small budget. The decode budget now counts frames that reach past the logical screen.
        { FuzzTarget.ImageStructure, 4760 },
        // The first seed of each target, a smoke check that replay works.
        { FuzzTarget.RequestJson, 1 },
        { FuzzTarget.DataUri, 1 },
        { FuzzTarget.Base64Payload, 1 },
        { FuzzTarget.ImageHeader, 1 },
        { FuzzTarget.ImageStructure, 1 },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Fuzz_KeptSeed_StillPasses(FuzzTarget target, int seed)
    {
        using var harness = new FuzzHarness();

        Assert.Null(await harness.RunAsync(target, seed));
    }

    /// <summary>Bodies a mutator rarely finds by itself: the answer must be a refusal value with this exact message.</summary>
    public static TheoryData<ApiSurface, string, string> HostileBodies => new()
    {
        { ApiSurface.ChatCompletions, "", "request body is not valid JSON: the body is empty" },
        { ApiSurface.ChatCompletions, "   \r\n", "request body is not valid JSON: the body is empty" },
        { ApiSurface.Responses, "[]", "body: expected a JSON object" },
        { ApiSurface.Messages, "\"x\"", "body: expected a JSON object" },
        { ApiSurface.ChatCompletions, """{"messages":[]}""", "model: required" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Validate_HostileBody_IsRefusedWithExactMessage(ApiSurface surface, string body, string expected)
    {
        var outcome = await ValidateAsync(surface, Encoding.UTF8.GetBytes(body));

        Assert.Equal(expected, outcome.Error?.Message);
    }

    /// <summary>Shapes that stress the reader: deep nesting, huge numbers, invalid UTF-8, lone surrogates, many images.</summary>
    private static readonly Dictionary<string, Func<byte[]>> Stress = new()
    {
        ["nesting 10,000 deep"] = () => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":" + new string('[', 10_000) + new string(']', 10_000) + "}"),
        ["nesting 31 deep in a tool schema"] = () => Encoding.UTF8.GetBytes("{\"model\":\"m\",\"tools\":" + string.Concat(Enumerable.Repeat("[{\"a\":", 31)) + "1" + string.Concat(Enumerable.Repeat("}]", 31)) + "}"),
        ["invalid UTF-8 in the model"] = () => [.. "{\"model\":\""u8, 0xC3, 0x28, .. "\"}"u8],
        ["lone surrogate escape in a URL"] = () => Encoding.UTF8.GetBytes(ImageRequest("http://\\ud800.invalid/")),
        ["number with a huge exponent as the model"] = () => Encoding.UTF8.GetBytes("{\"model\":1e99999}"),
        ["100,000 images"] = () => Encoding.UTF8.GetBytes("{\"model\":\"moonshotai/Kimi-K2.6\",\"messages\":[{\"role\":\"user\",\"content\":[" + string.Join(',', Enumerable.Repeat("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}", 100_000)) + "]}]}"),
        ["a 2 MB run of base64 padding"] = () => Encoding.UTF8.GetBytes(ImageRequest("data:image/png;base64," + new string('=', 2_000_000))),
        ["a data URI header longer than the header limit"] = () => Encoding.UTF8.GetBytes(ImageRequest("data:" + new string(';', 10_000) + "base64,AAAA")),
    };

    public static TheoryData<string> StressNames => [.. Stress.Keys];

    [Theory]
    [MemberData(nameof(StressNames))]
    public async Task Validate_StressBody_AnswersWithAValue(string name)
    {
        var body = Stress[name]();
        foreach (var surface in new[] { ApiSurface.ChatCompletions, ApiSurface.Responses, ApiSurface.Messages })
        {
            // The parse runs on the calling thread: a pool thread lets the bound catch a hang.
            var outcome = await Task.Run(() => ValidateAsync(surface, body)).WaitAsync(Eventually.Bound);

            Assert.True(outcome.Succeeded || !string.IsNullOrWhiteSpace(outcome.Error.Message), name);
        }
    }

    /// <summary>
    /// Found by the Base64Payload fuzz target (seed 1 onwards hangs): whitespace inside base64 that pushes the header past
    /// the decoded prefix makes <see cref="ImageContentChecker.CheckBase64(ReadOnlySpan{byte}, string?, long, string?)"/>
    /// loop forever, so one request pins a core. The check runs on a pool thread, bounded so that a hang fails the test.
    /// </summary>
    [Theory]
    [InlineData(4, 400)]
    [InlineData(0, 1)]
    [InlineData(8, 60)]
    public async Task CheckBase64_WhitespaceBeforeTheHeaderEnds_AnswersPromptly(int at, int spaces)
    {
        var text = Convert.ToBase64String(TestImages.JpegHeader(640, 480));
        var spaced = Encoding.ASCII.GetBytes(text[..at] + new string(' ', spaces) + text[at..]);

        var check = Task.Run(() => ImageContentChecker.CheckBase64(spaced, "image/jpeg", 1_000_000, "p"));
        var finished = await Task.WhenAny(check, Task.Delay(Eventually.Bound));

        Assert.Same(check, finished);
        var result = await check;
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal((640, 480), (result.Info.Width, result.Info.Height));
    }

    /// <summary>The same bug through a whole request: a data URI with spaces inside its base64 (legal in a JSON string).</summary>
    [Fact]
    public async Task Validate_DataUriWithSpacesInsideTheBase64_AnswersPromptly()
    {
        var text = Convert.ToBase64String(TestImages.JpegHeader(640, 480));
        var body = Encoding.UTF8.GetBytes(ImageRequest("data:image/jpeg;base64," + text[..4] + new string(' ', 400) + text[4..]));

        var validation = Task.Run(() => ValidateAsync(ApiSurface.ChatCompletions, body));
        var finished = await Task.WhenAny(validation, Task.Delay(Eventually.Bound));

        Assert.Same(validation, finished);
        Assert.True((await validation).Succeeded);
    }

    private static string ImageRequest(string url) =>
        "{\"model\":\"moonshotai/Kimi-K2.6\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]}]}";

    private static async Task<ValidationOutcome> ValidateAsync(ApiSurface surface, byte[] body)
    {
        using var fetcher = new ImageFetcher(new FetchOptions { Timeout = TimeSpan.FromSeconds(2) }, new Security.LiteralAwareResolver());
        var validator = new RequestValidator(new ModelCatalog([new ModelDefinition("moonshotai/Kimi-K2.6", true, new ModelLimits())]), fetcher);
        return await validator.ValidateAsync(surface, body);
    }
}
