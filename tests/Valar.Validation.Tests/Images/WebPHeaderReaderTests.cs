using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

public sealed class WebPHeaderReaderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(16383, 16383)]
    [InlineData(1920, 1080)]
    public void Inspect_LossyKeyFrame_Reads14BitSize(int width, int height)
    {
        var result = ImageInspector.Inspect(TestImages.WebP(TestImages.Vp8Chunk(width, height)), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.WebP, width, height), result.Info);
    }

    [Fact]
    public void Inspect_LossyScalingBits_AreIgnored()
    {
        // The top two bits of each 16-bit field are a scaling code, not part of the size.
        var result = ImageInspector.Inspect(TestImages.WebP(TestImages.Vp8Chunk(0xC000 | 300, 0x4000 | 200)), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.WebP, 300, 200), result.Info);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16384, 16384)]
    [InlineData(1000, 3)]
    public void Inspect_Lossless_Reads14BitSizeMinusOne(int width, int height)
    {
        var result = ImageInspector.Inspect(TestImages.WebP(TestImages.Vp8LChunk(width, height)), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.WebP, width, height), result.Info);
    }

    [Theory]
    [InlineData(16777216, 255, 0x00, false)]
    [InlineData(3000, 2000, 0x10, false)]
    [InlineData(3000, 2000, 0x02, true)]
    public void Inspect_Extended_Reads24BitCanvasAndAnimationFlag(int width, int height, byte flags, bool animated)
    {
        var webp = TestImages.WebP(
            TestImages.Vp8XChunk(width, height, flags),
            TestImages.RiffChunk("ANIM", new byte[6]),
            TestImages.RiffChunk("ANMF", new byte[17]),
            TestImages.RiffChunk("ANMF", new byte[17]));

        var result = ImageInspector.Inspect(webp, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.WebP, width, height) { IsAnimated = animated, FrameCount = animated ? 2 : 1 }, result.Info);
    }

    public static TheoryData<string, byte[]> Defects => new()
    {
        { "WebP VP8 frame has zero width", TestImages.WebP(TestImages.Vp8Chunk(0, 10)) },
        { "WebP VP8 frame has zero height", TestImages.WebP(TestImages.Vp8Chunk(10, 0)) },
        { "WebP VP8 frame is not a key frame", TestImages.WebP(TestImages.Vp8Chunk(10, 10, frameTag: 0x11)) },
        { "WebP VP8 start code is missing", TestImages.WebP(TestImages.Vp8Chunk(10, 10, startCode0: 0x9C)) },
        { "WebP VP8 chunk is too small", TestImages.WebP(TestImages.RiffChunk("VP8 ", new byte[9])) },
        { "WebP VP8L signature is missing", TestImages.WebP(TestImages.Vp8LChunk(10, 10, signature: 0x2E)) },
        { "WebP VP8L version is not 0", TestImages.WebP(TestImages.Vp8LChunk(10, 10, version: 1)) },
        { "WebP VP8L chunk is too small", TestImages.WebP(TestImages.RiffChunk("VP8L", [0x2F, 0, 0, 0])) },
        { "WebP VP8X chunk is too small", TestImages.WebP(TestImages.RiffChunk("VP8X", new byte[9])) },
        { "WebP canvas is larger than 2^32-1 pixels", TestImages.WebP(TestImages.Vp8XChunk(16777216, 16777216)) },
        { "WebP does not start with a VP8, VP8L or VP8X chunk", TestImages.WebP(TestImages.RiffChunk("ALPH", new byte[12])) },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Inspect_DefectiveHeader_IsInvalidWithProblem(string problem, byte[] webp)
    {
        foreach (var isComplete in new[] { true, false })
        {
            var result = ImageInspector.Inspect(webp, isComplete);

            Assert.Equal(InspectionStatus.Invalid, result.Status);
            Assert.Equal(problem, result.Problem);
            Assert.Equal("image/webp", result.DetectedMediaType);
        }
    }

    [Fact]
    public void Inspect_RiffThatIsNotWebP_IsUnsupported()
    {
        var avi = TestImages.Text("RIFF\x10\0\0\0AVI LIST");

        Assert.Equal("video/avi", ImageInspector.Inspect(avi, isComplete: false).DetectedMediaType);
        Assert.Equal(InspectionStatus.Unsupported, ImageInspector.Inspect(avi, isComplete: false).Status);
    }

    [Fact]
    public void Inspect_RiffHeaderOnly_AsksForFirstChunk()
    {
        var webp = TestImages.Load("webp-lossy.webp");

        var result = ImageInspector.Inspect(webp.AsSpan(0, 12), isComplete: false);

        Assert.Equal(InspectionStatus.NeedMoreData, result.Status);
        Assert.Equal(WebPHeaderReader.HeaderSize, result.MinimumBytesNeeded);
    }
}
