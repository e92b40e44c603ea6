using Valar.Validation.Requests;
using static Valar.Validation.Tests.Requests.ParseAssert;

namespace Valar.Validation.Tests.Requests;

public sealed class MessagesParserTests
{
    private const ApiSurface Messages = ApiSurface.Messages;

    [Fact]
    public void Parse_UrlAndBase64Sources_FindsBoth()
    {
        var request = Parses(Messages, """
            {"model":"moonshotai/Kimi-K2.6","max_tokens":1024,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"url","url":"https://example.com/storefront.jpg"}},
              {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
              {"type":"text","text":"Describe this photo."}]}]}
            """);

        Assert.Equal(2, request.ImageCount);
        Assert.Equal("messages[0].content[0].source.url", request.Images[0].Path);
        Assert.Equal(ImageSourceKind.Url, request.Images[0].Source);
        Assert.Equal("messages[0].content[1].source.data", request.Images[1].Path);
        Assert.Equal("image/jpeg", request.Images[1].DeclaredMediaType);
        Assert.Equal("/9j/4AAQ", Base64Text(request.Images[1]));
    }

    [Fact]
    public void Parse_ImageInsideToolResult_FindsIt()
    {
        var request = Parses(Messages, """
            {"model":"m","max_tokens":1,"tools":[{"name":"t","input_schema":{"type":"object"}}],"messages":[
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"t","input":{}}]},
              {"role":"user","content":[{"content":["ignored",{"type":"text","text":"shot"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}],"type":"tool_result","tool_use_id":"t1"}]}]}
            """);

        Assert.Equal("messages[1].content[0].content[2].source.data", Assert.Single(request.Images).Path);
    }

    [Fact]
    public void Parse_StringContent_HasNoImages()
    {
        var request = Parses(Messages, """{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u"}}""");

        Assert.Equal(0, request.ImageCount);
        Assert.True(request.Stream);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image"}]}]}""", "messages[0].content[0].source: required for a block of type 'image'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":"x"}]}]}""", "messages[0].content[0].source: expected an object with a 'type' of 'base64' or 'url'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{}}]}]}""", "messages[0].content[0].source.type: required")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages[0].content[0].source.type: unsupported source type 'file'; expected 'base64' or 'url'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"url"}}]}]}""", "messages[0].content[0].source.url: required for a source of type 'url'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"base64","data":"AAAA"}}]}]}""", "messages[0].content[0].source.media_type: required for a source of type 'base64'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"base64","media_type":"image/png"}}]}]}""", "messages[0].content[0].source.data: required for a source of type 'base64'")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":5}}]}]}""", "messages[0].content[0].source.data: expected a string")]
    [InlineData("""{"model":"m","messages":[{"content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"data:image/png;base64,AAAA"}}]}]}""", "messages[0].content[0].source.data: expected raw base64 without a 'data:' prefix; put the type in media_type")]
    [InlineData("""{"model":"m","messages":[{"content":[7]}]}""", "messages[0].content[0]: expected an object")]
    [InlineData("""{"model":"m","messages":[{"content":{}}]}""", "messages[0].content: expected a string or an array of content blocks")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages: expected an array of messages")]
    public void Parse_WrongShape_NamesThePath(string json, string message)
    {
        var error = Fails(Messages, json);

        Assert.Equal(ValidationErrorCode.InvalidRequest, error.Code);
        Assert.Equal(message, error.Message);
    }
}
