using Valar.Validation.Requests;
using static Valar.Validation.Tests.Requests.ParseAssert;

namespace Valar.Validation.Tests.Requests;

public sealed class ResponsesParserTests
{
    private const ApiSurface Responses = ApiSurface.Responses;

    [Fact]
    public void Parse_InputImageUrlAndDataUri_FindsBoth()
    {
        var request = Parses(Responses, """
            {"model":"moonshotai/Kimi-K2.6","background":true,"input":[{"role":"user","content":[
              {"type":"input_text","text":"Describe this photo."},
              {"type":"input_image","image_url":"https://example.com/storefront.jpg","detail":"high"},
              {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}]}
            """);

        Assert.Equal(2, request.ImageCount);
        Assert.Equal("input[0].content[1].image_url", request.Images[0].Path);
        Assert.Equal("https://example.com/storefront.jpg", request.Images[0].Url);
        Assert.Equal("high", request.Images[0].Detail);
        Assert.Equal("image/png", request.Images[1].DeclaredMediaType);
        Assert.Equal("iVBORw0KGgo=", Base64Text(request.Images[1]));
    }

    [Fact]
    public void Parse_StringInput_HasNoImages()
    {
        var request = Parses(Responses, """{"model":"m","input":"hello","instructions":"x","stream":true,"tools":[{"type":"web_search"}]}""");

        Assert.Equal(0, request.ImageCount);
        Assert.True(request.Stream);
    }

    [Fact]
    public void Parse_FunctionCallOutputWithImage_FindsIt()
    {
        var request = Parses(Responses, """
            {"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},
              {"type":"function_call_output","call_id":"c","output":[{"type":"input_image","image_url":"http://a/x.png"}]}]}
            """);

        Assert.Equal("input[1].output[0].image_url", Assert.Single(request.Images).Path);
    }

    [Fact]
    public void Parse_TypedMessageItem_FindsImage()
    {
        var request = Parses(Responses, """
            {"input":[{"content":[{"image_url":"http://a/x.png","type":"input_image"}],"role":"user","type":"message"}],"model":"m"}
            """);

        Assert.Single(request.Images);
    }

    [Theory]
    [InlineData("""{"model":"m","input":5}""", "input: expected a string or an array of input items")]
    [InlineData("""{"model":"m","input":[[]]}""", "input[0]: expected an object")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[3]}]}""", "input[0].content[0]: expected an object")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image"}]}]}""", "input[0].content[0].image_url: required for a part of type 'input_image'")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":{"url":"http://a"}}]}]}""", "input[0].content[0].image_url: expected a string: a URL or a data URI")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "input[0].content[0].file_id: file ids cannot be validated here; send image_url as a URL or a data URI")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"http://a","detail":"ultra"}]}]}""", "input[0].content[0].detail: expected one of 'auto', 'low', 'high', 'original'")]
    public void Parse_WrongShape_NamesThePath(string json, string message)
    {
        var error = Fails(Responses, json);

        Assert.Equal(ValidationErrorCode.InvalidRequest, error.Code);
        Assert.Equal(message, error.Message);
    }
}
