using System.Text;
using Valar.Testing.Images;

namespace Valar.LoadTest;

/// <summary>One kind of request in the mix, with the status it must get.</summary>
internal sealed record MixEntry(string Name, string Path, byte[] Body, int ExpectedStatus, int Weight);

/// <summary>
/// The request mix: small and large valid base64 images, URL images from a loopback image server (one of which declares
/// 20 MB and stalls until the fetch deadline), text only, and invalid ones (wrong type, bad base64, malformed JSON,
/// blocked URL). Bodies are built once and shared.
/// </summary>
internal static class RequestMix
{
    private const string Vision = "moonshotai/Kimi-K2.6";

    public static IReadOnlyList<MixEntry> Build(Uri? imageServer, int largeMebibytes)
    {
        var small = TestImages.DataUri("image/png", TestImages.Png(64, 48));
        var large = TestImages.DataUri("image/png", TestImages.Png(32, 32, padToBytes: largeMebibytes * 1024 * 1024));
        var entries = new List<MixEntry>
        {
            new("chat small png", "/v1/chat/completions", Chat(small), 200, 30),
            new("messages small gif", "/v1/messages", Messages("image/gif", Convert.ToBase64String(TestImages.Gif(16, 16, frames: 3))), 200, 15),
            new("responses text only", "/v1/responses", Utf8($$$"""{"model":"{{{Vision}}}","input":"hello"}"""), 200, 10),
            new($"chat large png ({largeMebibytes} MiB)", "/v1/chat/completions", Chat(large), 200, 3),
            new("chat bmp (unsupported)", "/v1/chat/completions", Chat(TestImages.DataUri("image/bmp", TestImages.Bmp(4, 4))), 400, 10),
            new("chat bad base64", "/v1/chat/completions", Chat("data:image/png;base64,%%%%"), 400, 5),
            new("messages malformed json", "/v1/messages", Utf8("""{"model":"x","messages":[{"""), 400, 5),
            new("chat blocked url", "/v1/chat/completions", Chat("http://169.254.169.254/latest/meta-data/"), 400, 5),
        };
        if (imageServer is not null)
        {
            entries.Add(new("responses url png", "/v1/responses", Responses(new Uri(imageServer, "/cat.png").AbsoluteUri), 200, 15));
            entries.Add(new("responses url declaring 20 MB that stalls", "/v1/responses", Responses(new Uri(imageServer, "/stalls.png").AbsoluteUri), 400, 1));
        }

        return entries;
    }

    private static byte[] Chat(string url) => Utf8($$$"""{"model":"{{{Vision}}}","messages":[{"role":"user","content":[{"type":"text","text":"describe"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""");

    private static byte[] Responses(string url) => Utf8($$$"""{"model":"{{{Vision}}}","input":[{"role":"user","content":[{"type":"input_image","image_url":"{{{url}}}"}]}]}""");

    private static byte[] Messages(string mediaType, string data) => Utf8($$$"""{"model":"{{{Vision}}}","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"{{{mediaType}}}","data":"{{{data}}}"}}]}]}""");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
