using System.Text;
using Valar.Testing.Images;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Fuzzing;

/// <summary>The well-formed inputs mutation starts from: requests on each surface, data URIs, base64 payloads, images.</summary>
internal static class FuzzCorpus
{
    public static readonly byte[][] Images =
    [
        TestImages.Png(7, 5),
        TestImages.Png(1, 1),
        TestImages.Gif(9, 4),
        TestImages.Gif(3, 3, frames: 3),
        TestImages.JpegHeader(640, 480),
        TestImages.JpegHeader(1, 65535),
        TestImages.WebPLossless(300, 200),
        TestImages.Bmp(2, 2),
        .. AssetImages(),
    ];

    /// <summary>Every corpus file both reference decoders read, plus the images above: the structure walkers' seeds.</summary>
    public static readonly byte[][] StructureImages =
        [.. ImageCorpus.Entries.Where(entry => entry.BothDecode).Select(entry => ImageCorpus.Load(entry.File)), .. Images];

    public static readonly byte[][] DataUris = [.. Images.Take(8).Select((image, index) => Utf8(TestImages.DataUri(MediaTypeOf(index), image)))];

    public static readonly byte[][] Base64Payloads = [.. Images.Select(image => Utf8(Convert.ToBase64String(image)))];

    public static readonly (ApiSurface Surface, byte[] Body)[] Requests = [.. BuildRequests()];

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string MediaTypeOf(int index) => index switch
    {
        0 or 1 => "image/png",
        2 or 3 => "image/gif",
        4 or 5 => "image/jpeg",
        6 => "image/webp",
        _ => "image/bmp",
    };

    /// <summary>The committed samples made by real encoders (progressive JPEG, ICC profile, animated WebP, interlaced GIF ...).</summary>
    private static IEnumerable<byte[]> AssetImages() =>
        new[]
        {
            "gif-animated.gif", "gif-interlaced.gif", "jpeg-baseline.jpg", "jpeg-icc-profile.jpg", "jpeg-progressive.jpg",
            "png-interlaced.png", "webp-alpha.webp", "webp-animated.webp", "webp-lossy.webp", "other.tiff", "other.ico",
        }.Select(TestImages.Load).Where(bytes => bytes.Length <= 64 * 1024);

    private static IEnumerable<(ApiSurface, byte[])> BuildRequests()
    {
        var png = TestImages.DataUri("image/png", TestImages.Png(7, 5));
        var gif = TestImages.DataUri("image/gif", TestImages.Gif(3, 3, frames: 2));
        var jpegAsPng = TestImages.DataUri("image/png", TestImages.JpegHeader(10, 10));
        var pngBase64 = Convert.ToBase64String(TestImages.Png(2, 2));
        // URLs that are refused before any connect: private literals, and names the fuzz resolver does not know.
        const string Blocked = "http://10.0.0.1/cat.png";
        const string Metadata = "http://169.254.169.254/latest/meta-data/";
        const string Unknown = "https://images.invalid/cat.png";
        const string Model = "moonshotai/Kimi-K2.6";

        yield return (ApiSurface.ChatCompletions, Utf8($$$"""
            {"model":"{{{Model}}}","stream":false,"max_tokens":64,"messages":[{"role":"system","content":"s"},{"role":"user","content":[
              {"type":"text","text":"Describe"},
              {"type":"image_url","image_url":{"url":"{{{png}}}","detail":"high"}},
              {"type":"image_url","image_url":{"url":"{{{gif}}}"}},
              {"type":"image_url","image_url":{"url":"{{{Blocked}}}","detail":"auto"}}]}]}
            """));
        yield return (ApiSurface.ChatCompletions, Utf8($$$"""
            {"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{jpegAsPng}}}"}},
              {"type":"image_url","image_url":{"url":"{{{Unknown}}}"}}]}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"image_url":{"type":"string"} } } } }]}
            """));
        yield return (ApiSurface.ChatCompletions, Utf8($$$"""{"model":"deepseek-ai/DeepSeek-V3.1","messages":[{"role":"user","content":"hi"}],"stream":true}"""));
        yield return (ApiSurface.Responses, Utf8($$$"""
            {"model":"{{{Model}}}","instructions":"i","input":[{"role":"user","content":[
              {"type":"input_text","text":"What is this?"},
              {"type":"input_image","image_url":"{{{png}}}","detail":"low"},
              {"type":"input_image","image_url":"{{{Metadata}}}"}]},
              {"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"{{{gif}}}"}]}]}
            """));
        yield return (ApiSurface.Responses, Utf8($$$"""{"model":"{{{Model}}}","input":"just text"}"""));
        yield return (ApiSurface.Messages, Utf8($$$"""
            {"model":"{{{Model}}}","max_tokens":1024,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{pngBase64}}}"}},
              {"type":"image","source":{"type":"url","url":"{{{Unknown}}}"}},
              {"type":"text","text":"Describe."}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="}}]}]}]}
            """));
        yield return (ApiSurface.Messages, Utf8($$$"""
            {"model":"{{{Model}}}","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"{{{Blocked}}}"}}]}]}
            """));
    }
}
