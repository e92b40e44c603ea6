using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

public sealed class JpegHeaderReaderTests
{
    private static readonly byte[] App0 = TestImages.JpegSegment(0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

    [Fact]
    public void Inspect_LargeExifBeforeFrameHeader_WalksSegmentsToSize()
    {
        var result = ImageInspector.Inspect(TestImages.JpegWithLargeExif(), isComplete: true);

        Assert.Equal(InspectionStatus.Recognized, result.Status);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 300, 200), result.Info);
    }

    [Fact]
    public void Inspect_FirstKilobyteOfLargeExif_AsksForBytesPastTheSegment()
    {
        var jpeg = TestImages.JpegWithLargeExif();

        var result = ImageInspector.Inspect(jpeg.AsSpan(0, 1024), isComplete: false);

        Assert.Equal(InspectionStatus.NeedMoreData, result.Status);
        Assert.Equal("image/jpeg", result.DetectedMediaType);
        Assert.True(result.MinimumBytesNeeded > 30_000, $"asked for {result.MinimumBytesNeeded} bytes");
    }

    [Fact]
    public void Inspect_GrowingPrefixAsAsked_RecognizesLargeExif()
    {
        var jpeg = TestImages.JpegWithLargeExif();
        var length = 1024;
        var rounds = 0;
        ImageInspection result;
        while (true)
        {
            rounds++;
            result = ImageInspector.Inspect(jpeg.AsSpan(0, length), isComplete: length == jpeg.Length);
            if (result.Status != InspectionStatus.NeedMoreData)
            {
                break;
            }

            Assert.True(result.MinimumBytesNeeded > length);
            length = Math.Min(result.MinimumBytesNeeded, jpeg.Length);
        }

        Assert.Equal(InspectionStatus.Recognized, result.Status);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 300, 200), result.Info);
        Assert.True(length < jpeg.Length, "the frame header should be found before the end of the file");
        Assert.InRange(rounds, 2, 10);
    }

    [Theory]
    [InlineData(0xC0)]
    [InlineData(0xC1)]
    [InlineData(0xC2)]
    [InlineData(0xC3)]
    [InlineData(0xC5)]
    [InlineData(0xC6)]
    [InlineData(0xC7)]
    [InlineData(0xC9)]
    [InlineData(0xCA)]
    [InlineData(0xCB)]
    [InlineData(0xCD)]
    [InlineData(0xCE)]
    [InlineData(0xCF)]
    public void Inspect_EachFrameHeaderMarker_ReadsSize(byte marker)
    {
        var jpeg = TestImages.Jpeg(App0, TestImages.JpegFrameHeader(marker, 4000, 3000));

        var result = ImageInspector.Inspect(jpeg, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 4000, 3000), result.Info);
    }

    [Theory]
    [InlineData(0xC4)] // DHT
    [InlineData(0xC8)] // JPG
    [InlineData(0xCC)] // DAC
    public void Inspect_TableMarkersInFrameRange_AreSkipped(byte marker)
    {
        var jpeg = TestImages.Jpeg(
            TestImages.JpegSegment(marker, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            TestImages.JpegFrameHeader(0xC0, 17, 9));

        var result = ImageInspector.Inspect(jpeg, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 17, 9), result.Info);
    }

    [Fact]
    public void Inspect_FillBytesStandaloneMarkersAndStrayBytes_AreSkipped()
    {
        var jpeg = TestImages.Jpeg(
            [0xFF, 0xFF, 0xFF], // fill bytes before APP0's marker
            App0,
            [0xFF, 0x01], // TEM
            [0xFF, 0xD0, 0xFF, 0xD7], // RST0, RST7
            [0x00, 0x12], // stray bytes, which libjpeg and Pillow skip with a warning
            TestImages.JpegSegment(0xFE, TestImages.Text("a comment")),
            [0xFF, 0xFF],
            TestImages.JpegFrameHeader(0xC0, 640, 427));

        var result = ImageInspector.Inspect(jpeg, isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 640, 427), result.Info);
    }

    [Fact]
    public void Inspect_LargestDimensions_AreRead()
    {
        var result = ImageInspector.Inspect(TestImages.Jpeg(TestImages.JpegFrameHeader(0xC0, 65535, 65535)), isComplete: true);

        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 65535, 65535), result.Info);
    }

    public static TheoryData<string, byte[]> Defects => new()
    {
        { "JPEG frame header has zero height", TestImages.Jpeg(App0, TestImages.JpegFrameHeader(0xC0, 10, 0)) },
        { "JPEG frame header has zero width", TestImages.Jpeg(App0, TestImages.JpegFrameHeader(0xC2, 0, 10)) },
        { "JPEG frame header is too short", TestImages.Jpeg([0xFF, 0xC0, 0x00, 0x07, 8, 0, 10, 0, 10, 0, 0]) },
        { "JPEG scan starts before its frame header", TestImages.Jpeg(App0, TestImages.JpegSegment(0xDA, [1, 1, 0, 0, 63, 0])) },
        { "JPEG ends before its frame header", TestImages.Jpeg(App0) },
        { "JPEG segment length is less than 2", TestImages.Jpeg([0xFF, 0xE1, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]) },
        { "JPEG has a stuffed zero byte where a marker should be", TestImages.Jpeg([0xFF, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]) },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Inspect_DefectiveHeader_IsInvalidWithProblem(string problem, byte[] jpeg)
    {
        foreach (var isComplete in new[] { true, false })
        {
            var result = ImageInspector.Inspect(jpeg, isComplete);

            Assert.Equal(InspectionStatus.Invalid, result.Status);
            Assert.Equal(problem, result.Problem);
            Assert.Equal("image/jpeg", result.DetectedMediaType);
        }
    }

    [Fact]
    public void Inspect_SoiAndFillBytesOnly_IsTruncated()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xFF, 0xFF];

        Assert.Equal("truncated JPEG header", ImageInspector.Inspect(jpeg, isComplete: true).Problem);
        Assert.Equal(13, ImageInspector.Inspect(jpeg, isComplete: false).MinimumBytesNeeded);
    }

    [Fact]
    public void Inspect_FrameHeaderCutInsideWidth_AsksForTheRestOfIt()
    {
        var jpeg = TestImages.Jpeg(TestImages.JpegFrameHeader(0xC0, 300, 200));

        var result = ImageInspector.Inspect(jpeg.AsSpan(0, 9), isComplete: false);

        // SOI (2) + marker (2) + length (2) + precision (1) + height (2) + width (2)
        Assert.Equal(11, result.MinimumBytesNeeded);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 300, 200), ImageInspector.Inspect(jpeg.AsSpan(0, result.MinimumBytesNeeded), false).Info);
    }
}
