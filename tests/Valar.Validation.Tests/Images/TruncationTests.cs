using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images;

/// <summary>Every prefix and many corruptions of every sample: the inspector must answer, never throw.</summary>
public sealed class TruncationTests
{
    /// <summary>SOI (2) + the shortest path to a frame header: marker (2), length (2), precision (1), height (2), width (2).</summary>
    private const int JpegHeaderSize = 11;

    public static TheoryData<string, int> Samples => new()
    {
        // asset, the format's header size
        { "jpeg-baseline.jpg", JpegHeaderSize },
        { "jpeg-progressive.jpg", JpegHeaderSize },
        { "jpeg-icc-profile.jpg", JpegHeaderSize },
        { "jpeg-large-comment.jpg", JpegHeaderSize },
        { "jpeg-large-exif (synthetic)", JpegHeaderSize },
        { "png-plain.png", PngHeaderReader.HeaderSize },
        { "png-interlaced.png", PngHeaderReader.HeaderSize },
        { "apng (synthetic)", PngHeaderReader.HeaderSize },
        { "gif-static.gif", GifHeaderReader.HeaderSize },
        { "gif-animated.gif", GifHeaderReader.HeaderSize },
        { "gif-interlaced.gif", GifHeaderReader.HeaderSize },
        { "webp-lossy.webp", WebPHeaderReader.HeaderSize },
        { "webp-lossless.webp", 25 }, // VP8L needs 5 payload bytes, not 10
        { "webp-alpha.webp", WebPHeaderReader.HeaderSize },
        { "webp-animated.webp", WebPHeaderReader.HeaderSize },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Inspect_EveryPrefixBelowHeaderSize_NeedsMoreDataOrIsTruncated(string sample, int headerSize)
    {
        var bytes = Load(sample);
        var full = ImageInspector.Inspect(bytes, isComplete: true).Info!;

        for (var length = 1; length < headerSize; length++)
        {
            var prefix = bytes.AsSpan(0, length);
            var partial = ImageInspector.Inspect(prefix, isComplete: false);
            var complete = ImageInspector.Inspect(prefix, isComplete: true);

            Assert.Equal(InspectionStatus.NeedMoreData, partial.Status);
            Assert.InRange(partial.MinimumBytesNeeded, length + 1, int.MaxValue);
            Assert.Equal(full.MediaType, partial.DetectedMediaType);
            Assert.Equal(InspectionStatus.Invalid, complete.Status);
            Assert.StartsWith("truncated ", complete.Problem);
            Assert.Equal(full.MediaType, complete.DetectedMediaType);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Inspect_EveryPrefix_AgreesWithWholeFileOrAsksForMore(string sample, int headerSize)
    {
        _ = headerSize;
        var bytes = Load(sample);
        var full = ImageInspector.Inspect(bytes, isComplete: true).Info!;

        for (var length = 1; length <= bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length);
            var partial = ImageInspector.Inspect(prefix, isComplete: false);
            var complete = ImageInspector.Inspect(prefix, isComplete: true);

            Assert.True(partial.Status is InspectionStatus.Recognized or InspectionStatus.NeedMoreData, $"{partial} at {length}");
            if (partial.Status == InspectionStatus.Recognized)
            {
                AssertSameSize(full, partial.Info!);
                Assert.InRange(partial.Info!.FrameCount, 1, full.FrameCount);
            }
            else
            {
                Assert.InRange(partial.MinimumBytesNeeded, length + 1, int.MaxValue);
            }

            Assert.True(complete.Status is InspectionStatus.Recognized or InspectionStatus.Invalid, $"{complete} at {length}");
            Assert.Equal(full.MediaType, complete.DetectedMediaType);
            if (complete.Status == InspectionStatus.Recognized)
            {
                AssertSameSize(full, complete.Info!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Inspect_CorruptedBytes_NeverThrowsAndKeepsContract(string sample, int headerSize)
    {
        var original = Load(sample);
        var random = new Random(sample.Length * 31 + headerSize);
        for (var round = 0; round < 300; round++)
        {
            var bytes = original.AsSpan(0, random.Next(1, original.Length + 1)).ToArray();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                // Mostly hit the header, where the parsing happens.
                var index = random.Next(0, Math.Min(bytes.Length, random.Next(2) == 0 ? 64 : bytes.Length));
                bytes[index] = (byte)random.Next(256);
            }

            AssertContract(bytes, isComplete: true);
            AssertContract(bytes, isComplete: false);
        }
    }

    [Fact]
    public void Inspect_RandomBytesBehindEachSignature_NeverThrowsAndKeepsContract()
    {
        byte[][] signatures = [[0xFF, 0xD8, 0xFF], [0x89, .. "PNG\r\n\x1A\n"u8], [.. "GIF89a"u8], [.. "RIFF\0\0\0\0WEBP"u8], [.. "RIFF\0\0\0\0WEBPVP8X"u8]];
        var random = new Random(20240601);
        foreach (var signature in signatures)
        {
            for (var round = 0; round < 500; round++)
            {
                var bytes = new byte[signature.Length + random.Next(0, 80)];
                random.NextBytes(bytes);
                signature.CopyTo(bytes, 0);

                AssertContract(bytes, isComplete: true);
                AssertContract(bytes, isComplete: false);
            }
        }
    }

    private static void AssertContract(byte[] bytes, bool isComplete)
    {
        var result = ImageInspector.Inspect(bytes, isComplete);

        Assert.False(string.IsNullOrEmpty(result.DetectedMediaType));
        switch (result.Status)
        {
            case InspectionStatus.Recognized:
                Assert.NotNull(result.Info);
                Assert.InRange(result.Info.Width, 1, int.MaxValue);
                Assert.InRange(result.Info.Height, 1, int.MaxValue);
                Assert.InRange(result.Info.FrameCount, 1, int.MaxValue);
                Assert.Equal(result.Info.MediaType, result.DetectedMediaType);
                break;
            case InspectionStatus.NeedMoreData:
                Assert.False(isComplete);
                Assert.InRange(result.MinimumBytesNeeded, bytes.Length + 1, int.MaxValue);
                break;
            case InspectionStatus.Invalid:
                Assert.False(string.IsNullOrEmpty(result.Problem));
                Assert.Contains(result.DetectedMediaType, ImageInspector.SupportedMediaTypes);
                break;
            case InspectionStatus.Unsupported:
                Assert.DoesNotContain(result.DetectedMediaType, ImageInspector.SupportedMediaTypes);
                break;
        }
    }

    private static void AssertSameSize(ImageInfo expected, ImageInfo actual)
    {
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
    }

    private static byte[] Load(string sample) => sample switch
    {
        "jpeg-large-exif (synthetic)" => TestImages.JpegWithLargeExif(),
        "apng (synthetic)" => TestImages.PngWithChunks(
            32, 16, 0,
            TestImages.PngAnimationControl(frames: 3),
            TestImages.PngChunk("fcTL", new byte[26]),
            TestImages.PngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00])),
        _ => TestImages.Load(sample),
    };
}
