using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

/// <summary>The optional per-model shape limits, each with its own message, checked after the declared type.</summary>
public sealed class ImagePolicyTests
{
    [Theory]
    [InlineData(95, ValidationErrorCode.SideTooLong, "image too large: 96x64 exceeds the maximum side of 95 pixels")]
    [InlineData(96, null, null)]
    public void CheckBytes_MaxSide_RefusesOnlyLongerSides(int maxSide, ValidationErrorCode? code, string? message)
    {
        var result = Check("jpeg-baseline.jpg", new ImagePolicy { MaxSide = maxSide });

        Assert.Equal((code, message), (result.Error?.Code, result.Error?.Message));
    }

    [Theory]
    [InlineData(6143, ValidationErrorCode.TooManyPixels, "image too large: 96x64 exceeds the maximum of 6143 pixels")]
    [InlineData(6144, null, null)]
    public void CheckBytes_MaxPixels_RefusesOnlyLargerImages(long maxPixels, ValidationErrorCode? code, string? message)
    {
        var result = Check("png-rgb.png", new ImagePolicy { MaxPixels = maxPixels });

        Assert.Equal((code, message), (result.Error?.Code, result.Error?.Message));
    }

    [Theory]
    [InlineData("gif-animated-5.gif", "unsupported image: animated image/gif with 5 frames is not accepted; send a still image")]
    [InlineData("webp-animated-5.webp", "unsupported image: animated image/webp with 5 frames is not accepted; send a still image")]
    [InlineData("png-apng-4.png", "unsupported image: animated image/png with 4 frames is not accepted; send a still image")]
    public void CheckBytes_AnimatedNotAllowed_RefusesAnimations(string file, string message)
    {
        var result = Check(file, new ImagePolicy { AllowAnimated = false });

        Assert.Equal((ValidationErrorCode.AnimatedNotAllowed, message), (result.Error?.Code, result.Error?.Message));
    }

    [Theory]
    [InlineData("gif-static.gif")]
    [InlineData("png-apng-actl-zero.png")]
    public void CheckBytes_AnimatedNotAllowed_AcceptsStillImages(string file) =>
        Assert.True(Check(file, new ImagePolicy { AllowAnimated = false }).Succeeded);

    [Theory]
    [InlineData(4, ValidationErrorCode.TooManyFrames, "too many frames: image/gif with 5 frames exceeds the maximum of 4")]
    [InlineData(5, null, null)]
    public void CheckBytes_MaxFrames_RefusesOnlyMoreFrames(int maxFrames, ValidationErrorCode? code, string? message)
    {
        var result = Check("gif-animated-5.gif", new ImagePolicy { MaxFrames = maxFrames });

        Assert.Equal((code, message), (result.Error?.Code, result.Error?.Message));
    }

    [Fact]
    public void CheckBytes_DeclaredTypeMismatchAndPolicy_DeclaredTypeReportedFirst()
    {
        var result = ImageContentChecker.CheckBytes(
            ImageCorpus.Load("gif-animated-5.gif"), "image/png", new ImageCheckOptions { Policy = new ImagePolicy { AllowAnimated = false } });

        Assert.Equal("declared type image/png does not match detected type image/gif", result.Error?.Message);
    }

    [Fact]
    public void CheckBytes_InvalidImageAndPolicy_InvalidImageReportedFirst()
    {
        var result = Check("gif-truncated-60.gif", new ImagePolicy { MaxSide = 10 });

        Assert.Equal("invalid image: GIF ends inside frame 3", result.Error?.Message);
    }

    [Fact]
    public void ImagePolicy_Default_SetsNoLimit()
    {
        Assert.True(ImagePolicy.None.IsEmpty);
        Assert.True(new Valar.Validation.Models.ModelLimits().ImagePolicy.IsEmpty);
        Assert.Equal(ImageIntegrity.Structure, new Valar.Validation.Models.ModelLimits().Integrity);
    }

    private static ImageCheckResult Check(string file, ImagePolicy policy) =>
        ImageContentChecker.CheckBytes(ImageCorpus.Load(file), null, new ImageCheckOptions { Policy = policy });
}
