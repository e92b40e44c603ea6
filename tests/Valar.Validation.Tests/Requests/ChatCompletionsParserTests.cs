using Valar.Validation.Requests;
using static Valar.Validation.Tests.Requests.ParseAssert;

namespace Valar.Validation.Tests.Requests;

public sealed class ChatCompletionsParserTests
{
    private const ApiSurface Chat = ApiSurface.ChatCompletions;

    [Fact]
    public void Parse_UrlAndDataUriParts_FindsBothInOrder()
    {
        var request = Parses(Chat, """
            {"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":[
              {"type":"text","text":"Describe this photo."},
              {"type":"image_url","image_url":{"url":"https://example.com/storefront.jpg","detail":"auto"}},
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]}
            """);

        Assert.Equal("moonshotai/Kimi-K2.6", request.Model);
        Assert.Equal(2, request.ImageCount);
        var url = request.Images[0];
        Assert.Equal(ImageSourceKind.Url, url.Source);
        Assert.Equal("https://example.com/storefront.jpg", url.Url);
        Assert.Equal("messages[0].content[1].image_url.url", url.Path);
        Assert.Equal("auto", url.Detail);
        var inline = request.Images[1];
        Assert.Equal(ImageSourceKind.Base64, inline.Source);
        Assert.Equal("image/jpeg", inline.DeclaredMediaType);
        Assert.Equal("/9j/4AAQ", Base64Text(inline));
        Assert.Equal(1, inline.Index);
        Assert.Null(inline.Detail);
    }

    [Fact]
    public void Parse_TypeAfterImageUrl_StillFindsImage()
    {
        var request = Parses(Chat, """
            {"messages":[{"content":[{"image_url":{"detail":"low","url":"http://a/x.png"},"type":"image_url"}]}],"model":"m"}
            """);

        Assert.Equal("http://a/x.png", Assert.Single(request.Images).Url);
        Assert.Equal("low", request.Images[0].Detail);
    }

    [Fact]
    public void Parse_StringContentStreamAndTools_PassesWithoutImages()
    {
        var request = Parses(Chat, """
            {"model":"m","stream":true,"stream_options":{"include_usage":true},"temperature":0.2,
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"image_url":{"type":"string"}}}}}],
             "messages":[{"role":"system","content":"be brief"},{"role":"assistant","content":null,"tool_calls":[]},
                         {"role":"tool","tool_call_id":"1","content":[{"type":"text","text":"ok"}]}],"unknown_field":{"x":[1,2]}}
            """);

        Assert.True(request.Stream);
        Assert.Equal(0, request.ImageCount);
    }

    [Fact]
    public void Parse_EscapedBase64_UnescapesPayload()
    {
        var request = Parses(Chat, """
            {"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,ab\/c\u002Bd=="}}]}]}
            """);

        Assert.Equal("ab/c+d==", Base64Text(request.Images[0]));
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "messages: required")]
    [InlineData("""{"model":"m","messages":{}}""", "messages: expected an array of messages")]
    [InlineData("""{"model":"m","messages":[1]}""", "messages[0]: expected an object")]
    [InlineData("""{"model":"m","messages":[{"content":5}]}""", "messages[0].content: expected a string, an array of content parts, or null")]
    [InlineData("""{"model":"m","messages":[{"content":["hi"]}]}""", "messages[0].content[0]: expected an object")]
    [InlineData("""{"model":"m","messages":[{"content":[{"text":"hi"}]}]}""", "messages[0].content[0].type: required")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":7}]}]}""", "messages[0].content[0].type: expected a string")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url"}]}]}""", "messages[0].content[0].image_url: required for a part of type 'image_url'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":"http://a/x.png"}]}]}""", "messages[0].content[0].image_url: expected an object with a 'url' string")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url: required")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":3}}]}]}""", "messages[0].content[0].image_url.url: expected a string")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":""}}]}]}""", "messages[0].content[0].image_url.url: expected a URL or a data URI, got an empty string")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":"http://a/x","detail":"max"}}]}]}""", "messages[0].content[0].image_url.detail: expected one of 'auto', 'low', 'high', 'original'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}""", "messages[0].content[0].image_url.url: data URI must be base64-encoded: data:<media type>;base64,<data>")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":"data:image/png;base64"}}]}]}""", "messages[0].content[0].image_url.url: data URI has no ',' separating its header from the data")]
    [InlineData("""{"messages":[]}""", "model: required")]
    [InlineData("""{"model":null,"messages":[]}""", "model: expected a string")]
    [InlineData("""[1,2]""", "body: expected a JSON object")]
    public void Parse_WrongShape_NamesThePath(string json, string message)
    {
        var error = Fails(Chat, json);

        Assert.Equal(ValidationErrorCode.InvalidRequest, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(message[..message.IndexOf(':', StringComparison.Ordinal)], error.Path);
    }

    [Fact]
    public void Parse_ImageUrlOnNonImagePart_IsIgnored()
    {
        var request = Parses(Chat, """{"model":"m","messages":[{"content":[{"type":"text","text":"x","image_url":5}]}]}""");

        Assert.Equal(0, request.ImageCount);
    }

    [Fact]
    public void Parse_ImagesAcrossMessages_IndexesInDocumentOrder()
    {
        var request = Parses(Chat, """
            {"model":"m","messages":[
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"http://a/1"}}]},
              {"role":"assistant","content":"ok"},
              {"role":"user","content":[{"type":"text","text":"and"},{"type":"image_url","image_url":{"url":"http://a/2"}}]}]}
            """);

        Assert.Equal(["messages[0].content[0].image_url.url", "messages[2].content[1].image_url.url"], request.Images.Select(image => image.Path));
        Assert.Equal([0, 1], request.Images.Select(image => image.Index));
    }

    [Fact]
    public void Parse_MoreImagesThanCollectionLimit_CountsAllKeepsLimit()
    {
        var parts = string.Join(",", Enumerable.Repeat("""{"type":"image_url","image_url":{"url":"http://a/x"}}""", 30));
        var result = RequestParser.Parse(Chat, System.Text.Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"content":[{{parts}}]}]}"""), imageCollectionLimit: 21);

        Assert.True(result.Succeeded);
        Assert.Equal(30, result.Request.ImageCount);
        Assert.Equal(21, result.Request.Images.Count);
    }
}
