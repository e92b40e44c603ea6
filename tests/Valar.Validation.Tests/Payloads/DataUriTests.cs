using System.Text;
using Valar.Validation.Payloads;

namespace Valar.Validation.Tests.Payloads;

public sealed class DataUriTests
{
    [Theory]
    [InlineData("data:image/png;base64,AAAA", "image/png", 22)]
    [InlineData("DATA:image/jpeg;BASE64,AAAA", "image/jpeg", 23)]
    [InlineData("data:image/png;name=a.png;base64,AAAA", "image/png", 33)]
    [InlineData("data:;base64,AAAA", null, 13)]
    [InlineData("data:image/webp;base64,", "image/webp", 23)]
    public void TryParse_Base64DataUri_SplitsHeader(string text, string? mediaType, int offset)
    {
        Assert.True(DataUri.TryParse(Encoding.ASCII.GetBytes(text), out var parsedType, out var payloadOffset, out var problem));
        Assert.Equal(mediaType, parsedType);
        Assert.Equal(offset, payloadOffset);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("data:image/png,rawbytes", "data URI must be base64-encoded: data:<media type>;base64,<data>")]
    [InlineData("data:image/png;charset=utf-8,x", "data URI must be base64-encoded: data:<media type>;base64,<data>")]
    [InlineData("data:image/png;base64", "data URI has no ',' separating its header from the data")]
    [InlineData("http://example.com", "expected a data URI starting with 'data:'")]
    public void TryParse_NotABase64DataUri_SaysWhy(string text, string expected)
    {
        Assert.False(DataUri.TryParse(Encoding.ASCII.GetBytes(text), out _, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void TryParse_HeaderLongerThanLimit_IsRefused()
    {
        var text = "data:image/png;" + new string('x', DataUri.MaxHeaderLength) + ";base64,AAAA";

        Assert.False(DataUri.TryParse(Encoding.ASCII.GetBytes(text), out _, out _, out var problem));
        Assert.Equal("data URI has no ',' separating its header from the data", problem);
    }
}
