using System.Text;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Requests;

public sealed class RequestParserTests
{
    [Theory]
    [InlineData("", "request body is not valid JSON: the body is empty")]
    [InlineData("{", "request body is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 1.")]
    [InlineData("""{"model":"m","messages":[]} x""", "request body is not valid JSON: 'x' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 28.")]
    [InlineData("""{"model":'m'}""", "request body is not valid JSON: ''' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 9.")]
    public void Parse_MalformedJson_SaysWhere(string json, string message)
    {
        foreach (var surface in Enum.GetValues<ApiSurface>())
        {
            var result = RequestParser.Parse(surface, Encoding.UTF8.GetBytes(json));

            Assert.False(result.Succeeded);
            Assert.Equal(ValidationErrorCode.MalformedJson, result.Error.Code);
            Assert.Equal(message, result.Error.Message);
        }
    }

    [Fact]
    public void Parse_InvalidUtf8InModel_IsMalformed()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"model\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"messages\":[]}")];

        var result = RequestParser.Parse(ApiSurface.ChatCompletions, body);

        Assert.False(result.Succeeded);
        Assert.Equal(ValidationErrorCode.MalformedJson, result.Error.Code);
    }

    [Fact]
    public void Parse_NestingBeyondMaxDepth_IsMalformedNotACrash()
    {
        var json = "{\"model\":\"m\",\"messages\":[],\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var result = RequestParser.Parse(ApiSurface.Responses, Encoding.UTF8.GetBytes(json));

        Assert.False(result.Succeeded);
        Assert.Equal(ValidationErrorCode.MalformedJson, result.Error.Code);
    }

    [Fact]
    public void Parse_Base64Payload_SlicesTheBodyWithoutCopying()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"content":[{"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lGODlh"}}]}]}""");

        var image = RequestParser.Parse(ApiSurface.ChatCompletions, body).Request!.Images[0];

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(image.Base64, out var segment));
        Assert.Same(body, segment.Array);
    }
}
