using Valar.Testing.Images;
using Valar.Validation.Images;

namespace Valar.Validation.Tests.Images.Structure;

/// <summary>
/// Every committed corpus file through <see cref="ImageContentChecker"/> at both integrity levels, as bytes and as
/// base64: the verdict the manifest expects, and for accepted files the true facts (size, frames, animation).
/// </summary>
public sealed class CorpusTests
{
    private static readonly ImageCheckOptions Structure = ImageCheckOptions.Default;

    private static readonly ImageCheckOptions Decode = new() { Integrity = ImageIntegrity.Decode };

    public static TheoryDataFiles Files => ImageCorpus.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void CheckBytes_CorpusFileAtStructureLevel_GivesManifestVerdictAndFacts(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), ImageContentChecker.CheckBytes(ImageCorpus.Load(file), null, Structure), ImageCorpus.Entry(file).Expected.Structure);

    [Theory]
    [MemberData(nameof(Files))]
    public void CheckBase64_CorpusFileAtStructureLevel_GivesManifestVerdictAndFacts(string file)
    {
        var base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(ImageCorpus.Load(file)));
        AssertVerdict(ImageCorpus.Entry(file), ImageContentChecker.CheckBase64(base64, null, Structure), ImageCorpus.Entry(file).Expected.Structure);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CheckBytes_CorpusFileAtDecodeLevel_GivesManifestVerdictAndFacts(string file) =>
        AssertVerdict(ImageCorpus.Entry(file), ImageContentChecker.CheckBytes(ImageCorpus.Load(file), null, Decode), ImageCorpus.Entry(file).Expected.Decode);

    [Fact]
    public void Manifest_FilesBothDecodersDecode_AreExpectedValidAtEveryLevel()
    {
        var refused = ImageCorpus.Entries.Where(entry => entry.BothDecode && entry.Format != "unsupported" && (entry.Expected.Structure != "valid" || entry.Expected.Decode != "valid"));
        Assert.Empty(refused);
        Assert.True(ImageCorpus.Entries.Count(entry => entry.BothDecode) >= 40);
        Assert.True(ImageCorpus.Entries.Count(entry => entry.BothRefuse) >= 40);
    }

    private static void AssertVerdict(CorpusEntry entry, ImageCheckResult result, string expected)
    {
        switch (expected)
        {
            case "valid":
                Assert.True(result.Succeeded, $"{entry.File} ({entry.Note}) was refused: {result.Error?.Message}");
                Assert.Equal(
                    (entry.MediaType, entry.Width, entry.Height, entry.Frames, entry.Animated),
                    (result.Info.MediaType, result.Info.Width, result.Info.Height, result.Info.FrameCount, result.Info.IsAnimated));
                Assert.Equal(entry.Bytes, result.Bytes);
                break;
            case "invalid":
                Assert.False(result.Succeeded, $"{entry.File} ({entry.Note}) was accepted");
                Assert.True(
                    result.Error.Code is ValidationErrorCode.InvalidImage or ValidationErrorCode.PixelBudgetExceeded,
                    $"{entry.File}: {result.Error.Code} {result.Error.Message}");
                break;
            default:
                Assert.False(result.Succeeded, $"{entry.File} was accepted");
                Assert.Equal(ValidationErrorCode.UnsupportedImageType, result.Error.Code);
                break;
        }
    }
}
