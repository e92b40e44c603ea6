using System.Text;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Requests;

public sealed class ImageBodyRangeTests
{
    public static TheoryData<ApiSurface, string, string> Rows => new()
    {
        {
            ApiSurface.ChatCompletions,
            """{"model":"m","messages":[{"role":"user","content":[{"image_url":{"detail":"low","url":"https://x.test/a\u002Fb.png"},"type":"image_url"}]}]}""",
            "\"https://x.test/a\\u002Fb.png\""
        },
        {
            ApiSurface.Responses,
            """{"input":[{"role":"user","content":[{"type":"input_image","image_url" : "https://x.test/☕.png","detail":"high"}]}],"model":"m"}""",
            "\"https://x.test/☕.png\""
        },
        {
            ApiSurface.Messages,
            """{"model":"m","messages":[{"role":"user","content":[{"source": { "url":"https://x.test/c.png" ,"type":"url"},"type":"image"}]}]}""",
            """{ "url":"https://x.test/c.png" ,"type":"url"}"""
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Parse_UrlImage_BodyRangeIsTheValueAsWritten(ApiSurface surface, string json, string expectedValue)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var result = RequestParser.Parse(surface, body);

        Assert.True(result.Succeeded);
        var image = Assert.Single(result.Request.Images);
        Assert.Equal(ImageSourceKind.Url, image.Source);
        Assert.Equal(expectedValue, Encoding.UTF8.GetString(body.AsSpan()[image.BodyRange]));
    }

    [Fact]
    public void Parse_ManyUrlImages_RangesAreInOrderAndDisjoint()
    {
        var parts = string.Join(',', Enumerable.Range(0, 5).Select(i => $$$"""{"type":"image_url","image_url":{"url":"https://x.test/{{{i}}}.png"}}"""));
        var body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"user","content":[{{parts}}]}]}""");

        var result = RequestParser.Parse(ApiSurface.ChatCompletions, body);

        Assert.True(result.Succeeded);
        Assert.Equal(
            Enumerable.Range(0, 5).Select(i => $"\"https://x.test/{i}.png\""),
            result.Request.Images.Select(image => Encoding.UTF8.GetString(body.AsSpan()[image.BodyRange])));
    }
}
