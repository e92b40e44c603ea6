using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images.Decoding;

/// <summary>The decode level: the pixel budget first, then SkiaSharp over every frame.</summary>
public sealed class SkiaImageDecoderTests
{
    private static readonly ImageCheckOptions Decode = new() { Integrity = ImageIntegrity.Decode };

    [Theory]
    [InlineData("gif-flipped-bytes.gif", "invalid image: GIF could not be decoded: frame 2: the image data is corrupt")]
    [InlineData("png-flipped-bytes-crc-fixed.png", "invalid image: PNG could not be decoded: decoding stopped before the image was complete")]
    [InlineData("webp-lossless-flipped-bytes.webp", "invalid image: WebP could not be decoded: the decoder refused it (InvalidInput)")]
    public void CheckBytes_DamageOnlyADecoderSees_RefusedAtDecodeLevelOnly(string file, string message)
    {
        var bytes = ImageCorpus.Load(file);

        var structure = ImageContentChecker.CheckBytes(bytes, null, ImageCheckOptions.Default);
        var decode = ImageContentChecker.CheckBytes(bytes, null, Decode, "input[0]");

        Assert.True(structure.Succeeded, structure.Error?.Message);
        Assert.False(decode.Succeeded);
        Assert.Equal((ValidationErrorCode.InvalidImage, message, "input[0]"), (decode.Error.Code, decode.Error.Message, decode.Error.Path));
    }

    [Fact]
    public void CheckBytes_WebPDeclaring16383Squared_RefusedByBudgetBeforeDecoding()
    {
        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load("webp-bomb-16383.webp"), null, Decode);

        Assert.False(result.Succeeded);
        Assert.Equal(ValidationErrorCode.PixelBudgetExceeded, result.Error.Code);
        Assert.Equal("image too large: 16383x16383 with 1 frame exceeds the decode budget of 67108864 pixels", result.Error.Message);
    }

    [Fact]
    public void CheckBytes_AnimationOverBudgetOnlyWithItsFrames_Refused()
    {
        var options = Decode with { MaxDecodePixels = 96 * 64 * 4 };

        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load("gif-animated-5.gif"), null, options);

        Assert.False(result.Succeeded);
        Assert.Equal("image too large: 96x64 with 5 frames exceeds the decode budget of 24576 pixels", result.Error.Message);
    }

    [Fact]
    public void CheckBytes_AnimationAtExactlyTheBudget_Decoded()
    {
        var options = Decode with { MaxDecodePixels = 96 * 64 * 5 };

        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load("gif-animated-5.gif"), null, options);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(5, result.Info.FrameCount);
    }

    [Fact]
    public void CheckBytes_GifWithLzwCodeSizeZero_AcceptedAtDecodeLevelBecausePillowAndLibvipsDecodeIt()
    {
        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load("gif-lzw-code-size-0.gif"), null, Decode);

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void CheckBase64_DecodeLevel_SameVerdictAsBytes()
    {
        var bytes = ImageCorpus.Load("webp-lossless-flipped-bytes.webp");
        var base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes));

        var result = ImageContentChecker.CheckBase64(base64, "image/webp", Decode);

        Assert.Equal("invalid image: WebP could not be decoded: the decoder refused it (InvalidInput)", result.Error?.Message);
    }
}
