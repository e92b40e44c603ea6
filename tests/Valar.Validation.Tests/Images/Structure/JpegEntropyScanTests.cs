using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images.Structure;

/// <summary>
/// The JPEG walker's 32-byte marker scan through entropy-coded data: stuffed 0xFF 0x00, restart markers and 0xFF fill
/// runs at every alignment around a block edge are data, and the first real marker is found wherever it falls.
/// </summary>
public sealed class JpegEntropyScanTests
{
    /// <summary>Everything up to the end of the SOS segment (TestImages.JpegHeader ends with a 4-byte scan and EOI).</summary>
    private static readonly byte[] Header = TestImages.JpegHeader(16, 16)[..^6];

    public static TheoryData<int> Alignments()
    {
        var data = new TheoryData<int>();
        for (var position = 0; position < 100; position++)
        {
            data.Add(position);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Alignments))]
    public void CheckBytes_StuffingRestartAndFillAtThisPosition_IsData(int position)
    {
        var entropy = Filler(160);
        Put(entropy, position, 0xFF, 0x00);
        Put(entropy, position + 3, 0xFF, 0xD3);
        Put(entropy, position + 7, 0xFF, 0xFF, 0xFF, 0x00);

        var result = ImageContentChecker.CheckBytes(WithScan(entropy), "image/jpeg", ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Theory]
    [MemberData(nameof(Alignments))]
    public void CheckBytes_FillRunThenEoiAtThisPosition_EndsTheScanThere(int position)
    {
        // The image's own EOI follows the scan, so an EOI found early leaves bytes after it, which decoders ignore.
        var entropy = Filler(160);
        Put(entropy, position, 0xFF, 0xFF, 0xFF, 0xD9);
        Put(entropy, position + 4, 0xFF, 0xC4, 0xFF, 0xFF); // after the early EOI: never read

        var result = ImageContentChecker.CheckBytes(WithScan(entropy), "image/jpeg", ImageCheckOptions.Default);

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Theory]
    [MemberData(nameof(Alignments))]
    public void CheckBytes_SegmentMarkerInsideTheScanAtThisPosition_IsFoundThere(int position)
    {
        var entropy = Filler(160);
        Put(entropy, position, 0xFF, 0xC4, 0xFF, 0xFF); // a DHT whose length runs past the data

        var result = ImageContentChecker.CheckBytes(WithScan(entropy), "image/jpeg", ImageCheckOptions.Default);

        Assert.False(result.Succeeded);
        Assert.Equal($"invalid image: JPEG segment 0xC4 at offset {Header.Length + position} runs past the end of the data", result.Error.Message);
    }

    private static byte[] Filler(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 37) % 251))];

    private static void Put(byte[] target, int position, params byte[] bytes) => bytes.CopyTo(target, position);

    /// <summary>A structurally complete JPEG whose scan data is <paramref name="entropy"/>.</summary>
    private static byte[] WithScan(byte[] entropy) => [.. Header, .. entropy, 0xFF, 0xD9];
}
