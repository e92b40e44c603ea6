using System.Buffers.Binary;
using Valar.Testing.Images;

namespace Valar.Validation.Tests.Images.Structure;

/// <summary>Walker rules the corpus files do not reach, on corpus files edited byte by byte.</summary>
public sealed class StructureEdgeCaseTests
{
    [Fact]
    public void CheckBytes_PngEndingInsideAChunkHeader_Refused()
    {
        var png = ImageCorpus.Load("png-rgb.png");
        var cut = png[..^7]; // IEND's length and the first byte of its type

        Assert.Equal($"invalid image: PNG ends inside a chunk header at offset {png.Length - 12}", Message(cut));
    }

    [Fact]
    public void CheckBytes_PngWithSecondIhdr_Refused()
    {
        var png = ImageCorpus.Load("png-rgb.png");
        var ihdr = png[8..33];
        var edited = TestImages.Concat(png[..33], ihdr, png[33..]);

        Assert.Equal("invalid image: PNG has a second IHDR chunk", Message(edited));
    }

    [Fact]
    public void CheckBytes_StillWebPWhoseCanvasDiffersFromItsImage_Refused()
    {
        var webp = ImageCorpus.Load("webp-lossy-alpha.webp"); // VP8X, ALPH, VP8
        var edited = (byte[])webp.Clone();
        edited[24] = 9; // canvas width - 1, low byte
        edited[25] = 0;

        Assert.Equal("invalid image: WebP canvas 10x64 does not match its image 96x64", Message(edited));
    }

    [Fact]
    public void CheckBytes_JpegWithSecondFrameHeader_Refused()
    {
        var jpeg = TestImages.JpegHeader(16, 16);
        var sof = TestImages.JpegFrameHeader(0xC0, 16, 16);
        var edited = TestImages.Concat(jpeg[..^20], sof, jpeg[^20..]); // before SOS (14 bytes), 4 scan bytes and EOI

        Assert.Equal("invalid image: JPEG has a second frame header", Message(edited));
    }

    [Fact]
    public void CheckBytes_JpegScanUsingUndefinedHuffmanTable2_Refused()
    {
        var jpeg = TestImages.JpegHeader(16, 16);
        var edited = (byte[])jpeg.Clone();
        edited[^14] = 0x22; // SOS: component 1 uses DC table 2 and AC table 2, which no DHT defines

        Assert.Equal("invalid image: JPEG scan uses Huffman table 2, which is not defined", Message(edited));
    }

    [Fact]
    public void CheckBytes_GifWithUnknownByteBetweenFrames_SkipsItLikePillow()
    {
        var result = ImageContentChecker.CheckBytes(ImageCorpus.Load("gif-bad-block.gif"), null, ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(5, result.Info.FrameCount);
    }

    [Fact]
    public void CheckBytes_WebPTrailingBytesAfterRiff_Ignored()
    {
        var webp = ImageCorpus.Load("webp-lossy.webp");
        var riffEnd = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(4));

        var result = ImageContentChecker.CheckBytes(TestImages.Concat(webp[..riffEnd], new byte[1000]), null, ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    private static string? Message(byte[] image) =>
        ImageContentChecker.CheckBytes(image, null, ImageCheckOptions.Default).Error?.Message;
}
