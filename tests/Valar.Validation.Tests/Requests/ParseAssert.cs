using System.Text;
using Valar.Validation.Requests;

namespace Valar.Validation.Tests.Requests;

internal static class ParseAssert
{
    public static ParsedRequest Parses(ApiSurface surface, string json)
    {
        var result = RequestParser.Parse(surface, Encoding.UTF8.GetBytes(json));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Request;
    }

    public static ValidationError Fails(ApiSurface surface, string json)
    {
        var result = RequestParser.Parse(surface, Encoding.UTF8.GetBytes(json));
        Assert.False(result.Succeeded);
        return result.Error;
    }

    public static string Base64Text(ImageReference image) => Encoding.UTF8.GetString(image.Base64.Span);
}
