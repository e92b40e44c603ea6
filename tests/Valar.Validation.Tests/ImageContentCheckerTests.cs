using System.Text;
using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests;

public sealed class ImageContentCheckerTests
{
    private const long Limit = 20L * 1024 * 1024;

    [Fact]
    public void CheckBase64_JpegWithLargeMetadataBeforeSof_IsWalkedWhole()
    {
        var jpeg = JpegWithApp1(metadataBytes: 60_000, width: 4032, height: 3024);

        var result = ImageContentChecker.CheckBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(jpeg)), "image/jpeg", Limit);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal((ImageFormat.Jpeg, 4032, 3024), (result.Info.Format, result.Info.Width, result.Info.Height));
        Assert.Equal(jpeg.Length, result.Bytes);
    }

    [Fact]
    public void CheckBase64_LineBrokenBase64_IsValidAndSizedExactly()
    {
        var png = TestImages.Png(300, 200);
        var wrapped = Convert.ToBase64String(png, Base64FormattingOptions.InsertLineBreaks);

        var result = ImageContentChecker.CheckBase64(Encoding.ASCII.GetBytes(wrapped), "image/png", Limit);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(png.Length, result.Bytes);
        Assert.Equal((300, 200), (result.Info.Width, result.Info.Height));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CheckBase64_DecodedSize_CountsPadding(int extra)
    {
        var png = TestImages.Png(8, 8, padToBytes: 1000 + extra);

        var result = ImageContentChecker.CheckBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(png)), null, 1000 + extra);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1000 + extra, result.Bytes);
        var tooSmallLimit = ImageContentChecker.CheckBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(png)), null, 999 + extra);
        Assert.Equal($"image too large: exceeds maximum of {999 + extra} bytes", tooSmallLimit.Error?.Message);
    }

    [Theory]
    [InlineData("", "unsupported image type application/octet-stream: only image/jpeg, image/png, image/webp, image/gif are accepted")]
    [InlineData("QUJD", "unsupported image type text/plain: only image/jpeg, image/png, image/webp, image/gif are accepted")]
    [InlineData("QUJ", "invalid base64 data")]
    [InlineData("QU=D", "invalid base64 data")]
    [InlineData("QUJD-_", "invalid base64 data")]
    public void CheckBase64_EmptyOrInvalid_SaysWhy(string base64, string message)
    {
        var result = ImageContentChecker.CheckBase64(Encoding.ASCII.GetBytes(base64), null, Limit);

        Assert.Equal(message, result.Error?.Message);
    }

    [Fact]
    public void CheckBytes_TruncatedPng_IsInvalidImage()
    {
        var png = TestImages.Png(10, 10)[..20];

        var result = ImageContentChecker.CheckBytes(png, null, Limit);

        Assert.Equal(ValidationErrorCode.InvalidImage, result.Error?.Code);
        Assert.StartsWith("invalid image: ", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckBytes_NoDeclaredType_SkipsTheDeclaredCheck()
    {
        var result = ImageContentChecker.CheckBytes(TestImages.Gif(3, 5), declaredMediaType: null, Limit);

        Assert.True(result.Succeeded);
        Assert.Equal("image/gif", result.Info.MediaType);
    }

    /// <summary>SOI, an APP1 segment of <paramref name="metadataBytes"/> (split into 64 KB segments), SOF0, EOI.</summary>
    private static byte[] JpegWithApp1(int metadataBytes, int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        for (var remaining = metadataBytes; remaining > 0; remaining -= 60_000)
        {
            var length = Math.Min(remaining, 60_000);
            output.Write([0xFF, 0xE1, (byte)((length + 2) >> 8), (byte)(length + 2)]);
            output.Write("Exif\0\0"u8);
            output.Write(new byte[length - 6]);
        }

        output.Write(TestImages.JpegHeader(width, height).AsSpan(2)); // tables, frame, scan and EOI after the metadata
        return output.ToArray();
    }
}
