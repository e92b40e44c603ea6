using System.Text;
using Valar.Functions.Forwarding;
using Valar.Validation;
using Valar.Validation.Requests;

namespace Valar.Functions.Tests.Forwarding;

public sealed class InlinedBodyTests
{
    private static DownloadedImage Image(string body, string value, byte[] bytes, int index = 0)
    {
        var start = Encoding.UTF8.GetByteCount(body[..body.IndexOf(value, StringComparison.Ordinal)]);
        return new DownloadedImage(index, start..(start + Encoding.UTF8.GetByteCount(value)), "image/png", bytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(48 * 1024)]
    [InlineData((48 * 1024) + 1)]
    [InlineData((3 * 48 * 1024) + 2)]
    public async Task Serialize_OpenAiUrl_SplicesDataUriAndLengthIsExact(int size)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        const string json = """{"model":"m","x":"é","messages":[{"content":[{"type":"image_url","image_url":{"url":"http://a/b.png","detail":"low"}}]}],"z":1}""";
        using var content = new InlinedBody(Encoding.UTF8.GetBytes(json), ApiSurface.ChatCompletions, [Image(json, "\"http://a/b.png\"", bytes)]);

        var sent = await content.ReadAsByteArrayAsync();

        Assert.Equal(json.Replace("\"http://a/b.png\"", $"\"data:image/png;base64,{Convert.ToBase64String(bytes)}\"", StringComparison.Ordinal), Encoding.UTF8.GetString(sent));
        Assert.Equal(sent.Length, content.Headers.ContentLength);
        Assert.True(content.IsSent);
    }

    [Fact]
    public async Task Serialize_TwoAnthropicSources_ReplacesEachWholeSourceObject()
    {
        const string json = """{"messages":[{"content":[{"type":"image","source":{"type":"url","url":"http://a/1"}},{"type":"text","text":"t"},{"type":"image","source":{"url":"http://a/2","type":"url"}}]}]}""";
        var images = new[] { Image(json, """{"url":"http://a/2","type":"url"}""", [4, 5], 1), Image(json, """{"type":"url","url":"http://a/1"}""", [1, 2, 3]) };
        using var content = new InlinedBody(Encoding.UTF8.GetBytes(json), ApiSurface.Messages, images);

        var sent = Encoding.UTF8.GetString(await content.ReadAsByteArrayAsync());

        Assert.Equal(
            """{"messages":[{"content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AQID"}},{"type":"text","text":"t"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"BAU="}}]}]}""",
            sent);
    }

    [Fact]
    public void Create_OverlappingRanges_Throws()
    {
        var body = new byte[100];
        var images = new[] { new DownloadedImage(0, 10..20, "image/png", new byte[1]), new DownloadedImage(1, 15..30, "image/png", new byte[1]) };

        var exception = Assert.Throws<ArgumentException>(() => new InlinedBody(body, ApiSurface.Responses, images));
        Assert.StartsWith("Image ranges must be non-empty and must not overlap.", exception.Message, StringComparison.Ordinal);
    }
}
