using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

public sealed class ImageInspectorTests
{
    public static TheoryData<string, ImageFormat, int, int, int, bool> SampleFiles => new()
    {
        // asset, format, width, height, frames, animated
        { "jpeg-baseline.jpg", ImageFormat.Jpeg, 300, 200, 1, false },
        { "jpeg-progressive.jpg", ImageFormat.Jpeg, 320, 240, 1, false },
        { "jpeg-icc-profile.jpg", ImageFormat.Jpeg, 100, 60, 1, false },
        { "jpeg-large-comment.jpg", ImageFormat.Jpeg, 160, 120, 1, false },
        { "png-plain.png", ImageFormat.Png, 640, 480, 1, false },
        { "png-interlaced.png", ImageFormat.Png, 120, 80, 1, false },
        { "gif-static.gif", ImageFormat.Gif, 50, 40, 1, false },
        { "gif-animated.gif", ImageFormat.Gif, 64, 48, 3, true },
        { "gif-interlaced.gif", ImageFormat.Gif, 40, 30, 1, false },
        { "webp-lossy.webp", ImageFormat.WebP, 200, 150, 1, false },
        { "webp-lossless.webp", ImageFormat.WebP, 640, 480, 1, false },
        { "webp-alpha.webp", ImageFormat.WebP, 90, 70, 1, false },
        { "webp-animated.webp", ImageFormat.WebP, 64, 48, 3, true },
    };

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Inspect_SampleFile_ReportsHeaderFacts(
        string asset, ImageFormat format, int width, int height, int frames, bool animated)
    {
        var result = ImageInspector.Inspect(TestImages.Load(asset), isComplete: true);

        Assert.Equal(InspectionStatus.Recognized, result.Status);
        Assert.Equal(
            new ImageInfo(format, width, height) { FrameCount = frames, IsAnimated = animated },
            result.Info);
        Assert.Equal(result.Info!.MediaType, result.DetectedMediaType);
        Assert.Null(result.Problem);
        Assert.Equal(0, result.MinimumBytesNeeded);
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg, "image/jpeg")]
    [InlineData(ImageFormat.Png, "image/png")]
    [InlineData(ImageFormat.Gif, "image/gif")]
    [InlineData(ImageFormat.WebP, "image/webp")]
    public void MediaType_EachFormat_IsIanaName(ImageFormat format, string expected)
    {
        Assert.Equal(expected, new ImageInfo(format, 1, 1).MediaType);
    }

    [Fact]
    public void SupportedMediaTypes_Always_ListsTheFourFormats()
    {
        Assert.Equal(["image/jpeg", "image/png", "image/webp", "image/gif"], ImageInspector.SupportedMediaTypes);
    }

    public static TheoryData<string, byte[]> UnsupportedFiles => new()
    {
        { "image/bmp", TestImages.Load("other.bmp") },
        { "image/tiff", TestImages.Load("other.tiff") },
        { "image/tiff", [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8] },
        { "image/x-icon", TestImages.Load("other.ico") },
        { "image/x-tga", ImageCorpus.Load("other-tga.tga") },
        { "image/avif", [0, 0, 0, 0x1C, .. "ftypavif"u8, 0, 0, 0, 0, .. "avifmif1miaf"u8] },
        { "image/avif", [0, 0, 0, 0x18, .. "ftypmif1"u8, 0, 0, 0, 0, .. "avifmiaf"u8] },
        { "image/heic", [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8] },
        { "image/heif", [0, 0, 0, 0x14, .. "ftypmif1"u8, 0, 0, 0, 0, .. "mif1"u8] },
        { "video/mp4", [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8] },
        { "image/svg+xml", TestImages.Text("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>") },
        { "image/svg+xml", TestImages.Text("\uFEFF<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n<SVG xmlns=\"http://www.w3.org/2000/svg\"></SVG>") },
        { "application/pdf", TestImages.Text("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n") },
        { "text/html", TestImages.Text("  <!DOCTYPE html>\n<html><body><p>hi</p></body></html>") },
        { "text/html", TestImages.Text("<html>\n<head><title>404 Not Found</title></head></html>") },
        { "text/xml", TestImages.Text("<?xml version=\"1.0\"?><note/>") },
        { "text/plain", TestImages.Text("just some text\r\nwith lines\tand tabs\n") },
        { "text/plain", [0xFF, 0xFE, (byte)'h', 0, (byte)'i', 0] },
        { "audio/wav", [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVEfmt "u8] },
        { "application/octet-stream", RandomBytes(seed: 7, length: 512) },
        { "application/octet-stream", [0x00] },
        { "application/octet-stream", [] },
    };

    [Theory]
    [MemberData(nameof(UnsupportedFiles))]
    public void Inspect_OtherContent_IsUnsupportedAndNamed(string expectedMediaType, byte[] data)
    {
        foreach (var isComplete in new[] { true, false })
        {
            var result = ImageInspector.Inspect(data, isComplete);

            Assert.Equal(InspectionStatus.Unsupported, result.Status);
            Assert.Equal(expectedMediaType, result.DetectedMediaType);
            Assert.Null(result.Info);
            Assert.Null(result.Problem);
        }
    }

    [Theory]
    [InlineData("image/jpeg", "image/jpeg")]
    [InlineData("image/jpg", "image/jpeg")]
    [InlineData("IMAGE/JPG", "image/jpeg")]
    [InlineData(" image/PNG ; charset=binary", "image/png")]
    [InlineData("image/webp;", "image/webp")]
    [InlineData("Image/Gif", "image/gif")]
    [InlineData("image/HEIC", "image/heic")]
    [InlineData("text/plain; charset=utf-8", "text/plain")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("; base64", null)]
    public void NormalizeMediaType_Declared_IsLowerCaseWithoutParameters(string declared, string? expected)
    {
        Assert.Equal(expected, ImageInspector.NormalizeMediaType(declared));
    }

    [Fact]
    public void NormalizeMediaType_Supported_ReturnsSharedInstance()
    {
        Assert.Same(ImageInspector.SupportedMediaTypes[1], ImageInspector.NormalizeMediaType("IMAGE/PNG"));
    }

    internal static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
