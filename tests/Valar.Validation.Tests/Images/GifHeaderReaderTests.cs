using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

public sealed class GifHeaderReaderTests
{
    private static readonly byte[] GraphicControl = [0x21, 0xF9, 4, 0, 10, 0, 0, 0];
    private static readonly byte[] Netscape = [0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Inspect_FramesWithExtensions_CountsImageDescriptors(int frames)
    {
        var blocks = new List<byte[]> { Netscape };
        for (var i = 0; i < frames; i++)
        {
            blocks.Add(GraphicControl);
            blocks.Add(TestImages.GifFrame(8, 8));
        }

        var result = ImageInspector.Inspect(TestImages.GifWithBlocks(16, 12, [.. blocks]), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Gif, 16, 12) { FrameCount = frames, IsAnimated = frames > 1 }, result.Info);
    }

    [Fact]
    public void Inspect_GlobalAndLocalColorTables_AreSkipped()
    {
        // Screen flags 0x82: global table of 8 entries (24 bytes); frame flags 0x81: local table of 4 entries (12 bytes).
        byte[] frameWithLocalTable = [0x2C, 0, 0, 0, 0, 4, 0, 4, 0, 0x81, .. new byte[12], 2, 1, 0x44, 0];
        var gif = TestImages.Concat(
            [.. "GIF87a"u8, 4, 0, 4, 0, 0x82, 0, 0],
            new byte[24],
            frameWithLocalTable,
            frameWithLocalTable,
            [0x3B]);

        var result = ImageInspector.Inspect(gif, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Gif, 4, 4) { FrameCount = 2, IsAnimated = true }, result.Info);
    }

    [Fact]
    public void Inspect_PrefixOfAnimation_CountsFramesSoFar()
    {
        var gif = TestImages.Load("gif-animated.gif");

        var prefix = ImageInspector.Inspect(gif.AsSpan(0, 13), isComplete: false);

        Assert.Equal(new ImageInfo(ImageFormat.Gif, 64, 48), prefix.Info);
    }

    public static TheoryData<string, byte[]> Defects => new()
    {
        { "GIF logical screen has zero width", TestImages.GifWithBlocks(0, 10, TestImages.GifFrame(1, 1)) },
        { "GIF logical screen has zero height", TestImages.GifWithBlocks(10, 0, TestImages.GifFrame(1, 1)) },
        { "GIF has no image data", TestImages.GifWithBlocks(10, 10, GraphicControl) },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Inspect_DefectiveComplete_IsInvalidWithProblem(string problem, byte[] gif)
    {
        var result = ImageInspector.Inspect(gif, isComplete: true);

        Assert.Equal(InspectionStatus.Invalid, result.Status);
        Assert.Equal(problem, result.Problem);
        Assert.Equal("image/gif", result.DetectedMediaType);
    }

    [Theory]
    [InlineData("G")]
    [InlineData("GIF8")]
    [InlineData("GIF89a")]
    [InlineData("GIF87a\x10\0")]
    public void Inspect_ShortPrefix_AsksForLogicalScreen(string prefix)
    {
        var data = TestImages.Text(prefix);

        var partial = ImageInspector.Inspect(data, isComplete: false);
        var complete = ImageInspector.Inspect(data, isComplete: true);

        Assert.Equal(InspectionStatus.NeedMoreData, partial.Status);
        Assert.Equal(GifHeaderReader.HeaderSize, partial.MinimumBytesNeeded);
        Assert.Equal("truncated GIF header", complete.Problem);
    }
}
