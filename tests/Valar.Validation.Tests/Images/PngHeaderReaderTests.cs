using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

public sealed class PngHeaderReaderTests
{
    [Fact]
    public void Inspect_AnimationControlBeforeImageData_IsAnimatedWithFrameCount()
    {
        var apng = TestImages.PngWithChunks(
            320, 240, 0,
            TestImages.PngChunk("sRGB", [0]),
            TestImages.PngAnimationControl(frames: 12),
            TestImages.PngChunk("fcTL", new byte[26]),
            TestImages.PngChunk("IDAT", [0x78, 0x9C]));

        var result = ImageInspector.Inspect(apng, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Png, 320, 240) { IsAnimated = true, FrameCount = 12 }, result.Info);
    }

    [Fact]
    public void Inspect_AnimationControlAfterImageData_IsStill()
    {
        var png = TestImages.PngWithChunks(
            320, 240, 0,
            TestImages.PngChunk("IDAT", [0x78, 0x9C]),
            TestImages.PngAnimationControl(frames: 12));

        var result = ImageInspector.Inspect(png, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Png, 320, 240), result.Info);
    }

    [Fact]
    public void Inspect_AnimationControlBeyondPrefix_IsStillUntilSeen()
    {
        var apng = TestImages.PngWithChunks(
            64, 64, 0,
            TestImages.PngChunk("iCCP", new byte[2000]),
            TestImages.PngAnimationControl(frames: 2),
            TestImages.PngChunk("IDAT", [0x78, 0x9C]));

        Assert.False(ImageInspector.Inspect(apng.AsSpan(0, 1000), isComplete: false).Info!.IsAnimated);
        Assert.True(ImageInspector.Inspect(apng, isComplete: true).Info!.IsAnimated);
    }

    [Fact]
    public void Inspect_LargestDimensions_AreRead()
    {
        var result = ImageInspector.Inspect(TestImages.PngWithChunks(int.MaxValue, 1), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Png, int.MaxValue, 1), result.Info);
    }

    public static TheoryData<string, byte[]> Defects => new()
    {
        { "PNG IHDR has zero width", TestImages.PngWithChunks(0, 10) },
        { "PNG IHDR has zero height", TestImages.PngWithChunks(10, 0) },
        { "PNG IHDR dimensions exceed 2^31-1", TestImages.PngWithChunks(unchecked((int)0x80000000), 10) },
        { "PNG IHDR has an unknown interlace method", TestImages.PngWithChunks(10, 10, interlace: 2) },
        { "PNG does not start with an IHDR chunk", TestImages.Concat(TestImages.PngWithChunks(1, 1)[..8], TestImages.PngChunk("CgBI", [0, 0, 0, 0]), TestImages.PngWithChunks(1, 1)[8..]) },
        { "PNG IHDR chunk has the wrong length", TestImages.Concat(TestImages.PngWithChunks(1, 1)[..11], [14], TestImages.PngWithChunks(1, 1)[12..]) },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Inspect_DefectiveHeader_IsInvalidWithProblem(string problem, byte[] png)
    {
        foreach (var isComplete in new[] { true, false })
        {
            var result = ImageInspector.Inspect(png, isComplete);

            Assert.Equal(InspectionStatus.Invalid, result.Status);
            Assert.Equal(problem, result.Problem);
            Assert.Equal("image/png", result.DetectedMediaType);
        }
    }

    [Fact]
    public void Inspect_SignatureOnly_AsksForTheWholeIhdr()
    {
        var png = TestImages.Load("png-plain.png");

        var partial = ImageInspector.Inspect(png.AsSpan(0, 8), isComplete: false);
        var complete = ImageInspector.Inspect(png.AsSpan(0, 8), isComplete: true);

        Assert.Equal(InspectionStatus.NeedMoreData, partial.Status);
        Assert.Equal(PngHeaderReader.HeaderSize, partial.MinimumBytesNeeded);
        Assert.Equal("image/png", partial.DetectedMediaType);
        Assert.Equal(InspectionStatus.Invalid, complete.Status);
        Assert.Equal("truncated PNG header", complete.Problem);
    }
}
